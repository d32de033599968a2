// Seeded workload generation. The `eudoxia` profile reproduces Eudoxia's own generator (its
// degenerate operator shapes and normally jittered periodic batches, not its numpy stream); the
// realistic profiles add heavy-tailed sizes, Poisson, bursty and diurnal arrivals, mixed CPU
// scaling curves and memory behaviours, and richer DAGs. The same seed always gives the same trace.
import { maxTicksOf, type SimParams } from '../model/params';
import { tickLength } from '../model/physics';
import type { OperatorSpec, PipelineSpec, Priority, ScalingName, Trace } from '../model/types';
import { SeededRandom } from './random';

export const PROFILES = ['eudoxia', 'poisson', 'bursty', 'diurnal'] as const;
export type ProfileName = (typeof PROFILES)[number];

export function isProfile(value: unknown): value is ProfileName {
  return typeof value === 'string' && (PROFILES as readonly string[]).includes(value);
}

export const PROFILE_DESCRIPTIONS: Readonly<Record<ProfileName, string>> = {
  eudoxia: "Eudoxia's generator: batches of num_pipelines every ~waiting_seconds_mean s (normal jitter, sd = mean/4); queries are 15 CPU-s linear3 reading 35 GB, every other operator is 1 CPU-s const reading 55 GB",
  poisson: 'Poisson arrivals at num_pipelines / waiting_seconds_mean per second; heavy-tailed CPU time and data sizes, mixed scaling curves, fixed or read-driven memory, mixed DAG shapes',
  bursty: 'like poisson, but arrivals come in bursts: a two-state process alternating calm periods and bursts at 6x the calm rate, same mean load',
  diurnal: 'like poisson, with the arrival rate following one sinusoidal day over the run (peak 1.8x, trough 0.2x the mean)',
};

type Shape = 'linear' | 'branch_in' | 'branch_out' | 'random';

const PRIORITY_ORDER: readonly Priority[] = ['INTERACTIVE', 'QUERY', 'BATCH_PIPELINE'];

export interface GenerateOptions {
  /** Overrides params.random_seed. */
  seed?: number;
}

export function generateTrace(params: SimParams, profile: ProfileName = 'eudoxia', options: GenerateOptions = {}): Trace {
  const seed = options.seed ?? params.random_seed;
  const arrivals = new SeededRandom(seed, 1);
  const shapes = new SeededRandom(seed, 2);
  const sizes = new SeededRandom(seed, 3);
  const times = profile === 'eudoxia' ? eudoxiaArrivals(params, arrivals) : realisticArrivals(params, profile, arrivals);
  const pipelines: PipelineSpec[] = [];
  let counter = 0;
  for (const batch of times) {
    for (let i = 0; i < batch.count; i++) {
      counter++;
      const priority = PRIORITY_ORDER[shapes.choice([params.interactive_prob, params.query_prob, params.batch_prob])] as Priority;
      const operators = profile === 'eudoxia' ? eudoxiaOperators(params, priority, shapes) : realisticOperators(params, priority, shapes, sizes);
      pipelines.push({ id: `p${counter}`, arrivalSeconds: batch.seconds, priority, operators });
    }
  }
  return { pipelines };
}

interface Batch {
  seconds: number;
  count: number;
}

/** Batches at tick 0, then after normally jittered waits, as Eudoxia's generator does. */
function eudoxiaArrivals(params: SimParams, rng: SeededRandom): Batch[] {
  const tick = tickLength(params.ticks_per_second);
  const maxTicks = maxTicksOf(params);
  const meanWait = Math.trunc(params.waiting_seconds_mean * params.ticks_per_second);
  const out: Batch[] = [];
  let t = 0;
  while (t < maxTicks) {
    out.push({ seconds: t * tick, count: params.num_pipelines });
    let wait = Math.trunc(rng.normal(meanWait, meanWait / 4));
    if (wait <= 0) wait = meanWait;
    // Eudoxia counts the wait from the tick after a batch.
    t += Math.max(1, wait + 1);
  }
  return out;
}

function eudoxiaOperators(params: SimParams, priority: Priority, rng: SeededRandom): OperatorSpec[] {
  if (priority === 'QUERY') return [op('op1', [], 15, 'linear3', null, 35)];
  const n = Math.max(1, Math.trunc(rng.normal(params.num_operators, params.num_operators / 4)));
  const shape = pickShape(params, rng, false);
  return shapeOperators(shape, n, rng).map((parents, i) => op(`op${i + 1}`, parents, 1, 'const', null, 55));
}

