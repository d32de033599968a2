// Generated differential cases: small Eudoxia parameter sets and traces that aim at the rules where
// a port can drift from Eudoxia (timeouts with every scheduler, multi-operator containers, the
// overcommit killer at exact-fit boundaries, the log curve at CPU counts where C's log and V8's
// differ, suspension writes that truncate to zero ticks, every DAG shape, estimators, tick rates).
// Deterministic per seed, so fixtures produced from Eudoxia can be regenerated and compared.
import { SeededRandom } from '../../../../src/evaluators/faas/workload/random';

export interface DiffCase {
  name: string;
  /** Eudoxia parameter keys, as a params.toml would hold them. */
  params: Record<string, string | number | boolean>;
  /** The trace in Eudoxia's CSV format. */
  trace: string;
}

const SCHEDULERS = ['naive', 'priority', 'priority-pool', 'overbook'] as const;
const SCALINGS = ['const', 'log', 'sqrt', 'linear3', 'linear7', 'squared', 'exp'] as const;
const PRIORITIES = ['QUERY', 'INTERACTIVE', 'BATCH_PIPELINE'] as const;
/** CPU counts where ln(c) in V8 and in the C library differ by one ulp (found by comparing with numpy). */
const LOG_EDGE_CPUS = [3, 48, 74, 185, 199, 248, 334, 370];
/** Tick rates and their Eudoxia cost budget: duration x tps stays small enough for a quick Python run. */
const TICK_RATES = [10, 20, 50, 100, 300, 1000];
const SHAPES = ['linear', 'branch-in', 'branch-out', 'diamond', 'random', 'single'] as const;

type Shape = (typeof SHAPES)[number];

function pick<T>(rng: SeededRandom, items: readonly T[]): T {
  return items[rng.int(0, items.length - 1)] as T;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Parents of each operator (by index, all earlier) for a DAG shape. */
function dagParents(rng: SeededRandom, shape: Shape, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0) out.push([]);
    else if (shape === 'linear' || shape === 'single') out.push([i - 1]);
    else if (shape === 'branch-out') out.push([0]);
    else if (shape === 'branch-in') out.push(i === n - 1 ? Array.from({ length: n - 1 }, (_, k) => k) : []);
    else if (shape === 'diamond') out.push(i === n - 1 ? Array.from({ length: n - 2 }, (_, k) => k + 1) : [0]);
    else {
      const parents: number[] = [];
      for (let k = 0; k < i; k++) if (rng.next() < 0.4) parents.push(k);
      out.push(parents);
    }
  }
  return out;
}

interface OpProfile {
  baseline: () => number;
  memory: () => number | null;
  storage: () => number;
  scaling: () => string;
}

function traceCsv(rng: SeededRandom, duration: number, pipelines: number, profile: OpProfile, maxOps: number, tickLen: number): string {
  const rows = ['pipeline_id,arrival_seconds,priority,operator_id,parents,baseline_cpu_seconds,cpu_scaling,memory_gb,storage_read_gb'];
  let arrival = 0;
  for (let p = 1; p <= pipelines; p++) {
    // Some pipelines share an arrival (a batch); others arrive off the tick grid.
    if (p > 1 && rng.next() > 0.3) arrival += rng.next() * (duration * 0.6) / pipelines;
    const shown = rng.next() < 0.5 ? round(arrival, 1) : round(arrival + tickLen * rng.next(), 4);
    arrival = Math.max(arrival, shown);
    const shape = pick(rng, SHAPES);
    const n = shape === 'single' ? 1 : rng.int(2, maxOps);
    const parents = dagParents(rng, shape, n);
    const priority = pick(rng, PRIORITIES);
    for (let i = 0; i < n; i++) {
      const memory = profile.memory();
      rows.push(
        [
          `p${p}`,
          i === 0 ? String(shown.toFixed(4).replace(/0+$/, '').replace(/\.$/, '.0')) : '',
          i === 0 ? priority : '',
          `op${i + 1}`,
          (parents[i] as number[]).map((k) => `op${k + 1}`).join(';'),
          String(profile.baseline()),
          profile.scaling(),
          memory === null ? '' : String(memory),
          String(profile.storage()),
        ].join(','),
      );
    }
  }
  return rows.join('\n') + '\n';
}

