// Simulation parameters under Eudoxia's TOML keys and defaults. Unknown keys and impossible
// values are rejected with a reason naming the key, so a typo never silently runs the default.
import { paramScaleProblem } from './param-limits';

export interface SimParams {
  duration: number;
  ticks_per_second: number;
  waiting_seconds_mean: number;
  num_pipelines: number;
  num_operators: number;
  num_segs: number;
  interactive_prob: number;
  query_prob: number;
  batch_prob: number;
  dag_linear_prob: number;
  dag_branch_in_prob: number;
  dag_branch_out_prob: number;
  cpu_io_ratio: number;
  scheduler_algo: string;
  rest_scheduler_addr: string;
  rest_poll_interval: number;
  num_pools: number;
  cpus_per_pool: number;
  ram_gb_per_pool: number;
  multi_operator_containers: boolean;
  allow_memory_overcommit: boolean;
  random_seed: number;
  max_job_seconds: number;
  /** `oracle` or `noisyoracle` give policies a memory estimate per operator; absent means none. */
  estimator_algo: string | null;
  estimator_noise_sigma: number;
  noisy_estimator_sigma: number;
  /**
   * 'eudoxia' (default) reproduces Eudoxia exactly, quirks included; 'corrected' uses exact pool
   * memory sums and lets suspension writes shorter than one tick finish.
   */
  physics: Physics;
  /** Seed of the estimator noise; defaults to random_seed. */
  estimator_seed: number | null;
}

export type ParamKey = keyof SimParams;

export const PHYSICS = ['eudoxia', 'corrected'] as const;
export type Physics = (typeof PHYSICS)[number];

type Kind = 'number' | 'integer' | 'boolean' | 'string' | 'optional-string' | 'optional-integer';

interface ParamSpec {
  kind: Kind;
  default: SimParams[ParamKey];
  /** Returns why the value is impossible, or undefined. */
  check?: (value: never) => string | undefined;
  doc: string;
}

const positive = (v: number): string | undefined => (v > 0 ? undefined : 'must be greater than 0');
const nonNegative = (v: number): string | undefined => (v >= 0 ? undefined : 'must be 0 or more');
const probability = (v: number): string | undefined => (v >= 0 && v <= 1 ? undefined : 'must be between 0 and 1');

