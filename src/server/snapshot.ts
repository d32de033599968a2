// Turns a replayed run into the plain snapshots the tree view and review panel show; the candidate
// views and their ranking are app/run-views.ts, shared with the CLI's `show`.
import { paretoFront, rankedViews } from '../app/run-views';
import type { RunState } from '../core/run-state';
import type { HistoryPoint, RunFailure, RunListEntry, RunSnapshot, RunStatus } from '../messages/lsp';
import { failureOfState } from './run-failure';

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
  /** A failure known from the error itself (this session), which says more than the journal. */
  failure?: RunFailure;
}

export function runSnapshot(state: RunState, ctx: SnapshotContext): RunSnapshot {
  const initial = state.initial();
  const searchCount = initial?.result?.perWorkload.length ?? 0;
  const entries = [...state.candidates.values()];
  const candidates = rankedViews(state);
  const failure = ctx.status === 'failed' ? (ctx.failure ?? failureOfState(state)) : undefined;
  const rejected = state.failures
    .filter((f) => f.id === undefined)
    .slice(-50)
    .reverse()
    .map((f) => ({ index: f.index, error: f.error.split('\n')[0]?.slice(0, 500) ?? f.error }));
  const history: HistoryPoint[] = entries
    .filter((e) => e.result)
    .sort((a, b) => a.index - b.index)
    .map((e) => ({ index: e.index, id: e.id, island: e.island, score: e.result?.score ?? null, validation: state.validation.get(e.id) ?? null, ok: e.result?.ok ?? false, ...(e.decision ? { decision: e.decision.decision } : {}) }));
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
    seed: state.config.seed,
    ...(state.relativeTo ? { relativeTo: state.relativeTo } : {}),
    lowerIsBetter: state.lowerIsBetter,
    ...(failure ? { failure } : {}),
    rejected,
    ...(state.holdout ? { holdout: { bestId: state.championId, ...state.holdout } } : {}),
    searchWorkloads: searchCount,
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
    seed: snapshot.seed,
    ...(snapshot.failure ? { failure: snapshot.failure } : {}),
    evaluated: snapshot.evaluated,
    bestScore: snapshot.bestScore,
    initialScore: snapshot.initialScore,
  };
}

/**
 * A run with no run-ended event and no live engine was interrupted (crash, reload, kill) unless its
 * starting program failed; a run that ended without doing its job failed (see run-failure.ts).
 */
export function statusOf(state: RunState, live: boolean, knownFailure?: RunFailure): RunStatus {
  if (live) return 'running';
  if (state.ended === 'cancelled') return 'cancelled';
  if (knownFailure || failureOfState(state)) return 'failed';
  return state.ended ? 'ended' : 'stopped';
}
