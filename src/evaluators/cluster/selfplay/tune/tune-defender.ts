// The weight-tuning defender (`--generator tune`, the default of `cluster selfplay`): instead of
// an engine run that edits the program, it tunes the numeric knobs of the policy's EVOLVE-BLOCK
// (see knobs.ts) with a seeded evolution strategy (search.ts) on the round's training scenarios,
// every candidate run in the sandbox. The best few points of the search then play the validation
// scenarios, and the one with the best validation reward is returned, so the choice does not rest
// on the scenarios it was tuned on. The trail of every evaluation is written to the run folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from '../../../../core/types';
import type { Scenario } from '../..';
import { scenarioEvaluator } from '../score';
import type { SandboxPool } from '../../../../sandbox/types';
import { describeChanges, findKnobs, withKnobValues, type Knob } from './knobs';
import { tuneKnobs, type TunePoint } from './search';

export interface TuneDefenderRound {
  fileName: string;
  code: string;
  search: readonly Scenario[];
  validation: readonly Scenario[];
  round: number;
}

export interface TuneDefenderSettings {
  /** Training evaluations of one round, the starting policy's included. */
  evaluations: number;
  seed: number;
  runsDir: string;
  weights?: JsonValue;
  /** After every training evaluation: how many so far, the best and the starting reward. */
  onProgress?(progress: { done: number; target: number; best: number; start: number }): void;
}

export interface TuneDefenderOutcome {
  runId: string;
  runDir: string;
  code: string;
  explanation: string;
  /** `c0` when the start was kept, else `t<evaluation>`. */
  bestId: string;
  initialScore: number;
  bestScore: number;
  bestValidation: number | null;
  candidates: number;
}

/** New bests (the last ones, the strongest on training) that play the validation scenarios. */
const VALIDATED = 6;
/** Steps without a new best before the search restarts from its best. */
const PATIENCE = 30;

/** The folder name of a round's tuning run. */
export const tuneRunId = (round: number, seed: number): string => `selfplay-r${round}-tune-${seed}`;

/** Why a policy cannot be tuned, or undefined when it can. */
export function untunableReason(code: string, fileName: string): string | undefined {
  return findKnobs(code).length ? undefined : `${fileName} has no numeric knob to tune (a line \`const NAME = <number>;\` between EVOLVE-BLOCK-START and EVOLVE-BLOCK-END); use --generator mutate or an LLM generator`;
}

