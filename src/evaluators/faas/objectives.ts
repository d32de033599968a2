// Objectives and scores. A candidate is always scored against the built-in `priority` policy on the
// same trace: +0.12 means 12% better than Eudoxia's best built-in on that objective.
import type { SimulationReport } from './engine/results';

export const OBJECTIVES = [
  'adjusted-latency',
  'adjusted-latency-penalized',
  'throughput',
  'completion-rate',
  'queueing-delay',
  'mean-latency',
  'p99-latency',
  'p99-query',
  'p99-interactive',
  'p99-batch',
] as const;
export type ObjectiveName = (typeof OBJECTIVES)[number];

/** One objective, or a weighted mix of relative scores. */
export type Objective = { kind: 'single'; name: ObjectiveName } | { kind: 'weighted'; weights: [ObjectiveName, number][] };

/**
 * The default counts unfinished pipelines: under the seed paper's adjusted latency a class with no
 * completions drops out of the weighted mean, so starving a whole class scores "better".
 */
export const DEFAULT_OBJECTIVE: Objective = { kind: 'single', name: 'adjusted-latency-penalized' };

/** The one-line warning shown when a run selects the seed paper's objective. */
export const SEED_OBJECTIVE_WARNING =
  "objective 'adjusted-latency' (the seed paper's) rewards starving a priority class: pipelines that never finish drop out of its weighted mean; the default 'adjusted-latency-penalized' counts them";

/** Whether an objective includes the seed paper's adjusted latency (it deserves the warning). */
export function usesSeedObjective(o: Objective): boolean {
  return o.kind === 'single' ? o.name === 'adjusted-latency' : o.weights.some(([n]) => n === 'adjusted-latency');
}

export const OBJECTIVE_DESCRIPTIONS: Readonly<Record<ObjectiveName, string>> = {
  'adjusted-latency': "the seed paper's objective: mean pipeline latency weighted QUERY 10, INTERACTIVE 5, BATCH 1, divided by the completion rate (rewards starving a class); lower is better",
  'adjusted-latency-penalized':
    "default: mean pipeline latency weighted QUERY 10, INTERACTIVE 5, BATCH 1, where every unfinished pipeline counts with a penalty latency (2 x max_job_seconds as Eudoxia's CLI, or the whole run without a job limit); lower is better",
  throughput: 'completed pipelines per simulated second; higher is better',
  'completion-rate': 'share of arrived pipelines that completed; higher is better',
  'queueing-delay': 'mean seconds from arrival to first container; lower is better',
  'mean-latency': 'mean latency of completed pipelines, all priorities alike; lower is better',
  'p99-latency': 'p99 latency of completed pipelines; lower is better',
  'p99-query': 'p99 latency of completed QUERY pipelines; lower is better',
  'p99-interactive': 'p99 latency of completed INTERACTIVE pipelines; lower is better',
  'p99-batch': 'p99 latency of completed BATCH_PIPELINE pipelines; lower is better',
};

const HIGHER_IS_BETTER: ReadonlySet<ObjectiveName> = new Set(['throughput', 'completion-rate']);

export function isObjectiveName(value: unknown): value is ObjectiveName {
  return typeof value === 'string' && (OBJECTIVES as readonly string[]).includes(value);
}

/**
 * Parses an objective from options: a name, `name=weight,name=weight`, or an object
 * `{ "adjusted-latency": 0.7, "throughput": 0.3 }`.
 */
