// Which model answers a request: fixed weights, or a cost-aware bandit that learns which model
// yields the most improvements per dollar (Thompson sampling on each model's improvement rate,
// divided by its mean cost per call). Draws come from a stream seeded by (seed, index), so the
// choice for a given candidate does not depend on scheduling.

import { rngFor, type Rng } from '../../core/rng';

/** Cost floor per call, so a free local model is favoured strongly but not infinitely. */
const MIN_COST_USD = 1e-4;

export interface ArmStats {
  source: string;
  calls: number;
  costUsd: number;
  trials: number;
  improvements: number;
}

/** Gamma(shape, 1) for shape >= 1 (Marsaglia and Tsang), from uniform draws. */
function gamma(shape: number, rng: Rng): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      // Box-Muller normal.
      const u1 = rng.next() || Number.MIN_VALUE;
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.next());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next() || Number.MIN_VALUE;
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function sampleBeta(a: number, b: number, rng: Rng): number {
  const x = gamma(a, rng);
  const y = gamma(b, rng);
  return x / (x + y);
}

export class ArmSelector {
  private readonly stats: ArmStats[];
  private readonly weights: number[];

  constructor(
    arms: readonly { source: string; weight: number }[],
    readonly bandit: boolean,
  ) {
    this.stats = arms.map((a) => ({ source: a.source, calls: 0, costUsd: 0, trials: 0, improvements: 0 }));
    this.weights = arms.map((a) => a.weight);
  }

  /** Index of the arm for candidate `index` of a run with `seed`. */
  pick(seed: number, index: number): number {
    if (this.stats.length === 1) return 0;
    const rng = rngFor(seed, 'llm-arm', index);
    if (!this.bandit) return rng.weighted(this.weights);
    const known = this.stats.filter((s) => s.calls > 0);
    const prior = known.length ? known.reduce((sum, s) => sum + s.costUsd / s.calls, 0) / known.length : 1;
    let best = 0;
    let bestValue = -Infinity;
    this.stats.forEach((s, i) => {
      const p = sampleBeta(1 + s.improvements, 1 + s.trials - s.improvements, rng);
      const cost = s.calls > 0 ? s.costUsd / s.calls : prior;
      const value = p / Math.max(MIN_COST_USD, cost);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    return best;
  }

  /** A model call finished (successfully or not) and cost this much. */
  recordCall(source: string, costUsd: number): void {
    const s = this.find(source);
    if (!s) return;
    s.calls++;
    s.costUsd += costUsd;
  }

  /** The outcome of one candidate from this arm. */
  recordOutcome(source: string, improved: boolean): void {
    const s = this.find(source);
    if (!s) return;
    s.trials++;
    if (improved) s.improvements++;
  }

  snapshot(): ArmStats[] {
    return this.stats.map((s) => ({ ...s }));
  }

  /** Takes back statistics of an earlier session; arms no longer configured are ignored, new ones start fresh. */
  restore(stats: readonly ArmStats[]): void {
    for (const saved of stats) {
      const s = this.find(saved.source);
      if (!s) continue;
      s.calls = saved.calls;
      s.costUsd = saved.costUsd;
      s.trials = saved.trials;
      s.improvements = Math.min(saved.improvements, saved.trials);
    }
  }

  private find(source: string): ArmStats | undefined {
    return this.stats.find((s) => s.source === source);
  }
}
