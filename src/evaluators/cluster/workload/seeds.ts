// The 50 seed scenarios: 10 easy (5 tasks, 3 nodes), 15 medium (20 tasks, 10 nodes), 15 hard
// (50-80 tasks, 25-32 nodes) and 10 expert (100-160 tasks, 50-60 nodes). Their parameters are
// drawn from fixed seeds, so the set is rebuilt identically anywhere; the same scenarios are
// shipped as files in examples/cluster/scenarios/ (a test keeps the two identical).
import { deriveSeed, rngFor } from '../../../core/rng';
import type { WorkloadSplit } from '../../../core/types';
import { LEVELS, type Level, type Scenario } from '../model/scenario';
import { defaultParams, generateScenario, type GeneratorParams } from './generator';
import { TRACE_PROFILE_NAMES, TRACE_PROFILES } from './trace-stats';

export const SEED_COUNTS: Record<Level, number> = { easy: 10, medium: 15, hard: 15, expert: 10 };

const LOAD_RANGE: Record<Level, [number, number]> = { easy: [0.5, 0.9], medium: [0.6, 1.1], hard: [0.7, 1.25], expert: [0.8, 1.35] };

/** The family of the shipped seeds; other families draw from the same distribution with other random streams. */
const SEED_FAMILY = 'cluster-seed';

function seedParams(level: Level, i: number, family = SEED_FAMILY): GeneratorParams {
  const rng = rngFor(20240611, family, level, i);
  const profile = TRACE_PROFILE_NAMES[i % TRACE_PROFILE_NAMES.length] as (typeof TRACE_PROFILE_NAMES)[number];
  const stats = TRACE_PROFILES[profile];
  const own = family === SEED_FAMILY;
  const p = defaultParams(level, own ? `${level}-${String(i + 1).padStart(2, '0')}` : `${family}-${level}-${i + 1}`, own ? deriveSeed(7, level, i) : deriveSeed(7, family, level, i));
  p.profile = profile;
  if (level === 'hard') {
    p.tasks = 50 + rng.int(31);
    p.nodes = 25 + rng.int(8);
  } else if (level === 'expert') {
    p.tasks = 100 + rng.int(61);
    p.nodes = 50 + rng.int(11);
  }
  const [lo, hi] = LOAD_RANGE[level];
  p.load = Number(rng.range(lo, hi).toFixed(2));
  p.serviceFraction = Number(Math.min(0.6, stats.serviceFraction * rng.range(0.6, 1.4)).toFixed(2));
  p.burstiness = stats.burstiness;
  p.diurnalAmplitude = stats.diurnalAmplitude;
  p.deadlineFraction = Number(rng.range(0.3, 0.8).toFixed(2));
  p.deadlineSlack = Number(rng.range(1.5, 5).toFixed(2));
  // A quarter of the seeds lean on edge nodes, a quarter mix in a few.
  p.edgeFraction = i % 4 === 2 ? Number(rng.range(0.5, 0.9).toFixed(2)) : i % 4 === 1 ? Number(rng.range(0.1, 0.3).toFixed(2)) : 0;
  p.tenants = Math.max(1, Math.min(8, p.tenants + rng.int(3) - 1));
  p.heterogeneity = Number(rng.range(0.2, 0.9).toFixed(2));
  p.estimateError = i % 3 === 1 ? 0.3 : 0;
  p.preemption = i % 4 === 3;
  p.maxWaitFactor = (level === 'hard' || level === 'expert') && i % 5 === 1 ? 60 : 0;
  return p;
}

/** Parameters of every seed scenario, level by level. */
export function seedScenarioParams(levels: readonly Level[] = LEVELS): GeneratorParams[] {
  return levels.flatMap((level) => Array.from({ length: SEED_COUNTS[level] }, (_, i) => seedParams(level, i)));
}

/**
 * Scenarios drawn like the seeds of a level (same parameter ranges, profiles and edge/preemption
 * mix) from another random stream: held-out sets that no seed, attacker or training run has seen,
 * as large as a statistical comparison needs.
 */
export function familyScenarios(level: Level, count: number, family: string): Scenario[] {
  if (family === SEED_FAMILY) throw new Error(`family '${family}' is the seed set itself`);
  return Array.from({ length: count }, (_, i) => generateScenario(seedParams(level, i, family)));
}

export function seedScenarios(levels: readonly Level[] = LEVELS): Scenario[] {
  return seedScenarioParams(levels).map(generateScenario);
}

/** Split of the i-th seed of a level: 3 in 5 search, 1 validation, 1 held out. */
export function seedSplit(indexInLevel: number): WorkloadSplit {
  const r = indexInLevel % 5;
  return r === 3 ? 'validation' : r === 4 ? 'holdout' : 'search';
}