export function parseObjective(value: unknown): Objective {
  if (value === undefined || value === null) return DEFAULT_OBJECTIVE;
  if (typeof value === 'string') {
    if (!value.includes('=')) {
      if (!isObjectiveName(value)) throw new Error(`unknown objective '${value}' (use one of ${OBJECTIVES.join(', ')}, or name=weight,name=weight)`);
      return { kind: 'single', name: value };
    }
    const weights: Record<string, number> = {};
    for (const part of value.split(',')) {
      const [name, weight] = part.split('=').map((s) => s.trim());
      weights[name ?? ''] = Number(weight);
    }
    return parseObjective(weights);
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const weights: [ObjectiveName, number][] = [];
    for (const [name, weight] of Object.entries(value as Record<string, unknown>)) {
      if (!isObjectiveName(name)) throw new Error(`unknown objective '${name}' in the weighted objective (use ${OBJECTIVES.join(', ')})`);
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) throw new Error(`objective weight for '${name}' must be a number >= 0, got ${String(weight)}`);
      if (weight > 0) weights.push([name, weight]);
    }
    if (weights.length === 0) throw new Error('a weighted objective needs at least one positive weight');
    return weights.length === 1 ? { kind: 'single', name: (weights[0] as [ObjectiveName, number])[0] } : { kind: 'weighted', weights };
  }
  throw new Error(`objective must be a name or an object of weights, got ${typeof value}`);
}

export function objectiveLabel(o: Objective): string {
  return o.kind === 'single' ? o.name : o.weights.map(([n, w]) => `${n}=${w}`).join(',');
}

/** The raw value of an objective in a run; null when undefined (e.g. nothing completed). */
export function objectiveValue(name: ObjectiveName, r: SimulationReport): number | null {
  const s = r.stats;
  const e = r.extra;
  switch (name) {
    case 'adjusted-latency':
      return e.adjusted_latency_seconds;
    case 'adjusted-latency-penalized':
      return e.adjusted_latency_penalized_seconds;
    case 'throughput':
      return e.completed_pipelines_per_second;
    case 'completion-rate':
      return e.completion_rate;
    case 'queueing-delay':
      return e.per_category.all.mean_queueing_delay_seconds;
    case 'mean-latency':
      return s.pipelines_all.mean_latency_seconds;
    case 'p99-latency':
      return s.pipelines_all.p99_latency_seconds;
    case 'p99-query':
      return s.pipelines_query.p99_latency_seconds;
    case 'p99-interactive':
      return s.pipelines_interactive.p99_latency_seconds;
    case 'p99-batch':
      return s.pipelines_batch.p99_latency_seconds;
  }
}

/** Worst and best relative scores, so one pathological trace cannot dominate an average. */
export const SCORE_FLOOR = -10;
export const SCORE_CEILING = 10;

/**
 * Relative improvement over the baseline on one objective: (base - cand) / base when lower is
 * better, (cand - base) / base when higher is better. Missing values (nothing completed) count as
 * the worst possible outcome.
 */
export function relativeScore(name: ObjectiveName, candidate: number | null, baseline: number | null): number {
  const cOk = candidate !== null && Number.isFinite(candidate);
  const bOk = baseline !== null && Number.isFinite(baseline);
  if (!cOk && !bOk) return 0;
  if (!cOk) return SCORE_FLOOR;
  if (!bOk) return HIGHER_IS_BETTER.has(name) ? SCORE_CEILING : 1;
  const c = candidate as number;
  const b = baseline as number;
  let rel: number;
  if (HIGHER_IS_BETTER.has(name)) rel = b === 0 ? (c > 0 ? SCORE_CEILING : 0) : (c - b) / Math.abs(b);
  else rel = b === 0 ? (c === 0 ? 0 : SCORE_FLOOR) : (b - c) / Math.abs(b);
  return Math.min(SCORE_CEILING, Math.max(SCORE_FLOOR, rel));
}

export function scoreAgainst(objective: Objective, candidate: SimulationReport, baseline: SimulationReport): number {
  if (objective.kind === 'single') return relativeScore(objective.name, objectiveValue(objective.name, candidate), objectiveValue(objective.name, baseline));
  let total = 0;
  let weights = 0;
  for (const [name, w] of objective.weights) {
    total += w * relativeScore(name, objectiveValue(name, candidate), objectiveValue(name, baseline));
    weights += w;
  }
  return total / weights;
}

export function lowerIsBetter(name: ObjectiveName): boolean {
  return !HIGHER_IS_BETTER.has(name);
}