/** Continuous-time arrivals, one pipeline each, rounded to the millisecond. */
function realisticArrivals(params: SimParams, profile: ProfileName, rng: SeededRandom): Batch[] {
  const duration = params.duration;
  const rate = params.num_pipelines / params.waiting_seconds_mean;
  const out: Batch[] = [];
  if (rate <= 0) return out;
  const emit = (t: number): void => {
    const seconds = Math.round(t * 1000) / 1000;
    const last = out[out.length - 1];
    if (last && last.seconds === seconds) last.count++;
    else out.push({ seconds, count: 1 });
  };
  if (profile === 'poisson') {
    for (let t = rng.exponential(1 / rate); t < duration; t += rng.exponential(1 / rate)) emit(t);
  } else if (profile === 'bursty') {
    // Two-state modulated Poisson process: bursts occupy 1/6 of the time at 3.5x the mean rate,
    // calm periods run at 0.5x, so the long-run mean is `rate`.
    const burstRate = rate * 3.5;
    const calmRate = rate * 0.5;
    const meanBurst = 15;
    const meanCalm = 75;
    let t = 0;
    let bursting = false;
    let switchAt = rng.exponential(meanCalm);
    while (t < duration) {
      const r = bursting ? burstRate : calmRate;
      const next = t + rng.exponential(1 / r);
      if (next >= switchAt) {
        t = switchAt;
        bursting = !bursting;
        switchAt = t + rng.exponential(bursting ? meanBurst : meanCalm);
        continue;
      }
      t = next;
      if (t < duration) emit(t);
    }
  } else {
    // Thinning of a Poisson process at the peak rate.
    const peak = rate * 1.8;
    for (let t = rng.exponential(1 / peak); t < duration; t += rng.exponential(1 / peak)) {
      const phase = (2 * Math.PI * t) / duration;
      const current = rate * (1 - 0.8 * Math.cos(phase));
      if (rng.next() * peak < current) emit(t);
    }
  }
  return out;
}

const SCALING_MIX: readonly [ScalingName, number][] = [
  ['const', 0.15],
  ['linear3', 0.2],
  ['linear7', 0.2],
  ['sqrt', 0.2],
  ['log', 0.15],
  ['squared', 0.05],
  ['exp', 0.05],
];

function realisticOperators(params: SimParams, priority: Priority, shapes: SeededRandom, sizes: SeededRandom): OperatorSpec[] {
  // cpu_io_ratio tilts work from data reading (0) to computing (1).
  const cpuTilt = Math.exp((params.cpu_io_ratio - 0.5) * 1.5);
  if (priority === 'QUERY') {
    const scaling = sizes.next() < 0.5 ? 'linear3' : 'linear7';
    const cpu = clamp(sizes.lognormal(Math.log(1.5 * cpuTilt), 0.8), 0.05, 120);
    const storage = clamp(sizes.lognormal(Math.log(4 / cpuTilt), 0.9), 0.05, 100);
    return [op('op1', [], round(cpu, 3), scaling, sizes.next() < 0.3 ? round(clamp(storage * 1.2, 0.25, 120), 2) : null, round(storage, 2))];
  }
  const n = clampInt(Math.round(sizes.lognormal(Math.log(params.num_operators), 0.5)), 1, 60);
  const shape = pickShape(params, shapes, true);
  return shapeOperators(shape, n, shapes).map((parents, i) => {
    const weights = SCALING_MIX.map(([name, w]) => (name === 'const' ? w / cpuTilt : w * cpuTilt));
    const scaling = (SCALING_MIX[sizes.choice(weights)] as [ScalingName, number])[0];
    // Heavy tails: most operators are small, a few are huge (Pareto tail on data size).
    const cpu = clamp(sizes.lognormal(Math.log(3 * cpuTilt), 1.1), 0.05, 900);
    const storage = clamp(sizes.pareto(2 / cpuTilt, 1.6), 0.05, 240);
    const fixed = sizes.next() < 0.4;
    const memory = fixed ? round(clamp(storage * sizes.lognormal(0, 0.5) + sizes.lognormal(Math.log(2), 0.7), 0.25, 240), 2) : null;
    return op(`op${i + 1}`, parents, round(cpu, 3), scaling, memory, round(storage, 2));
  });
}

function pickShape(params: SimParams, rng: SeededRandom, realistic: boolean): Shape {
  const linear = params.dag_linear_prob;
  const branchIn = params.dag_branch_in_prob;
  const branchOut = params.dag_branch_out_prob;
  const defaults = linear === 1 && branchIn === 0 && branchOut === 0;
  if (realistic && defaults) {
    // Realistic profiles mix shapes unless the parameters ask for specific ones.
    return (['linear', 'branch_in', 'branch_out', 'random'] as const)[rng.choice([0.4, 0.2, 0.2, 0.2])] as Shape;
  }
  if (defaults) return 'linear';
  return (['linear', 'branch_in', 'branch_out'] as const)[rng.choice([linear, branchIn, branchOut])] as Shape;
}

/** Parent lists (by name) for `n` operators of a given DAG shape, parents always listed first. */
function shapeOperators(shape: Shape, n: number, rng: SeededRandom): string[][] {
  const name = (i: number): string => `op${i + 1}`;
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0) out.push([]);
    else if (shape === 'linear') out.push([name(i - 1)]);
    else if (shape === 'branch_out') out.push([name(0)]);
    else if (shape === 'branch_in') out.push(i === n - 1 ? Array.from({ length: n - 1 }, (_, j) => name(j)) : []);
    else {
      // Layered random DAG: each operator depends on one to three earlier ones.
      const count = Math.min(i, 1 + Math.floor(rng.next() * 3));
      const picked = new Set<number>();
      while (picked.size < count) picked.add(Math.max(0, i - 1 - Math.floor(rng.next() * Math.min(i, 4))));
      out.push([...picked].sort((a, b) => a - b).map(name));
    }
  }
  return out;
}

function op(id: string, parents: string[], cpu: number, scaling: ScalingName, memory: number | null, storage: number): OperatorSpec {
  return { id, parents, baselineCpuSeconds: cpu, cpuScaling: scaling, memoryGb: memory, storageReadGb: storage };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.trunc(v)));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
