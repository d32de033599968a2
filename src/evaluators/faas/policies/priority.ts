// Eudoxia's `priority` policy: three FIFO queues served highest priority first; each new job gets
// 10% of a pool (the pool with the most free RAM), a job that failed is retried with twice the
// CPU and RAM (and dropped once that would exceed half a pool), and while queries wait, running
// lower-priority containers are suspended at their next operator boundary.
import type { Assignment, ContainerView, Decision, PipelineView, PolicyContext, PoolView, Priority, ResultView, Suspension } from '../policy-api';
import { dequeueFront, newJobQueues, queueOf, PRIORITY_ORDER, queueNewWork, stillRunnable, trackSuspensions, type Job, type JobQueues } from './jobs';

/** What is left of a pool while a step hands out resources (kept in state, reused every step). */
interface PoolStats {
  availCpu: number;
  availRam: number;
  totalCpu: number;
  totalRam: number;
}

/** suspendForQueries' per-pool walk, reused by every call (it runs on most steps while queries wait). */
interface SuspendWalk {
  lists: (readonly ContainerView[])[];
  cursor: number[];
  exhausted: boolean[];
}

export function init(ctx: PolicyContext): void {
  ctx.state['jobs'] = newJobQueues();
  ctx.state['poolStats'] = [];
  ctx.state['suspendWalk'] = { lists: [], cursor: [], exhausted: [] } satisfies SuspendWalk;
}

// Loops are indexed and per-step scratch is kept in state: this step runs thousands of times per
// simulation, the context's lists are frozen arrays (for-of over them allocates), and its garbage
// was a visible share of the simulation time.
export function step(ctx: PolicyContext, results: readonly ResultView[], arrivals: readonly PipelineView[]): Decision {
  const q = ctx.state['jobs'] as JobQueues;
  queueNewWork(ctx, q, results, arrivals);
  trackSuspensions(ctx, q);

  const stats = poolStats(ctx, ctx.state['poolStats'] as PoolStats[]);
  const assignments: Assignment[] = [];
  for (let pi = 0; pi < PRIORITY_ORDER.length; pi++) {
    const priority = PRIORITY_ORDER[pi] as Priority;
    const queue = queueOf(q, priority);
    let served = 0;
    for (; served < queue.length; ) {
      const poolId = poolWithMostFreeRam(stats);
      if (poolId < 0) break;
      const job = queue.at(served++) as Job;
      if (!stillRunnable(job)) continue;
      const pool = stats[poolId] as PoolStats;
      let cpu: number;
      let ram: number;
      const retry = job.retry;
      if (retry && retry.error !== null) {
        cpu = 2 * retry.cpu;
        ram = 2 * retry.ram;
        if (cpu > pool.availCpu || ram > pool.availRam) continue;
        if (cpu / pool.totalCpu >= 0.5 || ram / pool.totalRam >= 0.5) continue;
      } else if (retry && retry.cpu < pool.availCpu && retry.ram < pool.availRam) {
        cpu = retry.cpu;
        ram = retry.ram;
      } else {
        cpu = Math.max(1, Math.trunc(pool.totalCpu / 10));
        ram = Math.max(1, Math.trunc(pool.totalRam / 10));
        if (cpu >= pool.availCpu || ram >= pool.availRam) {
          cpu = pool.availCpu;
          ram = pool.availRam;
        }
      }
      assignments.push({ operators: job.ops, cpu, ram, poolId, priority: job.priority });
      pool.availCpu -= cpu;
      pool.availRam -= ram;
    }
    dequeueFront(q, priority, served);
  }

  const suspensions: Suspension[] = [];
  const waitingQueries = q.queues.QUERY.length;
  if (waitingQueries > 0) suspendForQueries(ctx, waitingQueries, suspensions);
  // Boundaries matter only while queries wait (they are when containers can be suspended).
  ctx.setBoundaryCalls(waitingQueries > 0);
  return { suspensions, assignments };
}

/** Fills the reused per-pool stats with the pools' current free and total resources. */
function poolStats(ctx: PolicyContext, stats: PoolStats[]): PoolStats[] {
  const pools = ctx.pools;
  for (let i = 0; i < pools.length; i++) {
    const p = pools[i] as PoolView;
    const s = stats[i];
    if (s) {
      s.availCpu = p.availCpu;
      s.availRam = p.availRam;
      s.totalCpu = p.maxCpu;
      s.totalRam = p.maxRam;
    } else stats.push({ availCpu: p.availCpu, availRam: p.availRam, totalCpu: p.maxCpu, totalRam: p.maxRam });
  }
  return stats;
}

/**
 * Asks to suspend up to `wanted` running non-query containers, visiting pools round-robin and
 * taking one suspendable container per visit.
 */
function suspendForQueries(ctx: PolicyContext, wanted: number, suspensions: Suspension[]): void {
  const pools = ctx.pools;
  const { lists, cursor, exhausted } = ctx.state['suspendWalk'] as SuspendWalk;
  for (let i = 0; i < pools.length; i++) {
    lists[i] = (pools[i] as PoolView).containers;
    cursor[i] = 0;
    exhausted[i] = false;
  }
  let left = pools.length;
  let poolId = 0;
  while (suspensions.length < wanted && left > 0) {
    const list = lists[poolId] as readonly ContainerView[];
    let i = cursor[poolId] as number;
    while (i < list.length && list[i]?.priority === 'QUERY') i++;
    if (i >= list.length) {
      if (!exhausted[poolId]) {
        exhausted[poolId] = true;
        left--;
      }
      cursor[poolId] = i;
    } else {
      const c = list[i] as ContainerView;
      cursor[poolId] = i + 1;
      if (c.canSuspend) suspensions.push({ containerId: c.id, poolId: c.poolId });
    }
    poolId = (poolId + 1) % pools.length;
  }
  // Look again next tick: a container still writing its RAM out is remembered then.
  if (suspensions.length > 0) ctx.wakeAt(ctx.now + 1);
}

function poolWithMostFreeRam(stats: readonly PoolStats[]): number {
  let id = -1;
  let best = 0;
  for (let i = 0; i < stats.length; i++) {
    const s = stats[i] as PoolStats;
    if (s.availCpu > 0 && best < s.availRam) {
      id = i;
      best = s.availRam;
    }
  }
  return id;
}
