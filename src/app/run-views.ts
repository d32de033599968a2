// Views of a replayed run that every front end shows the same way: the candidates ranked best
// first (agreeing with "best"), each with its scores against the starting program on the same
// workloads, per-workload results, holdout and the concerns that make accepting it a question;
// the Pareto front. The CLI's `show` and the language server's snapshots are built from these.
import { aggregateScores } from '../core/aggregate';
import type { CandidateEntry, RunState } from '../core/run-state';
import type { WorkloadResult } from '../core/types';
import type { CandidateSummary, CheckView, RunSnapshot, WorkloadRow } from '../messages/lsp';

/** The candidates that no other candidate beats on every objective (ties kept once, earliest first). */
export function paretoFront(state: RunState): RunSnapshot['pareto'] {
  if (!state.objectives.length) return undefined;
  const points = [...state.candidates.values()]
    .filter((e) => e.result?.ok && !e.duplicateOf && !e.cascadeStopped && state.objectives.every((o) => Number.isFinite(e.result?.metrics[o.metric])))
    .sort((a, b) => a.index - b.index)
    .map((e) => ({ id: e.id, score: e.result?.score ?? null, values: state.objectives.map((o) => e.result?.metrics[o.metric] as number) }));
  const dominates = (a: number[], b: number[]): boolean => a.every((v, i) => v >= (b[i] as number)) && a.some((v, i) => v > (b[i] as number));
  const same = (a: number[], b: number[]): boolean => a.every((v, i) => v === b[i]);
  const members = points.filter((p, i) => !points.some((q, j) => dominates(q.values, p.values) || (j < i && same(q.values, p.values))));
  return { objectives: state.objectives.map((o) => o.label), members };
}

function deltas(metrics: Record<string, number>, baseline: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!baseline) return out;
  for (const [key, value] of Object.entries(metrics)) {
    const base = baseline[key];
    if (typeof base === 'number' && Number.isFinite(base) && Number.isFinite(value)) out[key] = value - base;
  }
  return out;
}

const fmt = (n: number): string => Number(n.toPrecision(4)).toString();

/** The starting program's score on exactly the workloads `results` covers, by the run's rule. */
function baselineOn(results: readonly WorkloadResult[], state: RunState): number | null {
  const base = state.initial()?.result;
  if (!base?.ok) return null;
  const ids = new Set(results.map((r) => r.workloadId));
  const same = base.perWorkload.filter((r) => ids.has(r.workloadId));
  if (same.length === 0 || same.length !== ids.size) return base.score;
  const score = aggregateScores(same, state.config.aggregation);
  return Number.isFinite(score) ? score : null;
}

function workloadRows(entry: CandidateEntry, state: RunState): WorkloadRow[] {
  const base = new Map((state.initial()?.result?.perWorkload ?? []).map((r) => [r.workloadId, r]));
  return (entry.result?.perWorkload ?? []).map((r) => {
    const b = base.get(r.workloadId);
    return { id: r.workloadId, split: 'search', ok: r.ok, score: Number.isFinite(r.score) ? r.score : null, baseline: b?.ok && Number.isFinite(b.score) ? b.score : null, ...(r.error ? { error: r.error.split('\n')[0]?.slice(0, 300) } : {}) };
  });
}

/** Why accepting this candidate needs an explicit confirmation, one sentence each. */
export function concernsOf(checks: CheckView[], holdout: { candidate: number | null; initial: number | null } | undefined): string[] {
  const out: string[] = [];
  for (const c of checks) {
    if (c.status !== 'violated') continue;
    out.push(c.kind === 'guardrail' ? `it breaks the guardrail "${c.name}" on ${c.scope}` : `it violates ${c.name} at ${c.scope}`);
  }
  if (holdout && holdout.candidate !== null && holdout.initial !== null && holdout.candidate < holdout.initial) {
    out.push(`it is worse than the starting program on the holdout workloads (${fmt(holdout.candidate)} vs ${fmt(holdout.initial)})`);
  }
  if (holdout && holdout.candidate === null && holdout.initial !== null) out.push('it failed on the holdout workloads, where the starting program scored');
  return out;
}

