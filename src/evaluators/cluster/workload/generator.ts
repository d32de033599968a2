// Deterministic scenario generation from trace statistics. The same parameters always give the
// same scenario (every draw comes from one seeded stream), which is how the 50 seed scenarios are
// rebuilt and checked against the shipped files, and what the built-in attacker searches over.
import { Rng } from '../../../core/rng';
import { parseScenario } from '../model/parse';
import { isLevel, LEVELS, SCENARIO_VERSION, type Level, type Scenario } from '../model/scenario';
import { isTraceProfile, NODE_TYPES, TRACE_PROFILE_NAMES, TRACE_PROFILES, type LogNormal, type NodeType, type TraceProfileName } from './trace-stats';

export interface GeneratorParams {
  id: string;
  level: Level;
  profile: TraceProfileName;
  tasks: number;
  nodes: number;
  /** Offered load: work / (capacity x arrival span); above 1 the queue must grow. */
  load: number;
  /** Multiplies the profile's median task size. */
  sizeScale: number;
  /** Multiplies the spread (sigma) of task sizes and durations. */
  sizeSpread: number;
  /** Multiplies the profile's memory per core. */
  memoryScale: number;
  serviceFraction: number;
  /** Share of tasks submitted at the same instant as the previous one. */
  burstiness: number;
  diurnalAmplitude: number;
  /** Share of tasks with a deadline. */
  deadlineFraction: number;
  /** Deadline = arrival + slack x run time. */
  deadlineSlack: number;
  edgeFraction: number;
  tenants: number;
  /** Zipf exponent of how tasks split among tenants (0: evenly). */
  tenantSkew: number;
  /** 0: one node type; 1: every type of the catalogue. */
  heterogeneity: number;
  /** Log-space spread of the announced run time around the real one (0: exact). */
  estimateError: number;
  preemption: boolean;
  /** Tasks waiting longer than this many median batch durations fail (0: no limit). */
  maxWaitFactor: number;
  seed: number;
}

/** Ranges of the numeric parameters: what the attacker may search and the generator accepts. */
export const PARAM_RANGES = {
  tasks: [1, 5000],
  nodes: [1, 2000],
  load: [0.05, 3],
  sizeScale: [0.1, 8],
  sizeSpread: [0.25, 3],
  memoryScale: [0.2, 5],
  serviceFraction: [0, 1],
  burstiness: [0, 0.95],
  diurnalAmplitude: [0, 0.95],
  deadlineFraction: [0, 1],
  deadlineSlack: [1.05, 50],
  edgeFraction: [0, 1],
  tenants: [1, 64],
  tenantSkew: [0, 3],
  heterogeneity: [0, 1],
  estimateError: [0, 2],
  maxWaitFactor: [0, 1000],
} as const satisfies Record<string, readonly [number, number]>;

export type NumericParam = keyof typeof PARAM_RANGES;
export const INTEGER_PARAMS: ReadonlySet<NumericParam> = new Set(['tasks', 'nodes', 'tenants']);

/** Task cores are kept in the bounds the self-play validators use. */
export const TASK_CPU_BOUNDS: readonly [number, number] = [0.1, 32];

export function defaultParams(level: Level, id = `${level}-generated`, seed = 1): GeneratorParams {
  const size = LEVEL_SIZES[level];
  return {
    id,
    level,
    profile: 'google2011',
    tasks: size.tasks,
    nodes: size.nodes,
    load: { easy: 0.6, medium: 0.8, hard: 0.95, expert: 1.05 }[level],
    sizeScale: 1,
    sizeSpread: 1,
    memoryScale: 1,
    serviceFraction: TRACE_PROFILES.google2011.serviceFraction,
    burstiness: TRACE_PROFILES.google2011.burstiness,
    diurnalAmplitude: TRACE_PROFILES.google2011.diurnalAmplitude,
    deadlineFraction: 0.5,
    deadlineSlack: 3,
    edgeFraction: 0,
    tenants: { easy: 2, medium: 3, hard: 4, expert: 6 }[level],
    tenantSkew: 1,
    heterogeneity: 0.5,
    estimateError: 0,
    preemption: false,
    maxWaitFactor: 0,
    seed,
  };
}

/** Typical sizes per level (the complexity validator's ranges are in selfplay/validators). */
export const LEVEL_SIZES: Record<Level, { tasks: number; nodes: number }> = {
  easy: { tasks: 5, nodes: 3 },
  medium: { tasks: 20, nodes: 10 },
  hard: { tasks: 60, nodes: 30 },
  expert: { tasks: 120, nodes: 55 },
};

