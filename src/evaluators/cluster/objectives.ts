// The multi-objective reward and Pareto-front tracking. Each objective becomes a goodness in
// [0, 1] measured against a bound the scenario itself implies (the ideal run time of a task, the
// cheapest possible packing of the work), so rewards compare across scenarios without a
// reference policy; the reward is their weighted mean.
import type { ObjectiveWeights } from './policy-api';

export const OBJECTIVE_NAMES = ['latency', 'tail', 'sla', 'failures', 'cost', 'energy', 'fairness', 'utilisation', 'makespan'] as const;
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];

export const OBJECTIVE_DESCRIPTIONS: Record<ObjectiveName, string> = {
  latency: 'mean over tasks of ideal run time / (wait + run); failed tasks count 0',
  tail: '1 / P95 slowdown (slowdown = latency / ideal run time)',
  sla: '1 - share of tasks with a deadline that missed it or failed',
  failures: '1 - share of tasks that failed',
  cost: 'lower bound of the cost of the completed work / actual cost, times the completed share',
  energy: 'lower bound of the energy of the completed work / actual energy, times the completed share',
  fairness: '1 - Gini coefficient of the tenants\' mean slowdowns',
  utilisation: 'allocated core-seconds / core-seconds of powered-on nodes, times the completed share',
  makespan: 'lower bound of the makespan / actual makespan, times the completed share',
};

export const DEFAULT_WEIGHTS: Readonly<ObjectiveWeights> = Object.freeze({
  latency: 0.25,
  tail: 0.1,
  sla: 0.2,
  failures: 0.2,
  cost: 0.1,
  energy: 0.05,
  fairness: 0.05,
  utilisation: 0.05,
  makespan: 0,
});

export type Goodness = Record<ObjectiveName, number>;

/** Weights from user JSON: missing objectives keep their default, unknown names are errors. */
export function parseWeights(value: unknown, what = 'weights'): ObjectiveWeights {
  if (value === undefined || value === null) return { ...DEFAULT_WEIGHTS };
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} must be an object mapping objectives (${OBJECTIVE_NAMES.join(', ')}) to non-negative numbers`);
  const out: Record<ObjectiveName, number> = { ...DEFAULT_WEIGHTS };
  for (const [name, w] of Object.entries(value as Record<string, unknown>)) {
    if (!(OBJECTIVE_NAMES as readonly string[]).includes(name)) throw new Error(`unknown objective '${name}' in ${what} (known: ${OBJECTIVE_NAMES.join(', ')})`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new Error(`${what}.${name} must be a non-negative number, got ${JSON.stringify(w)}`);
    out[name as ObjectiveName] = w;
  }
  if (OBJECTIVE_NAMES.every((n) => out[n] === 0)) throw new Error(`${what} give every objective weight 0`);
  return out;
}

/** Weighted mean of the goodness values, in [0, 1]. */
export function combineReward(goodness: Goodness, weights: ObjectiveWeights): number {
  let total = 0;
  let sum = 0;
  for (const name of OBJECTIVE_NAMES) {
    const w = weights[name];
    if (w <= 0) continue;
    total += w;
    sum += w * clamp01(goodness[name]);
  }
  return total > 0 ? sum / total : 0;
}

export function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

export interface ParetoPoint<T = string> {
  key: T;
  /** Objective values, all to be maximised. */
  values: Record<string, number>;
}

/** True when `a` is at least as good as `b` everywhere and better somewhere. */
export function dominates(a: Record<string, number>, b: Record<string, number>, names: readonly string[]): boolean {
  let better = false;
  for (const n of names) {
    const x = a[n] ?? -Infinity;
    const y = b[n] ?? -Infinity;
    if (x < y) return false;
    if (x > y) better = true;
  }
  return better;
}

/**
 * The non-dominated set of the points offered so far. Points with equal values are all kept
 * (they are different programs that trade off the same way).
 */
export class ParetoFront<T = string> {
  private points: ParetoPoint<T>[] = [];

  constructor(readonly objectives: readonly string[] = OBJECTIVE_NAMES) {}

  /** Adds a point; returns whether it is on the front afterwards. */
  offer(key: T, values: Record<string, number>): boolean {
    if (this.points.some((p) => dominates(p.values, values, this.objectives))) return false;
    this.points = this.points.filter((p) => !dominates(values, p.values, this.objectives));
    this.points.push({ key, values: { ...values } });
    return true;
  }

  members(): ParetoPoint<T>[] {
    return this.points.map((p) => ({ key: p.key, values: { ...p.values } }));
  }

  has(key: T): boolean {
    return this.points.some((p) => p.key === key);
  }

  get size(): number {
    return this.points.length;
  }
}