function holdoutOf(entry: CandidateEntry, state: RunState): number | null | undefined {
  const h = state.holdout;
  if (!h) return undefined;
  if (entry.index === 0) return h.initial;
  return entry.id === state.championId ? h.best : undefined;
}

/** One candidate as every front end shows it: scores, what they compare with, per-workload results, concerns. */
export function candidateView(entry: CandidateEntry, state: RunState, baseline: Record<string, number> | undefined, searchCount: number): CandidateSummary {
  const r = entry.result;
  const metrics = r?.metrics ?? {};
  const validation = state.validation.get(entry.id);
  const checks: CheckView[] = r?.checks ?? [];
  const holdout = holdoutOf(entry, state);
  const scored = r?.perWorkload.length ?? 0;
  // Metrics of a candidate scored on fewer workloads than the baseline are not comparable with its totals.
  const comparable = entry.index > 0 && !entry.cascadeStopped && (scored === 0 || scored >= searchCount);
  return {
    id: entry.id,
    index: entry.index,
    island: entry.island,
    parentIds: entry.parentIds,
    generator: entry.generator,
    ok: r?.ok ?? false,
    score: r?.score ?? null,
    ...(validation !== undefined ? { validation } : {}),
    metrics,
    deltas: comparable ? deltas(metrics, baseline) : {},
    baselineScore: r && r.perWorkload.length ? baselineOn(r.perWorkload, state) : (state.initial()?.result?.score ?? null),
    workloadsScored: scored,
    ...(holdout !== undefined ? { holdout } : {}),
    workloads: workloadRows(entry, state),
    checks,
    concerns: entry.index === 0 ? [] : concernsOf(checks, holdout !== undefined ? { candidate: holdout, initial: state.holdout?.initial ?? null } : undefined),
    improvement: entry.improvement ?? false,
    admitted: entry.admitted ?? false,
    ...(entry.duplicateOf ? { duplicateOf: entry.duplicateOf } : {}),
    ...(entry.cascadeStopped ? { cascadeStopped: true } : {}),
    ...(r?.error ? { error: r.error } : {}),
    ...(entry.explanation ? { explanation: entry.explanation } : {}),
    ...(entry.decision ? { decision: entry.decision.decision, ...(entry.decision.note ? { note: entry.decision.note } : {}) } : {}),
    sourceHash: entry.sourceHash,
    pending: !r,
  };
}

/**
 * Best first, agreeing with the header's "best": the run's best candidate (the champion, which also
 * had to beat its parent on validation), then candidates scored on every search workload by score,
 * then those the cascade stopped early (scored on a subset, so not comparable), then the ones still
 * evaluating, duplicates, and failures by index.
 */
export function rankCandidates(list: CandidateSummary[], bestId?: string): CandidateSummary[] {
  const rank = (c: CandidateSummary): number => {
    if (c.id === bestId && c.ok) return 0;
    if (c.ok && c.score !== null && !c.duplicateOf) return c.cascadeStopped ? 2 : 1;
    return c.pending ? 3 : c.duplicateOf ? 4 : 5;
  };
  return [...list].sort((a, b) => rank(a) - rank(b) || (rank(a) <= 2 ? (b.score as number) - (a.score as number) : 0) || a.index - b.index);
}

/** Every candidate of the run as a view, ranked best first. */
export function rankedViews(state: RunState): CandidateSummary[] {
  const initial = state.initial();
  const baseline = initial?.result?.ok ? initial.result.metrics : undefined;
  const searchCount = initial?.result?.perWorkload.length ?? 0;
  return rankCandidates(
    [...state.candidates.values()].map((e) => candidateView(e, state, baseline, searchCount)),
    state.championId,
  );
}
