// The defender: the engine evolving the policy file on the current scenario set. One call is one
// engine run (journaled under the self-play folder like any run) that starts from the given
// policy and returns its champion with the model's explanation of the strategy.
import type { RunConfig } from '../../../core/journal-events';
import { DEFAULTS, startRun, type RunHandles } from '../../../core/run-session';
import type { RunState } from '../../../core/run-state';
import type { JsonValue, TokenUsage } from '../../../core/types';
import type { EngineEvent } from '../../../messages/progress';
import { scenarioToJson, type Scenario } from '..';
import type { SandboxPool } from '../../../sandbox/types';
import { tuneDefend, tuneRunId } from './tune/tune-defender';

/** The defender search that tunes the policy's numeric knobs instead of running the engine. */
export const TUNE_GENERATOR = 'tune';

/**
 * Builds a run's evaluator, evaluation pool and generator from its config: the program's one
 * composition root (app/compose), handed in so self-play runs are wired like every other run.
 */
export type RunComposer = (
  config: RunConfig,
  options: {
    sandbox: SandboxPool;
    baseDir: string;
    promptsDir: string;
    secret(name: string): string | undefined;
    onUsage?(usage: TokenUsage): void;
    log?(message: string): void;
    onEvent?(event: EngineEvent): void;
  },
) => Promise<{ handles: RunHandles; close(): Promise<void> }>;

export interface DefenderSettings {
  /** An engine generator, or `tune` for the weight tuner (tune/tune-defender.ts). */
  generator: { id: string; options: { [key: string]: JsonValue } };
  /** Candidates per defender run (for `tune`: training evaluations). */
  candidates: number;
  /** Candidates in flight for LLM generators (local ones go one at a time, spread over the sandbox workers). */
  concurrency: number;
  seed: number;
  runsDir: string;
  /** Folder with prompts/<domain>/*.md for LLM generators (meta-prompt variants write their own). */
  promptsDir: string;
  weights?: JsonValue;
  secret(name: string): string | undefined;
  onUsage?(usage: TokenUsage): void;
  log?(message: string): void;
  compose: RunComposer;
}

/** Generators whose proposals depend only on the seed and the run's history. */
const LOCAL_GENERATORS: ReadonlySet<string> = new Set(['mutate', 'replay']);

export interface DefenderRound {
  file: string;
  fileName: string;
  code: string;
  search: Scenario[];
  validation: Scenario[];
  holdout: Scenario[];
  round: number;
}

export interface DefenderOutcome {
  runId: string;
  runDir: string;
  code: string;
  explanation: string;
  bestId: string;
  initialScore: number | null;
  bestScore: number | null;
  bestValidation: number | null;
  holdout: { best: number | null; initial: number | null } | undefined;
  candidates: number;
  spendUsd: number;
}

export async function defend(round: DefenderRound, settings: DefenderSettings, sandbox: SandboxPool, signal: AbortSignal, onEvent?: (e: EngineEvent) => void): Promise<DefenderOutcome> {
  if (settings.generator.id === TUNE_GENERATOR) {
    const began = performance.now();
    const runId = tuneRunId(round.round, settings.seed);
    const tuned = await tuneDefend(
      { fileName: round.fileName, code: round.code, search: round.search, validation: round.validation, round: round.round },
      {
        evaluations: settings.candidates + 1,
        seed: settings.seed,
        runsDir: settings.runsDir,
        ...(settings.weights !== undefined ? { weights: settings.weights } : {}),
        // The same progress events as an engine run, so every front end shows the tuner alike.
        onProgress: (p) => {
          const elapsedMs = performance.now() - began;
          onEvent?.({ kind: 'progress', progress: { runId, proposed: p.done, done: p.done, failed: 0, duplicates: 0, inFlight: 0, target: p.target, bestId: '', bestScore: p.best, initialScore: p.start, spendUsd: 0, elapsedMs, rate: elapsedMs > 0 ? (p.done * 1000) / elapsedMs : 0 } });
        },
      },
      sandbox,
      signal,
    );
    return { ...tuned, holdout: undefined, spendUsd: 0 };
  }
  const scenarioSet = [
    ...round.search.map((s) => ({ scenario: scenarioToJson(s), split: 'search' })),
    ...round.validation.map((s) => ({ scenario: scenarioToJson(s), split: 'validation' })),
    ...round.holdout.map((s) => ({ scenario: scenarioToJson(s), split: 'holdout' })),
  ] as unknown as JsonValue;
  const evaluatorOptions: { [key: string]: JsonValue } = { scenarioSet };
  if (settings.weights !== undefined) evaluatorOptions['weights'] = settings.weights;
  const config: RunConfig = {
    ...DEFAULTS,
    file: round.file,
    fileName: round.fileName,
    evaluator: { id: 'cluster', options: evaluatorOptions },
    generator: settings.generator,
    seed: settings.seed,
    islands: 2,
    // Local generators are deterministic, so the run is too when candidates go one at a time (each
    // still spreads its scenarios over every sandbox worker): the same seed gives the same policy
    // at any concurrency. Model calls are slow and sampled, so LLM runs keep several in flight.
    generationConcurrency: LOCAL_GENERATORS.has(settings.generator.id) ? 1 : settings.concurrency,
    evaluationConcurrency: LOCAL_GENERATORS.has(settings.generator.id) ? 1 : settings.concurrency,
    budget: { maxCandidates: settings.candidates },
    migrationInterval: 10,
  };
  const composed = await settings.compose(config, {
    sandbox,
    baseDir: settings.runsDir,
    promptsDir: settings.promptsDir,
    secret: settings.secret,
    ...(settings.onUsage ? { onUsage: settings.onUsage } : {}),
    ...(settings.log ? { log: settings.log } : {}),
    ...(onEvent ? { onEvent } : {}),
  });
  let run;
  let summary;
  try {
    run = await startRun({ runsDir: settings.runsDir, code: round.code, config, runId: `selfplay-r${round.round}-${Date.now().toString(36)}` }, composed.handles, signal);
    summary = await run.done;
  } finally {
    await composed.close();
  }
  const chosen = pickByValidation(run.state, summary.best.id);
  const entry = run.state.candidates.get(chosen);
  const code = entry ? run.store.readSource(entry.sourceHash) : round.code;
  return {
    runId: summary.runId,
    runDir: run.store.dir,
    code,
    explanation: chosen === 'c0' ? 'unchanged: no candidate beat the starting policy on search and validation' : (entry?.explanation ?? ''),
    bestId: chosen,
    initialScore: summary.initial.score,
    bestScore: entry?.result?.score ?? summary.best.score,
    bestValidation: run.state.validation.get(chosen) ?? null,
    holdout: summary.holdout,
    candidates: summary.candidates,
    spendUsd: summary.spendUsd,
  };
}

/**
 * The run's champion is the best search score among improvements; with the few scenarios of a
 * round that can be an overfit, so the defender returns the improvement (or the start) with the
 * best validation score instead, when validation scores exist.
 */
function pickByValidation(state: RunState, championId: string): string {
  const scored = [...state.candidates.values()].filter((c) => (c.id === 'c0' || c.improvement) && typeof state.validation.get(c.id) === 'number');
  if (!scored.length) return championId;
  let best = scored[0] as (typeof scored)[number];
  for (const c of scored) {
    const v = state.validation.get(c.id) as number;
    const b = state.validation.get(best.id) as number;
    if (v > b + 1e-12 || (Math.abs(v - b) <= 1e-12 && (c.result?.score ?? -Infinity) > (best.result?.score ?? -Infinity))) best = c;
  }
  return best.id;
}
