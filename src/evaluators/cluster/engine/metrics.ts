// Metrics of a finished simulation and the goodness values the reward is built from.
import type { Goodness } from '../objectives';
import type { NodeSpec, Scenario, TaskSpec } from '../model/scenario';

export interface TaskRecord {
  spec: TaskSpec;
  status: 'completed' | 'failed';
  /** Completion time, or the time the task failed. */
  end: number;
  /** Start of the last (or only) run, null if it never ran. */
  start: number | null;
  nodeId: string | null;
  restarts: number;
  failReason?: 'max-wait' | 'horizon' | 'stranded' | 'never-fits';
}

export interface NodeUsage {
  spec: NodeSpec;
  activeSeconds: number;
  energyJoules: number;
  cpuSeconds: number;
  memorySeconds: number;
}

export interface ClusterMetrics {
  tasks: number;
  completed: number;
  failed: number;
  /** Latency = wait + run, over completed tasks (null when none completed). */
  meanLatency: number | null;
  p95Latency: number | null;
  p99Latency: number | null;
  meanWait: number | null;
  meanSlowdown: number | null;
  /** Allocated core-seconds (GB-seconds) over the cluster's capacity during the makespan. */
  cpuUtilisation: number;
  memoryUtilisation: number;
  /** Allocated core-seconds over the core-seconds of nodes while powered on. */
  activeCpuUtilisation: number;
  costUsd: number;
  energyKwh: number;
  slaViolationRate: number;
  failureRate: number;
  /** From the first arrival to the last completion or failure. */
  makespan: number;
  /** Gini coefficient of the tenants' mean slowdowns (0: equal treatment). */
  fairnessGini: number;
  preemptions: number;
  nodesUsed: number;
}

/** Linear interpolation between closest ranks (numpy's default). */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (!sorted.length) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function gini(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((s, v) => s + v, 0);
  if (total <= 0) return 0;
  // Sorted form of sum_i sum_j |x_i - x_j| / (2 n^2 mean).
  let weighted = 0;
  sorted.forEach((v, i) => (weighted += (2 * (i + 1) - n - 1) * v));
  return weighted / (n * total);
}

/** Share of node `n` a task needs: the larger of its CPU and memory fractions. */
function share(t: TaskSpec, n: NodeSpec): number {
  return Math.max(t.cpu / n.cpu, t.memory / n.memory);
}

export function fitsNode(t: TaskSpec, n: NodeSpec): boolean {
  return t.cpu <= n.cpu + 1e-9 && t.memory <= n.memory + 1e-9;
}

/** Shortest possible run time of a task: on the fastest node it fits on. */
export function idealRunTime(t: TaskSpec, nodes: readonly NodeSpec[]): number {
  let best = Infinity;
  for (const n of nodes) if (fitsNode(t, n)) best = Math.min(best, t.duration / n.speed);
  return Number.isFinite(best) ? best : t.duration;
}

/** Cheapest cost (dollars) and energy (joules) a task could possibly be run for, fluidly packed. */
function lowerBounds(t: TaskSpec, nodes: readonly NodeSpec[]): { cost: number; energy: number } {
  let cost = Infinity;
  let energy = Infinity;
  for (const n of nodes) {
    if (!fitsNode(t, n)) continue;
    const seconds = t.duration / n.speed;
    cost = Math.min(cost, (seconds / 3600) * n.costPerHour * share(t, n));
    energy = Math.min(energy, seconds * n.peakWatts * share(t, n));
  }
  return { cost: Number.isFinite(cost) ? cost : 0, energy: Number.isFinite(energy) ? energy : 0 };
}

