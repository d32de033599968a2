// Starting and resuming runs, shared by the CLI and the language server. Evaluators, generators
// and pools are passed in already built, so this layer stays free of domain code.
import { randomBytes } from 'node:crypto';
import { basename, extname, join } from 'node:path';
import type { EngineEvent } from '../messages/progress';
import { Engine, RunSummary } from './engine';
import { parseBlocks } from './evolve-blocks';
import { JOURNAL_VERSION, RunConfig } from './journal-events';
import type { Budget } from './journal-events';
import { readJournal, RunStore } from './journal';
import { RunState } from './run-state';
import type { EvaluationPool, EvaluatorInfo, Generator, TokenUsage, Workload } from './types';

export const DEFAULTS = {
  seed: 1,
  islands: 4,
  generationConcurrency: 2,
  evaluationConcurrency: 2,
  budget: { maxCandidates: 300 } as Budget,
  cascade: { enabled: true, cheapCount: 1, margin: 0.1 },
  aggregation: { kind: 'mean' } as const,
  searchReplaceRatio: 0.8,
  migrationInterval: 50,
  eliteSize: 8,
  exploitation: 0.7,
  inspirations: 2,
};

export function newRunId(file: string, date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const stem = basename(file, extname(file)).replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40) || 'file';
  return `${stamp}-${stem}-${randomBytes(2).toString('hex')}`;
}

export interface RunHandles {
  evaluator: EvaluatorInfo;
  workloads: Workload[];
  pool: EvaluationPool;
  /** Built after the store exists so generators can report usage into it. */
  makeGenerator(onUsage: (usage: TokenUsage) => void): Promise<Generator>;
  onEvent?: (event: EngineEvent) => void;
}

export interface ActiveRun {
  store: RunStore;
  state: RunState;
  engine: Engine;
  done: Promise<RunSummary>;
}

/** Checks the starting file before anything is written, so bad input fails with nothing created. */
export function checkStartingFile(code: string, fileName: string): void {
  parseBlocks(code);
  if (code.trim() === '') throw new Error(`${fileName} is empty: there is nothing to evolve`);
}

async function launch(store: RunStore, state: RunState, handles: RunHandles, signal: AbortSignal): Promise<ActiveRun> {
  let engine: Engine | undefined;
  const pendingUsage: TokenUsage[] = [];
  const generator = await handles.makeGenerator((usage) => (engine ? engine.recordUsage(usage) : pendingUsage.push(usage)));
  engine = new Engine({ store, state, workloads: handles.workloads, pool: handles.pool, generator, ...(handles.onEvent ? { onEvent: handles.onEvent } : {}) });
  for (const usage of pendingUsage) engine.recordUsage(usage);
  const done = engine.run(signal).finally(async () => {
    store.close();
    await generator.dispose?.();
  });
  return { store, state, engine, done };
}

export async function startRun(options: { runsDir: string; code: string; config: RunConfig; runId?: string }, handles: RunHandles, signal: AbortSignal): Promise<ActiveRun> {
  checkStartingFile(options.code, options.config.fileName);
  const runId = options.runId ?? newRunId(options.config.file);
  const store = RunStore.create(options.runsDir, runId, options.config);
  const sourceHash = store.putSource(options.code);
  const state = new RunState();
  const started = {
    type: 'run-started' as const,
    version: JOURNAL_VERSION,
    runId,
    time: new Date().toISOString(),
    config: options.config,
    sourceHash,
    features: handles.evaluator.features,
    domain: handles.evaluator.domain,
    ...(handles.evaluator.objectives?.length ? { objectives: handles.evaluator.objectives } : {}),
  };
  state.apply(started);
  store.append(started);
  return launch(store, state, handles, signal);
}

/** Replays a run's journal; reports lines that a crash cut in half. */
export function loadRun(dir: string, forAppend = false): { store: RunStore; state: RunState; skipped: number } {
  // Read before opening for append: opening repairs a torn last line, and the caller should hear of it.
  const { events, skipped } = readJournal(join(dir, 'journal.jsonl'));
  const store = RunStore.open(dir, forAppend);
  const state = RunState.replay(events);
  if (!state.started) throw new Error(`${dir}: the journal has no run-started event`);
  return { store, state, skipped: skipped.length };
}

export async function resumeRun(dir: string, budget: Budget | undefined, handles: RunHandles, signal: AbortSignal): Promise<ActiveRun & { skipped: number }> {
  const { store, state, skipped } = loadRun(dir, true);
  const resumed = { type: 'run-resumed' as const, time: new Date().toISOString(), budget: budget ?? state.config.budget };
  state.apply(resumed);
  store.append(resumed);
  return { ...(await launch(store, state, handles, signal)), skipped };
}