/** Checks parameters from JSON (the attacker's, a user's); returns them complete. */
export function parseParams(value: unknown, what = 'generator parameters'): GeneratorParams {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} must be an object`);
  const v = value as Record<string, unknown>;
  const level = v['level'] ?? 'medium';
  if (!isLevel(level)) throw new Error(`${what}.level must be one of ${LEVELS.join(', ')}`);
  const base = defaultParams(level, typeof v['id'] === 'string' ? v['id'] : `${level}-generated`, typeof v['seed'] === 'number' ? v['seed'] : 1);
  const known = new Set(Object.keys(base));
  for (const key of Object.keys(v)) if (!known.has(key)) throw new Error(`unknown ${what} field '${key}' (known: ${[...known].join(', ')})`);
  const out: GeneratorParams = { ...base };
  if (v['profile'] !== undefined) {
    if (!isTraceProfile(v['profile'])) throw new Error(`${what}.profile must be one of ${TRACE_PROFILE_NAMES.join(', ')}`);
    out.profile = v['profile'];
  }
  if (v['preemption'] !== undefined) {
    if (typeof v['preemption'] !== 'boolean') throw new Error(`${what}.preemption must be true or false`);
    out.preemption = v['preemption'];
  }
  for (const [key, [lo, hi]] of Object.entries(PARAM_RANGES) as [NumericParam, readonly [number, number]][]) {
    const x = v[key];
    if (x === undefined) continue;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi || (INTEGER_PARAMS.has(key) && !Number.isInteger(x))) {
      throw new Error(`${what}.${key} must be ${INTEGER_PARAMS.has(key) ? 'an integer' : 'a number'} from ${lo} to ${hi}, got ${JSON.stringify(x)}`);
    }
    out[key] = x;
  }
  if (typeof v['seed'] === 'number' && !Number.isInteger(v['seed'])) throw new Error(`${what}.seed must be an integer`);
  return out;
}

function gaussian(rng: Rng): number {
  // Box-Muller; 1 - u keeps the logarithm finite.
  const u = 1 - rng.next();
  const w = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
}

function logNormal(rng: Rng, d: LogNormal, spread = 1): number {
  return d.median * Math.exp(d.sigma * spread * gaussian(rng));
}

const roundTo = (x: number, step: number): number => Math.round(x / step) * step;
const clean = (x: number, digits = 3): number => Number(x.toFixed(digits));

function pickNodeTypes(p: GeneratorParams, rng: Rng): NodeType[] {
  const cloud = NODE_TYPES.filter((t) => t.kind === 'cloud');
  const edge = NODE_TYPES.filter((t) => t.kind === 'edge');
  // With low heterogeneity most nodes share the family's main type.
  const mainCloud = cloud[1] as NodeType;
  const mainEdge = edge[1] as NodeType;
  const out: NodeType[] = [];
  const edgeCount = Math.round(p.nodes * p.edgeFraction);
  for (let i = 0; i < p.nodes; i++) {
    const isEdge = i < edgeCount;
    const family = isEdge ? edge : cloud;
    out.push(rng.chance(p.heterogeneity) ? rng.pick(family) : isEdge ? mainEdge : mainCloud);
  }
  // Interleave kinds so node order carries no hint; the shuffle is seeded like everything else.
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as NodeType, out[i] as NodeType];
  }
  return out;
}

/** Zipf-weighted tenant index. */
function tenantWeights(count: number, skew: number): number[] {
  return Array.from({ length: count }, (_, i) => 1 / (i + 1) ** skew);
}

export function generateScenarioJson(params: GeneratorParams): Record<string, unknown> {
  const p = parseParams(params as unknown as Record<string, unknown>);
  const rng = new Rng(p.seed);
  const profile = TRACE_PROFILES[p.profile];
  const types = pickNodeTypes(p, rng);
  const maxCpu = Math.max(...types.map((t) => t.cpu));
  const nodes = types.map((t, i) => ({ id: `n${i}`, kind: t.kind, cpu: t.cpu, memory: t.memory, costPerHour: t.costPerHour, idleWatts: t.idleWatts, peakWatts: t.peakWatts, speed: t.speed }));
  const weights = tenantWeights(p.tenants, p.tenantSkew);
  const cpuDist = { median: profile.cpu.median * p.sizeScale, sigma: profile.cpu.sigma };
  const memDist = { median: profile.memoryPerCore.median * p.memoryScale, sigma: profile.memoryPerCore.sigma };

  interface Draft {
    kind: 'service' | 'batch';
    cpu: number;
    memory: number;
    duration: number;
    priority: number;
    tenant: string;
  }
  const drafts: Draft[] = [];
  const rawCpu: number[] = [];
  for (let i = 0; i < p.tasks; i++) {
    const kind = rng.chance(p.serviceFraction) ? 'service' : 'batch';
    rawCpu.push(logNormal(rng, cpuDist, p.sizeSpread));
    const d = kind === 'service' ? profile.serviceDuration : profile.batchDuration;
    const duration = Math.max(1, Math.min(7 * 86400, Math.round(logNormal(rng, d, p.sizeSpread))));
    const [lo, hi] = kind === 'service' ? profile.servicePriority : profile.batchPriority;
    const priority = lo + rng.int(hi - lo + 1);
    const tenant = `tenant-${String(rng.weighted(weights)).padStart(2, '0')}`;
    drafts.push({ kind, cpu: 0, memory: 0, duration, priority, tenant });
  }
  // Trace sizes are normalised to their machines, so only the shape of the size distribution
  // carries over: sizes are scaled so the tasks, all at once, would ask for 1.5x the load target
  // of the cluster's cores (then by sizeScale), and clipped to what one node can hold.
  const capacity = nodes.reduce((sum, n) => sum + n.cpu, 0);
  const target = p.load * capacity;
  const rawTotal = rawCpu.reduce((a, b) => a + b, 0);
  const fit = rawTotal > 0 ? Math.max(1, (1.5 * target) / rawTotal) * p.sizeScale : p.sizeScale;
  drafts.forEach((dft, i) => {
    const cpu = clean(Math.min(TASK_CPU_BOUNDS[1], maxCpu, Math.max(TASK_CPU_BOUNDS[0], roundTo((rawCpu[i] as number) * fit, 0.05))), 2);
    // Memory must fit on some node that also has the cores.
    const maxMem = Math.max(...types.filter((t) => t.cpu >= cpu).map((t) => t.memory));
    dft.cpu = cpu;
    dft.memory = clean(Math.min(maxMem, Math.max(0.1, roundTo(cpu * logNormal(rng, memDist, p.sizeSpread), 0.1))), 1);
  });

  // Arrival times on [0, 1]: a Poisson process with one daily-style cycle, thinned against its
  // peak rate, where a `burstiness` share of tasks arrive with the previous one.
  const unit: number[] = [];
  let u = 0;
  const rate = drafts.length;
  const peakRate = rate * (1 + p.diurnalAmplitude);
  for (let i = 0; i < drafts.length; i++) {
    if (i > 0 && rng.chance(p.burstiness)) {
      unit.push(u);
      continue;
    }
    for (;;) {
      u += -Math.log(1 - rng.next()) / peakRate;
      if (rng.next() * peakRate <= rate * (1 + p.diurnalAmplitude * Math.sin(2 * Math.PI * u))) break;
    }
    unit.push(u);
  }
  // Stretch the pattern so the peak demand (every task started on arrival) meets the load target.
  const lastUnit = Math.max(1e-9, unit[unit.length - 1] ?? 1);
  const norm = unit.map((x) => x / lastUnit);
  const span = spanForPeak(norm, drafts, target);
  const arrivals = norm.map((x) => x * span);
  const first = arrivals[0] ?? 0;
  const fastest = Math.max(...nodes.map((n) => n.speed));
  const tasks = drafts.map((dft, i) => {
    const arrival = clean((arrivals[i] as number) - first, 1);
    const task: Record<string, unknown> = { id: `t${i}`, tenant: dft.tenant, kind: dft.kind, cpu: dft.cpu, memory: dft.memory, duration: dft.duration };
    if (p.estimateError > 0) task['durationEstimate'] = Math.min(7 * 86400, Math.max(1, Math.round(dft.duration * Math.exp(p.estimateError * gaussian(rng)))));
    task['arrival'] = arrival;
    task['priority'] = dft.priority;
    if (rng.chance(p.deadlineFraction)) task['deadline'] = clean(arrival + Math.max(1, Math.ceil((p.deadlineSlack * dft.duration) / fastest)), 1);
    return task;
  });
  const constraints: Record<string, unknown> = { preemption: p.preemption };
  if (p.maxWaitFactor > 0) constraints['maxWaitSeconds'] = Math.round(p.maxWaitFactor * profile.batchDuration.median);
  return {
    version: SCENARIO_VERSION,
    id: p.id,
    level: p.level,
    description: `${p.level} scenario: ${p.tasks} tasks on ${p.nodes} nodes, ${profile.name} statistics, offered load ${clean(p.load, 2)}${p.edgeFraction > 0 ? `, ${Math.round(p.edgeFraction * 100)}% edge nodes` : ''}`,
    origin: { generator: 'policy-evolver/cluster', params: { ...p } },
    constraints,
    nodes,
    tasks,
  };
}

/** Largest number of cores requested at once if every task started on arrival. */
export function peakDemand(arrivals: readonly number[], tasks: readonly { cpu: number; duration: number }[]): number {
  const events: [number, number][] = [];
  tasks.forEach((t, i) => {
    const a = arrivals[i] as number;
    events.push([a, t.cpu], [a + t.duration, -t.cpu]);
  });
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of events) {
    now += d;
    if (now > peak) peak = now;
  }
  return peak;
}

/** Arrival span (seconds) whose peak demand is closest to `target`, by bisection on a log scale. */
function spanForPeak(norm: readonly number[], tasks: readonly { cpu: number; duration: number }[], target: number): number {
  const peakAt = (span: number): number => peakDemand(norm.map((x) => x * span), tasks);
  let lo = 60;
  let hi = 30 * 86400;
  if (peakAt(lo) <= target) return lo;
  if (peakAt(hi) >= target) return hi;
  for (let k = 0; k < 40; k++) {
    const mid = Math.sqrt(lo * hi);
    if (peakAt(mid) > target) lo = mid;
    else hi = mid;
  }
  return hi;
}

export function generateScenario(params: GeneratorParams): Scenario {
  return parseScenario(generateScenarioJson(params), params.id);
}
