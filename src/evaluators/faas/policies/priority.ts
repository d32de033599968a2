// Eudoxia's `priority` policy: three FIFO queues served highest priority first; each new job gets
// 10% of a pool (the pool with the most free RAM), a job that failed is retried with twice the
// CPU and RAM (and dropped once that would exceed half a pool), and while queries wait, running
// lower-priority containers are suspended at their next operator boundary.
import type { Assignment, Decision, PipelineView, PolicyContext, ResultView, Suspension } from '../policy-api';
import { dequeueFront, newJobQueues, PRIORITY_ORDER, queueNewWork, stillRunnable, trackSuspensions, type Job, type JobQueues } from './jobs';

interface PoolStats {
  availCpu: number;
  availRam: number;
  totalCpu: number;
  totalRam: number;
}

export function init(ctx: PolicyContext): void {
  ctx.state['jobs'] = newJobQueues();
}

export function step(ctx: PolicyContext, results: readonly ResultView[], arrivals: readonly PipelineView[]): Decision {
  const q = ctx.state['jobs'] as JobQueues;
  queueNewWork(ctx, q, results, arrivals);
  trackSuspensions(ctx, q);

  const stats: PoolStats[] = ctx.pools.map((p) => ({ availCpu: p.availCpu, availRam: p.availRam, totalCpu: p.maxCpu, totalRam: p.maxRam }));
  const assignments: Assignment[] = [];
  for (const priority of PRIORITY_ORDER) {
    const queue = q.queues[priority];
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
  if (waitingQueries > 0) {
    // Visit pools round-robin, one suspendable non-query container per visit.
    const lists = ctx.pools.map((p) => p.containers);
    const cursor = lists.map(() => 0);
    const exhausted = lists.map(() => false);
    let poolId = 0;
    while (suspensions.length < waitingQueries && !exhausted.every(Boolean)) {
      const list = lists[poolId] as (typeof lists)[number];
      let i = cursor[poolId] as number;
      while (i < list.length && list[i]?.priority === 'QUERY') i++;
      if (i >= list.length) {
        exhausted[poolId] = true;
        cursor[poolId] = i;
      } else {
        const c = list[i] as (typeof list)[number];
        cursor[poolId] = i + 1;
        if (c.canSuspend) suspensions.push({ containerId: c.id, poolId: c.poolId });
      }
      poolId = (poolId + 1) % lists.length;
    }
    // Look again next tick: a container still writing its RAM out is remembered then.
    if (suspensions.length > 0) ctx.wakeAt(ctx.now + 1);
  }
  // Boundaries matter only while queries wait (they are when containers can be suspended).
  ctx.setBoundaryCalls(waitingQueries > 0);
  return { suspensions, assignments };
}

function poolWithMostFreeRam(stats: readonly PoolStats[]): number {
  let id = -1;
  let best = 0;
  stats.forEach((s, i) => {
    if (s.availCpu > 0 && best < s.availRam) {
      id = i;
      best = s.availRam;
    }
  });
  return id;
}
