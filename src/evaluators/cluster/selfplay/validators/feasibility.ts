// Layer 2, feasibility: every task fits some node, every deadline can be met by a task that runs
// on arrival, and the demand over time can be served. Demand is checked as three fluid queues
// served at full capacity, each an optimistic bound no real schedule beats: CPU (core-seconds),
// memory (GB-seconds) and packing. Packing is what a total-memory check misses: two tasks that
// each need more than half of a node's memory never share that node, so such tasks queue for
// whole nodes. A scenario is refused when any queue drains too late for the horizon, or when even
// these bounds make more than a small share of tasks wait past the scenario's wait limit (they
// would fail under every policy).
import { fitsNode, type Scenario } from '../..';
import type { LayerCheck } from './types';

type TaskOf = Scenario['tasks'][number];
type NodeOf = Scenario['nodes'][number];

interface FluidQueue {
  name: string;
  unit: string;
  capacity: number;
  /** Work this task adds to the queue, or 0 when it does not use this resource's bottleneck. */
  work(t: TaskOf): number;
}

interface QueueOutcome {
  queue: FluidQueue;
  drainedAt: number;
  /** Tasks whose share of this queue cannot start before the wait limit. */
  tooLate: string[];
}

/** Serves the queue first come, first served at full capacity; returns when it drains and who waits too long. */
function serve(q: FluidQueue, tasks: readonly TaskOf[], maxWait: number | null): QueueOutcome {
  let backlog = 0;
  let last = tasks[0]?.arrival ?? 0;
  const tooLate: string[] = [];
  for (const t of tasks) {
    backlog = Math.max(0, backlog - q.capacity * (t.arrival - last));
    last = t.arrival;
    const w = q.work(t);
    if (w <= 0) continue;
    // Work already queued must be served before this task's turn under any work-conserving order
    // that is fair to arrivals; a task waiting that long under the best case fails in every schedule.
    if (maxWait !== null && backlog / q.capacity > maxWait + 1e-9) tooLate.push(t.id);
    backlog += w;
  }
  return { queue: q, drainedAt: last + backlog / q.capacity, tooLate };
}

/** Whether the task needs more than half the memory of every node it fits on: it runs alone in memory. */
function needsWholeNode(t: TaskOf, homes: readonly NodeOf[]): boolean {
  return homes.length > 0 && homes.every((n) => t.memory > n.memory / 2 + 1e-9);
}

export const checkFeasibility: LayerCheck = (s: Scenario, { config }) => {
  const details: string[] = [];
  const homesOf = new Map<string, NodeOf[]>();
  for (const t of s.tasks) {
    const homes = s.nodes.filter((n) => fitsNode(t, n));
    homesOf.set(t.id, homes);
    if (!homes.length) {
      details.push(`task ${t.id} (${t.cpu} cores, ${t.memory} GB) fits no node (largest: ${Math.max(...s.nodes.map((n) => n.cpu))} cores, ${Math.max(...s.nodes.map((n) => n.memory))} GB)`);
      continue;
    }
    const fastest = Math.max(...homes.map((n) => n.speed));
    if (t.deadline !== null && t.arrival + t.duration / fastest > t.deadline + 1e-9) {
      details.push(`task ${t.id} cannot meet its deadline ${t.deadline}: it arrives at ${t.arrival} and needs ${t.duration / fastest} s even on the fastest node it fits`);
    }
  }
  // Tasks that fit no node are reported above; the queues measure the demand that can be served.
  const placeable = s.tasks.filter((t) => (homesOf.get(t.id) ?? []).length > 0);
  const fastestHome = (t: TaskOf): number => Math.max(...(homesOf.get(t.id) ?? []).map((n) => n.speed));
  const wholeNodeHosts = s.nodes.filter((n) => s.tasks.some((t) => needsWholeNode(t, homesOf.get(t.id) ?? []) && fitsNode(t, n)));
  const queues = ([
    { name: 'CPU', unit: 'core-speed units', capacity: s.nodes.reduce((sum, n) => sum + n.cpu * n.speed, 0), work: (t) => t.cpu * t.duration },
    { name: 'memory', unit: 'GB', capacity: s.nodes.reduce((sum, n) => sum + n.memory, 0), work: (t) => (t.memory * t.duration) / fastestHome(t) },
    {
      name: 'packing',
      unit: 'nodes that can hold a task needing more than half their memory',
      capacity: wholeNodeHosts.reduce((sum, n) => sum + n.speed, 0),
      work: (t) => (needsWholeNode(t, homesOf.get(t.id) ?? []) ? t.duration : 0),
    },
  ] satisfies FluidQueue[]).filter((q) => q.capacity > 0);
  const limit = config.drainShare * s.constraints.horizonSeconds;
  const doomed = new Set<string>();
  for (const q of queues) {
    const r = serve(q, placeable, s.constraints.maxWaitSeconds);
    if (r.drainedAt > limit) details.push(`${q.name} demand exceeds capacity over time: at full use of all ${round(q.capacity)} ${q.unit} the work drains at ${Math.round(r.drainedAt)} s, after ${Math.round(limit)} s (${config.drainShare * 100}% of the horizon)`);
    if (r.tooLate.length) {
      for (const id of r.tooLate) doomed.add(id);
      details.push(`${q.name}: ${r.tooLate.length} task${r.tooLate.length > 1 ? 's' : ''} (first ${r.tooLate.slice(0, 3).join(', ')}) would wait past maxWaitSeconds ${s.constraints.maxWaitSeconds} s even if the ${q.name} capacity were used perfectly`);
    }
  }
  const doomedShare = s.tasks.length ? doomed.size / s.tasks.length : 0;
  // A few tasks timing out is part of a hard scenario; many failing under any policy is an unfair one.
  const tooManyDoomed = doomedShare > config.maxDoomedShare;
  const structural = details.filter((d) => !/would wait past maxWaitSeconds/.test(d));
  if (!structural.length && !tooManyDoomed) return undefined;
  const reason = tooManyDoomed && !structural.length
    ? `${Math.round(doomedShare * 100)}% of tasks would fail under every policy by waiting past the wait limit (accepted up to ${Math.round(config.maxDoomedShare * 100)}%)`
    : details.length === 1
      ? (details[0] as string)
      : `${details.length} feasibility problems`;
  return { layer: 'feasibility', reason, details: details.slice(0, 10) };
};

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