export const PARAM_SPECS: Record<ParamKey, ParamSpec> = {
  duration: { kind: 'number', default: 600, check: positive, doc: 'simulated seconds' },
  ticks_per_second: { kind: 'integer', default: 1000, check: positive, doc: 'ticks per simulated second' },
  waiting_seconds_mean: { kind: 'number', default: 10, check: positive, doc: 'mean seconds between arrival batches (generator)' },
  num_pipelines: { kind: 'integer', default: 4, check: nonNegative, doc: 'pipelines per arrival batch (generator)' },
  num_operators: { kind: 'number', default: 5, check: (v: number) => (v >= 1 ? undefined : 'must be at least 1'), doc: 'mean operators per non-query pipeline (generator)' },
  num_segs: { kind: 'integer', default: 1, check: (v: number) => (v === 1 ? undefined : 'must be 1: operators have exactly one segment'), doc: 'segments per operator' },
  interactive_prob: { kind: 'number', default: 0.3, check: probability, doc: 'share of INTERACTIVE pipelines (generator)' },
  query_prob: { kind: 'number', default: 0.1, check: probability, doc: 'share of QUERY pipelines (generator)' },
  batch_prob: { kind: 'number', default: 0.6, check: probability, doc: 'share of BATCH_PIPELINE pipelines (generator)' },
  dag_linear_prob: { kind: 'number', default: 1, check: nonNegative, doc: 'share of linear DAGs (generator)' },
  dag_branch_in_prob: { kind: 'number', default: 0, check: nonNegative, doc: 'share of fan-in DAGs (generator)' },
  dag_branch_out_prob: { kind: 'number', default: 0, check: nonNegative, doc: 'share of fan-out DAGs (generator)' },
  cpu_io_ratio: { kind: 'number', default: 0.5, check: probability, doc: '0 = I/O heavy, 1 = CPU heavy (generator)' },
  scheduler_algo: { kind: 'string', default: 'priority', doc: 'built-in policy used when none is given' },
  rest_scheduler_addr: { kind: 'string', default: 'localhost:8080', doc: "host:port of an Eudoxia REST scheduler server (scheduler_algo = \"rest\", or `faas run rest`)" },
  rest_poll_interval: { kind: 'number', default: 1, check: nonNegative, doc: 'simulated seconds between REST scheduler calls when nothing arrives or finishes' },
  num_pools: { kind: 'integer', default: 8, check: (v: number) => (v >= 1 ? undefined : 'must be at least 1 (a cluster needs a pool)'), doc: 'identical resource pools (machines)' },
  cpus_per_pool: { kind: 'number', default: 64, check: positive, doc: 'CPUs per pool' },
  ram_gb_per_pool: { kind: 'number', default: 256, check: positive, doc: 'GB of RAM per pool' },
  multi_operator_containers: { kind: 'boolean', default: true, doc: 'allow several operators in one container' },
  allow_memory_overcommit: { kind: 'boolean', default: false, doc: 'allow RAM allocations beyond pool capacity' },
  random_seed: { kind: 'integer', default: 42, check: nonNegative, doc: 'workload generator seed' },
  max_job_seconds: { kind: 'number', default: 0, check: nonNegative, doc: 'drop pipelines older than this (0 = never)' },
  estimator_algo: {
    kind: 'optional-string',
    default: null,
    check: (v: string | null) => (v === null || ESTIMATORS.includes(v) ? undefined : "must be '' (none), 'noisy', 'oracle', 'noisyoracle' or 'none'"),
    doc: "operator memory estimates shown to policies ('' = none, as `eudoxia init` writes; 'noisy' = Eudoxia's lognormal-noise estimator)",
  },
  estimator_noise_sigma: { kind: 'number', default: 0, check: nonNegative, doc: 'lognormal sigma of estimate noise' },
  physics: {
    kind: 'string',
    default: 'eudoxia',
    check: (v: string) => ((PHYSICS as readonly string[]).includes(v) ? undefined : "must be 'eudoxia' or 'corrected'"),
    doc: "'eudoxia' = exactly Eudoxia, float drift and never-ending sub-tick suspension writes included; 'corrected' = exact memory sums, sub-tick writes finish",
  },
  noisy_estimator_sigma: { kind: 'number', default: 0, check: nonNegative, doc: "Eudoxia's name for the lognormal sigma of the 'noisy' estimator" },
  estimator_seed: { kind: 'optional-integer', default: null, check: (v: number | null) => (v === null || v >= 0 ? undefined : 'must be 0 or more'), doc: 'estimate noise seed (default: random_seed)' },
};

/** Estimator names: Eudoxia's ('' for none, 'noisy') and ours. */
const ESTIMATORS: readonly string[] = ['', 'noisy', 'oracle', 'noisyoracle', 'none'];

export const PARAM_KEYS = Object.keys(PARAM_SPECS) as ParamKey[];

/** Old Eudoxia names that users may still have in their files. */
const RENAMED: Record<string, ParamKey> = { cpu_pool: 'cpus_per_pool', ram_pool: 'ram_gb_per_pool' };

/** A parameter problem; `key` lets file readers point at the offending line. */
export class ParamError extends Error {
  constructor(
    message: string,
    readonly key: string | undefined,
  ) {
    super(message);
    this.name = 'ParamError';
  }
}

export function defaultParams(): SimParams {
  const out: Record<string, unknown> = {};
  for (const key of PARAM_KEYS) out[key] = PARAM_SPECS[key].default;
  return out as unknown as SimParams;
}

const PROB_TOLERANCE = 1e-9;