export async function tuneDefend(round: TuneDefenderRound, settings: TuneDefenderSettings, sandbox: SandboxPool, signal: AbortSignal): Promise<TuneDefenderOutcome> {
  const knobs = findKnobs(round.code);
  if (!knobs.length) throw new Error(untunableReason(round.code, round.fileName));
  if (!round.search.length) throw new Error('the weight tuner needs at least one training scenario');
  const codeOf = (values: readonly number[]): string => withKnobValues(round.code, knobs, values);
  const train = await meanRewardOn(round.search, sandbox, settings.weights);
  let done = 0;
  let start = Number.NaN;
  let startFailures: RewardOn['failures'] = [];
  let best = -Infinity;
  const objective = async (values: number[]): Promise<number> => {
    const { reward, failures } = await train(codeOf(values), round.fileName, signal);
    if (done++ === 0) {
      start = reward;
      startFailures = failures;
      // Every candidate is a reweighting of the start: if the start cannot play at all, the search
      // would only compare floors and end "unchanged" with the reason nowhere.
      if (failures.length === round.search.length) throw new Error(`the starting policy failed every training scenario, so there is nothing to tune from: ${failures[0] ?? ''}`);
    }
    best = Math.max(best, reward);
    settings.onProgress?.({ done: done - 1, target: settings.evaluations - 1, best, start });
    return reward;
  };
  const result = await tuneKnobs(knobs.map((k) => k.value), objective, { seed: settings.seed, evaluations: settings.evaluations, patience: PATIENCE }, signal);

  // The start always competes, so a round that only overfits its training set changes nothing.
  const finalists = uniquePoints([result.start, ...result.improvements.slice(-VALIDATED)]);
  let chosen: TunePoint = result.best;
  let bestValidation: number | null = null;
  const validationRewards: number[] = [];
  if (round.validation.length) {
    const validate = await meanRewardOn(round.validation, sandbox, settings.weights);
    for (const p of finalists) validationRewards.push((await validate(codeOf(p.values), round.fileName, signal)).reward);
    let at = 0;
    validationRewards.forEach((v, i) => {
      const b = validationRewards[at] as number;
      if (v > b + 1e-12 || (Math.abs(v - b) <= 1e-12 && (finalists[i] as TunePoint).reward > (finalists[at] as TunePoint).reward)) at = i;
    });
    chosen = finalists[at] as TunePoint;
    bestValidation = validationRewards[at] as number;
  }

  const runId = tuneRunId(round.round, settings.seed);
  const runDir = join(settings.runsDir, runId);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(
    join(runDir, 'tuning.json'),
    `${JSON.stringify(
      {
        knobs: knobs.map((k) => k.name),
        seed: settings.seed,
        train: round.search.map((s) => s.id),
        validation: round.validation.map((s) => s.id),
        evaluations: result.evaluations,
        restarts: result.restarts,
        start: result.start,
        bestOnTraining: result.best,
        finalists: finalists.map((p, i) => ({ ...p, validation: validationRewards[i] ?? null })),
        chosen: chosen.evaluation,
        trail: result.trail,
      },
      null,
      2,
    )}\n`,
  );
  const kept = chosen === result.start;
  const startFailed = startFailures.length ? ` The starting policy failed ${startFailures.length} of ${round.search.length} training scenarios (scored 0), first: ${startFailures[0]}` : '';
  return {
    runId,
    runDir,
    code: kept ? round.code : codeOf(chosen.values),
    explanation: (kept ? 'unchanged: no tuned weights beat the starting policy on training and validation.' : explain(knobs, result.start, chosen, bestValidation, validationRewards[0])) + startFailed,
    bestId: kept ? 'c0' : `t${chosen.evaluation}`,
    initialScore: result.start.reward,
    bestScore: chosen.reward,
    bestValidation,
    candidates: result.evaluations - 1,
  };
}

function explain(knobs: readonly Knob[], start: TunePoint, chosen: TunePoint, validation: number | null, startValidation: number | undefined): string {
  const changes = describeChanges(knobs, start.values, chosen.values);
  const onValidation = validation !== null && startValidation !== undefined ? `, validation ${startValidation.toFixed(4)} -> ${validation.toFixed(4)}` : '';
  return `Tuned weights: ${changes.join(', ')} (training reward ${start.reward.toFixed(4)} -> ${chosen.reward.toFixed(4)}${onValidation}).`;
}

function uniquePoints(points: readonly TunePoint[]): TunePoint[] {
  const seen = new Set<number>();
  return points.filter((p) => (seen.has(p.evaluation) ? false : (seen.add(p.evaluation), true)));
}

interface RewardOn {
  reward: number;
  /** `<scenario>: <why>` for each scenario the policy failed. */
  failures: string[];
}

/**
 * Mean reward of a policy over scenarios, one evaluator for every call (the baselines of each
 * scenario are computed once). A scenario the policy fails scores 0, the reward floor.
 */
async function meanRewardOn(scenarios: readonly Scenario[], sandbox: SandboxPool, weights: JsonValue | undefined): Promise<(code: string, fileName: string, signal: AbortSignal) => Promise<RewardOn>> {
  const evaluator = await scenarioEvaluator(scenarios, sandbox, weights);
  const workloads = await evaluator.workloads();
  return async (code, fileName, signal) => {
    const runs = await evaluator.runCandidate({ code, fileName }, workloads, [...scenarios], signal);
    signal.throwIfAborted();
    const failures: string[] = [];
    let sum = 0;
    for (const r of runs) {
      if (r.outcome?.ok) sum += r.outcome.reward;
      else failures.push(`${r.scenario.id}: ${r.failure?.message ?? (r.outcome && !r.outcome.ok ? r.outcome.failure.message : 'no result')}`);
    }
    return { reward: sum / runs.length, failures };
  };
}
