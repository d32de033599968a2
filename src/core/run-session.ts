// Starting and resuming runs, shared by the CLI and the language server. Evaluators, generators
// and pools are passed in already built, so this layer stays free of domain code.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { EngineEvent } from '../messages/progress';
import { Engine, RunSummary } from './engine';
import { parseBlocks } from './evolve-blocks';
import { JOURNAL_VERSION, RunConfig } from './journal-events';
import type { Budget } from './journal-events';
import { readJournal, RunStore } from './journal';
import { RunState } from './run-state';
import type { EvaluationPool, EvaluatorInfo, Generator, TokenUsage, Workload } from './types';
import { UserError } from './user-error';

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
  /**
   * Built before the run's folder exists, so a configuration error leaves nothing behind; usage is
   * reported with the candidate index and journaled once the engine is there. `startingCode` lets a
   * generator refuse at once when, say, a model's context window cannot hold the program.
   */
  makeGenerator(onUsage: (usage: TokenUsage, index?: number) => void, startingCode: string): Promise<Generator>;
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

interface PreparedGenerator {
  generator: Generator;
  /** Routes usage reported so far, and from now on, into the engine's journal. */
  connect(engine: Engine): void;
}

/**
 * Builds the generator before anything is written: a missing key, an unknown price under a cost
 * cap or a model whose window cannot hold the program fails here and leaves no run folder.
 */
async function prepareGenerator(handles: RunHandles, startingCode: string): Promise<PreparedGenerator> {
  let engine: Engine | undefined;
  const pending: [TokenUsage, number | undefined][] = [];
  const generator = await handles.makeGenerator((usage, index) => (engine ? engine.recordUsage(usage, index) : pending.push([usage, index])), startingCode);
  return {
    generator,
    connect(e) {
      engine = e;
      for (const [usage, index] of pending.splice(0)) e.recordUsage(usage, index);
    },
  };
}

async function launch(store: RunStore, state: RunState, handles: RunHandles, prepared: PreparedGenerator, signal: AbortSignal): Promise<ActiveRun> {
  const { generator } = prepared;
  const engine = new Engine({ store, state, workloads: handles.workloads, pool: handles.pool, generator, ...(handles.onEvent ? { onEvent: handles.onEvent } : {}) });
  prepared.connect(engine);
  const done = engine.run(signal).finally(async () => {
    store.close();
    await generator.dispose?.();
  });
  return { store, state, engine, done };
}

export async function startRun(options: { runsDir: string; code: string; config: RunConfig; runId?: string }, handles: RunHandles, signal: AbortSignal): Promise<ActiveRun> {
  checkStartingFile(options.code, options.config.fileName);
  const prepared = await prepareGenerator(handles, options.code);
  const runId = options.runId ?? newRunId(options.config.file);
  let store: RunStore;
  try {
    store = RunStore.create(options.runsDir, runId, options.config);
  } catch (err) {
    await prepared.generator.dispose?.();
    throw err;
  }
  const state = new RunState();
  let sourceHash: string;
  try {
    sourceHash = store.putSource(options.code);
  } catch (err) {
    // Nothing was journaled yet: leave no half-made run behind.
    store.close();
    rmSync(store.dir, { recursive: true, force: true });
    throw err;
  }
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
    ...(handles.evaluator.relativeTo ? { relativeTo: handles.evaluator.relativeTo } : {}),
    ...(handles.evaluator.lowerIsBetter?.length ? { lowerIsBetter: handles.evaluator.lowerIsBetter } : {}),
  };
  try {
    store.append(started);
  } catch (err) {
    store.close();
    rmSync(store.dir, { recursive: true, force: true });
    throw err;
  }
  state.apply(started);
  return launch(store, state, handles, prepared, signal);
}

export interface LoadedRun {
  store: RunStore;
  state: RunState;
  /** How many journal lines were not replayed. */
  skipped: number;
  /** One line per line not replayed (damaged, unknown or duplicated), naming the journal line. */
  warnings: string[];
}

/** Replays a run's journal; reports the lines it skipped (cut by a crash, damaged, duplicated). */
export function loadRun(dir: string, forAppend = false): LoadedRun {
  const journal = join(dir, 'journal.jsonl');
  if (!existsSync(journal)) throw new UserError(`${dir} is not a run folder (no journal.jsonl)`);
  // Read before opening for append: opening repairs a torn last line, and the caller should hear of it.
  const { events, skipped } = readJournal(journal);
  const state = RunState.replay(events);
  if (!state.started) {
    const empty = events.length === 0 && skipped.length === 0;
    throw new UserError(`run ${basename(dir)}: ${empty ? 'the journal is empty (the run never started)' : 'the journal has no readable run-started event'}; it cannot be loaded`);
  }
  const store = RunStore.open(dir, forAppend);
  const warnings = skipped.map((s) => `${journal}:${s.line}: ${s.reason}`);
  return { store, state, skipped: skipped.length, warnings };
}

export async function resumeRun(dir: string, budget: Budget | undefined, handles: RunHandles, signal: AbortSignal): Promise<ActiveRun & { skipped: number }> {
  const { store, state, skipped } = loadRun(dir, true);
  let prepared: PreparedGenerator;
  try {
    prepared = await prepareGenerator(handles, store.readSource(state.initialSourceHash));
  } catch (err) {
    store.close();
    throw err;
  }
  const resumed = { type: 'run-resumed' as const, time: new Date().toISOString(), budget: budget ?? state.config.budget };
  try {
    store.append(resumed);
  } catch (err) {
    store.close();
    throw err;
  }
  state.apply(resumed);
  return { ...(await launch(store, state, handles, prepared, signal)), skipped };
}
