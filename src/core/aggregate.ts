// Combining per-workload scores into one number, by the rule the run is configured with.
import type { AggregationRule, Workload, WorkloadResult } from './types';

export function aggregateScores(results: readonly WorkloadResult[], rule: AggregationRule, workloads?: readonly Workload[]): number {
  const scores = results.map((r) => r.score);
  if (scores.length === 0) return Number.NaN;
  switch (rule.kind) {
    case 'mean':
      return scores.reduce((a, b) => a + b, 0) / scores.length;
    case 'median': {
      const sorted = [...scores].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    }
    case 'last':
      return scores[scores.length - 1] as number;
    case 'min':
      return Math.min(...scores);
    case 'weighted': {
      const weightOf = new Map((workloads ?? []).map((w) => [w.id, w.weight ?? 1]));
      let total = 0;
      let weights = 0;
      for (const r of results) {
        const w = weightOf.get(r.workloadId) ?? 1;
        total += w * r.score;
        weights += w;
      }
      return weights > 0 ? total / weights : Number.NaN;
    }
  }
}

export function parseAggregationRule(text: string): AggregationRule {
  if (text === 'mean' || text === 'median' || text === 'last' || text === 'min' || text === 'weighted') return { kind: text };
  throw new Error(`unknown aggregation rule '${text}' (use mean, median, last, min or weighted)`);
}
