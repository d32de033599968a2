// The heuristic baselines on a scenario, computed in this process (they are trusted code) once
// per distinct scenario and weights, and cached: every candidate is compared with them.
import { createHash } from 'node:crypto';
import { LruMap } from '../../core/lru';
import type { SimulationOutcome, SimulationReport } from './engine/simulator';
import type { Scenario } from './model/scenario';
import type { ObjectiveWeights } from './policy-api';
import { HEURISTIC_NAMES, type HeuristicName } from './policies/heuristics';
import { runHeuristic } from './run';

export interface BaselineSet {
  reports: Record<HeuristicName, SimulationReport>;
  /** The heuristic with the highest reward (first in HEURISTIC_NAMES order on ties). */
  best: { name: HeuristicName; reward: number };
}

const cache = new LruMap<string, BaselineSet>(512);

export function scenarioKey(scenario: Scenario, weights: ObjectiveWeights): string {
  return createHash('sha256').update(JSON.stringify([scenario.nodes, scenario.tasks, scenario.constraints, weights])).digest('hex');
}

export function baselinesFor(scenario: Scenario, weights: ObjectiveWeights): BaselineSet {
  const key = scenarioKey(scenario, weights);
  const hit = cache.get(key);
  if (hit) return hit;
  const reports = {} as Record<HeuristicName, SimulationReport>;
  let best: BaselineSet['best'] | undefined;
  for (const name of HEURISTIC_NAMES) {
    const outcome: SimulationOutcome = runHeuristic(name, scenario, { weights });
    if (!outcome.ok) throw new Error(`the ${name} baseline failed on ${scenario.id}: ${outcome.failure.message}`);
    reports[name] = outcome;
    if (!best || outcome.reward > best.reward + 1e-12) best = { name, reward: outcome.reward };
  }
  const set: BaselineSet = { reports, best: best as BaselineSet['best'] };
  cache.set(key, set);
  return set;
}
