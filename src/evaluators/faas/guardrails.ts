// Guardrails: limits a FaaS candidate may not break whatever its score. On every workload, each
// priority class's completion rate may not fall, and its p99 latency may not rise, beyond a
// tolerance relative to the `priority` baseline on the same trace. A candidate that breaks one is
// infeasible: it ranks below every feasible candidate, and its feedback names the guardrail and
// the workload. This is what keeps a policy that starves a class from "winning".
import type { EvalCheck, JsonValue } from '../../core/types';
import type { CategoryStats, SimulationReport } from './engine/results';

export interface Guardrails {
  /** Largest allowed relative drop of a class's completion rate (0.05 = may fall to 95% of the baseline's). */
  completionRate: number;
  /** Largest allowed relative rise of a class's p99 latency, unfinished pipelines counted at the penalty latency (0.25 = up to 1.25 x the baseline's). */
  p99: number;
}

export const DEFAULT_GUARDRAILS: Guardrails = Object.freeze({ completionRate: 0.05, p99: 0.25 });

export interface GuardrailBreach {
  guardrail: string;
  workload: string;
  detail: string;
}

/** Scores of infeasible candidates lie in [-21, -19]: below every feasible score (>= -10), still ordered among themselves. */
export const INFEASIBLE_BASE = -20;

export function infeasibleScore(score: number | null): number {
  return INFEASIBLE_BASE + Math.max(-10, Math.min(10, score ?? -10)) / 10;
}

const CLASSES = [
  ['QUERY', 'pipelines_query'],
  ['INTERACTIVE', 'pipelines_interactive'],
  ['BATCH_PIPELINE', 'pipelines_batch'],
] as const;

/** All guardrail names, in a stable order (two per priority class). */
export const GUARDRAIL_NAMES: readonly string[] = CLASSES.flatMap(([name]) => [`completion rate ${name}`, `p99 latency ${name}`]);

/** `guardrails` option: false (none), true / absent (defaults), or `{ completionRate, p99 }` tolerances. */
export function parseGuardrails(value: JsonValue | undefined): Guardrails | null {
  if (value === undefined || value === null || value === true) return DEFAULT_GUARDRAILS;
  if (value === false) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('faas option guardrails must be false, true or { "completionRate": 0.05, "p99": 0.25 }');
  const out: Guardrails = { ...DEFAULT_GUARDRAILS };
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'completionRate' && key !== 'p99') throw new Error(`unknown guardrail '${key}' (known: completionRate, p99)`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`guardrail tolerance ${key} must be a number >= 0, got ${JSON.stringify(v)}`);
    out[key] = v;
  }
  return out;
}

function extraKey(name: (typeof CLASSES)[number][0]): 'query' | 'interactive' | 'batch' {
  return name === 'QUERY' ? 'query' : name === 'INTERACTIVE' ? 'interactive' : 'batch';
}

const rate = (c: CategoryStats): number | null => (c.arrival_count > 0 ? c.completion_count / c.arrival_count : null);
const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The guardrails the candidate breaks on one workload. */
export function checkGuardrails(g: Guardrails, workload: string, candidate: SimulationReport, baseline: SimulationReport): GuardrailBreach[] {
  const out: GuardrailBreach[] = [];
  for (const [name, key] of CLASSES) {
    const c = candidate.stats[key];
    const b = baseline.stats[key];
    const baseRate = rate(b);
    const candRate = rate(c);
    if (baseRate !== null && candRate !== null && candRate < baseRate * (1 - g.completionRate) - 1e-12) {
      out.push({
        guardrail: `completion rate ${name}`,
        workload,
        detail: `${c.completion_count}/${c.arrival_count} ${name} pipelines completed (${percent(candRate)}) vs ${percent(baseRate)} for priority; at most ${percent(g.completionRate)} lower is allowed`,
      });
    }
    // p99 over every arrived pipeline with unfinished ones at the objective's penalty latency:
    // over completed pipelines only, finishing more slow pipelines would read as a regression.
    const baseP99 = baseline.extra.per_category[extraKey(name)].p99_latency_penalized_seconds;
    const candP99 = candidate.extra.per_category[extraKey(name)].p99_latency_penalized_seconds;
    if (baseP99 !== null && candP99 !== null && candP99 > baseP99 * (1 + g.p99) + 1e-9) {
      out.push({
        guardrail: `p99 latency ${name}`,
        workload,
        detail: `${name} p99 latency ${candP99.toFixed(2)} s vs ${baseP99.toFixed(2)} s for priority (unfinished pipelines count at the penalty latency); at most ${percent(g.p99)} higher is allowed`,
      });
    }
  }
  return out;
}

/** One verdict per guardrail over all the workloads evaluated, for the editor. */
export function guardrailChecks(workloads: readonly string[], breaches: readonly GuardrailBreach[]): EvalCheck[] {
  return GUARDRAIL_NAMES.map((name) => {
    const broken = breaches.filter((b) => b.guardrail === name);
    if (broken.length === 0) return { kind: 'guardrail' as const, name, status: 'verified' as const, scope: workloads.join(', ') };
    const first = broken[0] as GuardrailBreach;
    return { kind: 'guardrail' as const, name, status: 'violated' as const, scope: broken.map((b) => b.workload).join(', '), detail: `${first.workload}: ${first.detail}` };
  });
}