/** One case per index; the index chooses the scheduler and the rule under test, the seed the rest. */
export function generateCase(index: number, seed = 1): DiffCase {
  const rng = new SeededRandom(seed * 1_000_003 + index, 7);
  const scheduler = SCHEDULERS[index % SCHEDULERS.length] as (typeof SCHEDULERS)[number];
  const focus = Math.floor(index / SCHEDULERS.length) % 6;
  const tps = pick(rng, TICK_RATES);
  const duration = Math.max(5, Math.min(120, Math.floor(40_000 / tps / 5) * 5 || 5));
  const params: Record<string, string | number | boolean> = {
    duration,
    ticks_per_second: tps,
    scheduler_algo: scheduler,
    num_pools: scheduler === 'priority-pool' ? 2 : rng.int(1, 3),
    cpus_per_pool: pick(rng, [4, 8, 16, 30, 64]),
    ram_gb_per_pool: pick(rng, [64, 100, 128, 256]),
    multi_operator_containers: scheduler === 'overbook' ? false : rng.next() < 0.7,
    allow_memory_overcommit: scheduler === 'overbook',
    random_seed: rng.int(1, 1000),
    max_job_seconds: 0,
  };
  let profile: OpProfile = {
    baseline: () => round(0.05 + rng.next() * 12, 2),
    memory: () => (rng.next() < 0.4 ? null : round(1 + rng.next() * 40, 1)),
    storage: () => round(rng.next() * 60, 1),
    scaling: () => pick(rng, SCALINGS),
  };
  let pipelines = rng.int(4, 18);
  let maxOps = 6;
  let name = `${scheduler}-`;
  switch (focus) {
    case 0: {
      // Timeouts: limits off the tick grid and at values where seconds x tps is not exact.
      params['max_job_seconds'] = pick(rng, [round(0.5 + rng.next() * 15, 2), 50 / Math.max(1, Math.round(duration / 10)), 2.3, 7.7, 0.35]);
      name += 'timeouts';
      break;
    }
    case 1: {
      // The log curve at CPU counts where the two libraries' ln differ.
      const cpus = pick(rng, LOG_EDGE_CPUS);
      params['cpus_per_pool'] = scheduler === 'priority' || scheduler === 'priority-pool' ? cpus * 10 : cpus;
      profile = { ...profile, scaling: () => (rng.next() < 0.8 ? 'log' : pick(rng, SCALINGS)), baseline: () => round(1 + rng.next() * 30, 3) };
      name += 'log-scaling';
      break;
    }
    case 2: {
      // Exact-fit memory: operators whose peaks add up to exactly the pool's RAM, memory growing with reads.
      const peak = pick(rng, [55, 35, 27.5, 12.3]);
      const k = rng.int(2, 4);
      params['ram_gb_per_pool'] = round(peak * k, 6);
      params['allow_memory_overcommit'] = scheduler === 'overbook' || rng.next() < 0.5;
      profile = { ...profile, memory: () => (rng.next() < 0.7 ? null : peak), storage: () => peak, baseline: () => round(0.2 + rng.next() * 4, 2) };
      name += 'exact-fit';
      break;
    }
    case 3: {
      // Zero-tick suspension writes: containers smaller than one tick's write (20 GB x tick).
      params['ticks_per_second'] = 10;
      params['duration'] = 300;
      params['ram_gb_per_pool'] = pick(rng, [10, 12, 15, 19]);
      params['cpus_per_pool'] = pick(rng, [10, 20, 40]);
      params['multi_operator_containers'] = scheduler !== 'overbook';
      profile = { ...profile, memory: () => round(0.1 + rng.next() * 0.8, 2), storage: () => round(rng.next() * 0.5, 2), baseline: () => round(0.5 + rng.next() * 6, 2) };
      pipelines = rng.int(10, 30);
      name += 'zero-tick-suspend';
      break;
    }
    case 4: {
      // Many-operator DAGs and multi-operator containers.
      params['multi_operator_containers'] = scheduler !== 'overbook';
      maxOps = 9;
      name += 'dags';
      break;
    }
    default: {
      // Estimators (they must be accepted and must not change the built-ins' results) and timeouts together.
      params['estimator_algo'] = pick(rng, ['', 'noisy']);
      if (params['estimator_algo'] === 'noisy') params['noisy_estimator_sigma'] = pick(rng, [0, 0.3, 1]);
      params['max_job_seconds'] = round(1 + rng.next() * 20, 1);
      name += 'estimator';
      break;
    }
  }
  const tickLen = 1 / (params['ticks_per_second'] as number);
  const trace = traceCsv(rng, params['duration'] as number, pipelines, profile, maxOps, tickLen);
  return { name: `${String(index).padStart(3, '0')}-${name}-tps${String(params['ticks_per_second'])}`, params, trace };
}

export function generateCases(count: number, seed = 1): DiffCase[] {
  return Array.from({ length: count }, (_, i) => generateCase(i, seed));
}

/**
 * Cases for Eudoxia's `noisy` estimator under a scheduler that sizes containers by the estimates
 * (run_eudoxia.py's `test_estimate_sized`, twin of estimate-sized-policy.ts): every random factor
 * the estimator draws decides whether its operator fits or OOMs, so the results match Eudoxia's
 * only if the draws are numpy's.
 */
export function generateEstimateCase(index: number, seed = 1): DiffCase {
  const rng = new SeededRandom(seed * 1_000_033 + index, 11);
  const tps = pick(rng, [10, 50, 100, 1000]);
  const duration = Math.max(10, Math.min(120, Math.floor(30_000 / tps / 5) * 5));
  const params: Record<string, string | number | boolean> = {
    duration,
    ticks_per_second: tps,
    scheduler_algo: 'test_estimate_sized',
    estimator_algo: 'noisy',
    noisy_estimator_sigma: pick(rng, [0.1, 0.25, 0.5, 1]),
    num_pools: rng.int(1, 3),
    cpus_per_pool: pick(rng, [4, 8, 16]),
    ram_gb_per_pool: pick(rng, [64, 128, 256]),
    multi_operator_containers: false,
    allow_memory_overcommit: false,
    random_seed: rng.int(0, 100_000),
    max_job_seconds: rng.next() < 0.3 ? round(2 + rng.next() * 20, 1) : 0,
  };
  const profile: OpProfile = {
    baseline: () => round(0.05 + rng.next() * 8, 2),
    memory: () => (rng.next() < 0.3 ? null : round(1 + rng.next() * 30, 1)),
    storage: () => round(rng.next() * 30, 1),
    scaling: () => pick(rng, SCALINGS),
  };
  const trace = traceCsv(rng, duration, rng.int(6, 24), profile, 6, 1 / tps);
  return { name: `${String(index).padStart(3, '0')}-estimate-sized-sigma${String(params['noisy_estimator_sigma'])}-tps${String(tps)}`, params, trace };
}

export function generateEstimateCases(count: number, seed = 1): DiffCase[] {
  return Array.from({ length: count }, (_, i) => generateEstimateCase(i, seed));
}
