// Turns a replayed run into the plain snapshots the tree view and review panel show.
import type { RunState, CandidateEntry } from '../core/run-state';
import type { CandidateSummary, HistoryPoint, RunListEntry, RunSnapshot, RunStatus } from '../messages/lsp';

export interface SnapshotContext {
  dir: string;
  status: RunStatus;
  startedAt: string;
  keyMetric?: string;
  target?: number;
  /** Remote workers of a live run that evaluates through a broker. */
  workers?: { evaluators: number; samplers: number };
  /** ELO leaderboard of the latest self-play report for the run's file. */
  leaderboard?: RunSnapshot['leaderboard'];
}

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

function summarize(entry: CandidateEntry, state: RunState, baseline: Record<string, number> | undefined): CandidateSummary {
  const r = entry.result;
  const metrics = r?.metrics ?? {};
  const validation = state.validation.get(entry.id);
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
    deltas: entry.index === 0 ? {} : deltas(metrics, baseline),
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

/** Best first: ok candidates by score, then pending, then failed ones by index. */
export function rankCandidates(list: CandidateSummary[]): CandidateSummary[] {
  const rank = (c: CandidateSummary): number => (c.ok && c.score !== null && !c.duplicateOf ? 0 : c.pending ? 1 : c.duplicateOf ? 2 : 3);
  return [...list].sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? (b.score as number) - (a.score as number) : 0) || a.index - b.index);
}

export function runSnapshot(state: RunState, ctx: SnapshotContext): RunSnapshot {
  const initial = state.initial();
  const baseline = initial?.result?.ok ? initial.result.metrics : undefined;
  const entries = [...state.candidates.values()];
  const candidates = rankCandidates(entries.map((e) => summarize(e, state, baseline)));
  const history: HistoryPoint[] = entries
    .filter((e) => e.result)
    .sort((a, b) => a.index - b.index)
    .map((e) => ({ index: e.index, id: e.id, island: e.island, score: e.result?.score ?? null, validation: state.validation.get(e.id) ?? null, ok: e.result?.ok ?? false }));
  const champion = state.champion();
  const pareto = paretoFront(state);
  return {
    runId: state.runId,
    dir: ctx.dir,
    file: state.config.file,
    fileName: state.config.fileName,
    evaluator: state.config.evaluator.id,
    generator: state.config.generator.id,
    domain: state.domain,
    ...(ctx.keyMetric ? { keyMetric: ctx.keyMetric } : {}),
    status: ctx.status,
    ...(state.ended ? { endReason: state.ended } : {}),
    startedAt: ctx.startedAt,
    proposed: Math.max(0, state.nextIndex - 1),
    evaluated: Math.max(0, state.evaluated - (initial?.result ? 1 : 0)),
    failed: state.failed,
    duplicates: state.duplicates,
    spendUsd: state.spendUsd,
    ...(ctx.workers ? { workers: ctx.workers } : {}),
    ...(ctx.target !== undefined ? { target: ctx.target } : state.config.budget.maxCandidates !== undefined ? { target: state.config.budget.maxCandidates } : {}),
    bestId: state.championId,
    bestScore: champion?.result?.score ?? null,
    initialScore: initial?.result?.score ?? null,
    islands: state.config.islands,
    candidates,
    history,
    bestHistory: [...state.bestHistory],
    notes: [...state.notes],
    ...(pareto ? { pareto } : {}),
    ...(ctx.leaderboard?.length ? { leaderboard: ctx.leaderboard } : {}),
  };
}

export function runListEntry(snapshot: RunSnapshot): RunListEntry {
  return {
    runId: snapshot.runId,
    dir: snapshot.dir,
    file: snapshot.file,
    fileName: snapshot.fileName,
    status: snapshot.status,
    ...(snapshot.endReason ? { endReason: snapshot.endReason } : {}),
    startedAt: snapshot.startedAt,
    evaluated: snapshot.evaluated,
    bestScore: snapshot.bestScore,
    initialScore: snapshot.initialScore,
  };
}

/** A run with no run-ended event and no live engine was interrupted (crash, reload, kill). */
export function statusOf(state: RunState, live: boolean): RunStatus {
  if (live) return 'running';
  if (state.ended === 'error') return 'failed';
  return state.ended ? 'ended' : 'stopped';
}