export function computeMetrics(scenario: Scenario, records: readonly TaskRecord[], usage: readonly NodeUsage[], preemptions: number): { metrics: ClusterMetrics; goodness: Goodness } {
  const nodes = scenario.nodes;
  const n = records.length;
  const completed = records.filter((r) => r.status === 'completed');
  const latencies = completed.map((r) => r.end - r.spec.arrival).sort((a, b) => a - b);
  const waits = completed.map((r) => (r.start as number) - r.spec.arrival);
  const horizon = scenario.constraints.horizonSeconds;
  const slowdownOf = (r: TaskRecord): number => {
    const ideal = idealRunTime(r.spec, nodes);
    // A failed task is charged as if it had waited until the horizon and then run.
    const latency = r.status === 'completed' ? r.end - r.spec.arrival : Math.max(horizon, r.end) - r.spec.arrival + ideal;
    return Math.max(1, latency / ideal);
  };
  const slowdowns = records.map(slowdownOf);
  const firstArrival = records.reduce((m, r) => Math.min(m, r.spec.arrival), Infinity);
  const lastEnd = records.reduce((m, r) => Math.max(m, r.end), 0);
  const makespan = n ? Math.max(0, lastEnd - firstArrival) : 0;
  const cpuCapacity = nodes.reduce((s, x) => s + x.cpu, 0);
  const memCapacity = nodes.reduce((s, x) => s + x.memory, 0);
  const cpuSeconds = usage.reduce((s, u) => s + u.cpuSeconds, 0);
  const memSeconds = usage.reduce((s, u) => s + u.memorySeconds, 0);
  const activeCoreSeconds = usage.reduce((s, u) => s + u.activeSeconds * u.spec.cpu, 0);
  const costUsd = usage.reduce((s, u) => s + (u.activeSeconds / 3600) * u.spec.costPerHour, 0);
  const energyJ = usage.reduce((s, u) => s + u.energyJoules, 0);
  const withDeadline = records.filter((r) => r.spec.deadline !== null);
  const violations = withDeadline.filter((r) => r.status === 'failed' || r.end > (r.spec.deadline as number) + 1e-9).length;

  const byTenant = new Map<string, number[]>();
  records.forEach((r, i) => {
    const list = byTenant.get(r.spec.tenant) ?? [];
    list.push(slowdowns[i] as number);
    byTenant.set(r.spec.tenant, list);
  });
  const tenantMeans = [...byTenant.values()].map((l) => l.reduce((s, v) => s + v, 0) / l.length);
  const fairnessGini = gini(tenantMeans);

  const metrics: ClusterMetrics = {
    tasks: n,
    completed: completed.length,
    failed: n - completed.length,
    meanLatency: latencies.length ? latencies.reduce((s, v) => s + v, 0) / latencies.length : null,
    p95Latency: percentile(latencies, 0.95),
    p99Latency: percentile(latencies, 0.99),
    meanWait: waits.length ? waits.reduce((s, v) => s + v, 0) / waits.length : null,
    meanSlowdown: slowdowns.length ? slowdowns.reduce((s, v) => s + v, 0) / slowdowns.length : null,
    cpuUtilisation: makespan > 0 && cpuCapacity > 0 ? cpuSeconds / (cpuCapacity * makespan) : 0,
    memoryUtilisation: makespan > 0 && memCapacity > 0 ? memSeconds / (memCapacity * makespan) : 0,
    activeCpuUtilisation: activeCoreSeconds > 0 ? cpuSeconds / activeCoreSeconds : 0,
    costUsd,
    energyKwh: energyJ / 3.6e6,
    slaViolationRate: withDeadline.length ? violations / withDeadline.length : 0,
    failureRate: n ? (n - completed.length) / n : 0,
    makespan,
    fairnessGini,
    preemptions,
    nodesUsed: usage.filter((u) => u.activeSeconds > 0).length,
  };

  const done = n ? completed.length / n : 0;
  let costLb = 0;
  let energyLb = 0;
  for (const r of completed) {
    const lb = lowerBounds(r.spec, nodes);
    costLb += lb.cost;
    energyLb += lb.energy;
  }
  const ratio = (lb: number, actual: number): number => (actual <= 1e-12 ? (lb <= 1e-12 ? 1 : 0) : Math.min(1, lb / actual));
  const sortedSlowdowns = [...slowdowns].sort((a, b) => a - b);
  const p95Slowdown = percentile(sortedSlowdowns, 0.95) ?? 1;
  const totalWork = records.reduce((s, r) => s + r.spec.cpu * r.spec.duration, 0);
  const capacity = nodes.reduce((s, x) => s + x.cpu * x.speed, 0);
  const makespanLb = Math.max(
    records.reduce((m, r) => Math.max(m, r.spec.arrival + idealRunTime(r.spec, nodes)), 0) - firstArrival,
    capacity > 0 ? totalWork / capacity : 0,
  );
  const goodness: Goodness = {
    latency: n ? records.reduce((s, r, i) => s + (r.status === 'completed' ? 1 / (slowdowns[i] as number) : 0), 0) / n : 0,
    tail: 1 / p95Slowdown,
    sla: 1 - metrics.slaViolationRate,
    failures: 1 - metrics.failureRate,
    cost: done * (completed.length ? ratio(costLb, costUsd) : 0),
    energy: done * (completed.length ? ratio(energyLb, energyJ) : 0),
    fairness: 1 - fairnessGini,
    utilisation: done * Math.min(1, metrics.activeCpuUtilisation),
    makespan: done * (makespan > 0 ? Math.min(1, makespanLb / makespan) : 1),
  };
  return { metrics, goodness };
}