/** Fills defaults and validates. Throws ParamError naming the first bad key. */
export function resolveParams(input: Readonly<Record<string, unknown>>): SimParams {
  const out = defaultParams() as unknown as Record<string, unknown>;
  for (const [key, raw] of Object.entries(input)) {
    if (!Object.prototype.hasOwnProperty.call(PARAM_SPECS, key)) {
      const renamed = RENAMED[key];
      const hint = renamed ? ` (it was renamed to '${renamed}')` : closest(key);
      throw new ParamError(`unknown parameter '${key}'${hint}`, key);
    }
    const spec = PARAM_SPECS[key as ParamKey];
    const value = coerce(key, raw, spec.kind);
    const problem = spec.check ? spec.check(value as never) : undefined;
    if (problem) throw new ParamError(`parameter '${key}' = ${JSON.stringify(value)} ${problem}`, key);
    out[key] = value;
  }
  const params = out as unknown as SimParams;
  if (params.estimator_algo === 'none' || params.estimator_algo === '') params.estimator_algo = null;
  // Eudoxia's key for the noise wins when given, so its files mean what they mean there.
  if (Object.prototype.hasOwnProperty.call(input, 'noisy_estimator_sigma')) params.estimator_noise_sigma = params.noisy_estimator_sigma;
  const prioritySum = params.interactive_prob + params.query_prob + params.batch_prob;
  if (Math.abs(prioritySum - 1) > PROB_TOLERANCE) {
    throw new ParamError(`interactive_prob + query_prob + batch_prob must sum to 1, got ${prioritySum}`, firstPresent(input, ['batch_prob', 'query_prob', 'interactive_prob']));
  }
  // Eudoxia rescales DAG shape probabilities to sum to 1; only an all-zero set is impossible.
  const dagSum = params.dag_linear_prob + params.dag_branch_in_prob + params.dag_branch_out_prob;
  if (!(dagSum > 0)) {
    throw new ParamError(`dag_linear_prob + dag_branch_in_prob + dag_branch_out_prob must be greater than 0, got ${dagSum}`, firstPresent(input, ['dag_branch_out_prob', 'dag_branch_in_prob', 'dag_linear_prob']));
  }
  if (dagSum !== 1) {
    params.dag_linear_prob /= dagSum;
    params.dag_branch_in_prob /= dagSum;
    params.dag_branch_out_prob /= dagSum;
  }
  const maxTicks = maxTicksOf(params);
  if (maxTicks < 1) throw new ParamError(`duration ${params.duration} s at ${params.ticks_per_second} ticks/s is shorter than one tick`, 'duration');
  if (maxTicks > 2 ** 40) throw new ParamError(`duration x ticks_per_second = ${maxTicks} ticks is too many to simulate`, 'duration');
  const scale = paramScaleProblem(params);
  if (scale) throw new ParamError(scale.message, firstPresent(input, [scale.key]) ?? scale.key);
  return params;
}

/** Number of simulated ticks, computed as Eudoxia does (`int(duration * ticks_per_second)`). */
export function maxTicksOf(params: Pick<SimParams, 'duration' | 'ticks_per_second'>): number {
  return Math.trunc(params.duration * params.ticks_per_second);
}

function coerce(key: string, raw: unknown, kind: Kind): unknown {
  const typeName = raw === null ? 'null' : Array.isArray(raw) ? 'array' : typeof raw;
  switch (kind) {
    case 'number':
    case 'integer':
    case 'optional-integer': {
      if (kind === 'optional-integer' && raw === null) return null;
      if (typeof raw !== 'number' || !Number.isFinite(raw)) throw new ParamError(`parameter '${key}' must be a finite number, got ${typeName === 'number' ? String(raw) : typeName}`, key);
      if (kind !== 'number' && !Number.isInteger(raw)) throw new ParamError(`parameter '${key}' must be an integer, got ${raw}`, key);
      return raw;
    }
    case 'boolean':
      if (typeof raw !== 'boolean') throw new ParamError(`parameter '${key}' must be true or false, got ${typeName}`, key);
      return raw;
    case 'string':
      if (typeof raw !== 'string') throw new ParamError(`parameter '${key}' must be a string, got ${typeName}`, key);
      return raw;
    case 'optional-string':
      if (raw !== null && typeof raw !== 'string') throw new ParamError(`parameter '${key}' must be a string, got ${typeName}`, key);
      return raw;
  }
}

function firstPresent(input: Readonly<Record<string, unknown>>, keys: string[]): string | undefined {
  return keys.find((k) => Object.prototype.hasOwnProperty.call(input, k));
}

function closest(key: string): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of PARAM_KEYS) {
    const d = editDistance(key, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, key.length / 4) ? ` (did you mean '${best}'?)` : '';
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}
