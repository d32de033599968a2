// Eudoxia's `priority-pool` policy: pool 0 serves queries and interactive work, pool 1 serves batch
// pipelines, so batch work can never starve the others. Sizing follows `priority` (10% slices,
// doubling after a failure, dropping retries that would need half a pool) except that a request
// larger than what is left takes the rest of the pool. No preemption. Needs exactly two pools.
import type { Assignment, Decision, PipelineView, PolicyContext, Priority, ResultView } from '../policy-api';
import { dequeueFront, newJobQueues, queueOf, queueNewWork, stillRunnable, trackSuspensions, type Job, type JobQueues } from './jobs';

const POOL_QUEUES: readonly (readonly Priority[])[] = [['QUERY', 'INTERACTIVE'], ['BATCH_PIPELINE']];

export function init(ctx: PolicyContext): void {
  if (ctx.pools.length !== 2) throw new Error(`priority-pool needs exactly 2 pools (num_pools = 2), this run has ${ctx.pools.length}`);
  ctx.state['jobs'] = newJobQueues();
  // It never suspends, so operator boundaries need no call.
  ctx.setBoundaryCalls(false);
}

export function step(ctx: PolicyContext, results: readonly ResultView[], arrivals: readonly PipelineView[]): Decision {
  const q = ctx.state['jobs'] as JobQueues;
  queueNewWork(ctx, q, results, arrivals);
  trackSuspensions(ctx, q);
  const assignments: Assignment[] = [];
  POOL_QUEUES.forEach((priorities, poolId) => {
    const pool = ctx.pools[poolId];
    if (!pool) return;
    let availCpu = pool.availCpu;
    let availRam = pool.availRam;
    for (const priority of priorities) {
      const queue = queueOf(q, priority);
      let served = 0;
      while (served < queue.length) {
        if (availCpu <= 0 || availRam <= 0) break;
        const job = queue.at(served++) as Job;
        if (!stillRunnable(job)) continue;
        let cpu: number;
        let ram: number;
        const retry = job.retry;
        if (retry && retry.error !== null) {
          cpu = 2 * retry.cpu;
          ram = 2 * retry.ram;
          if (cpu / pool.maxCpu >= 0.5 || ram / pool.maxRam >= 0.5) continue;
        } else if (retry && retry.cpu <= availCpu && retry.ram <= availRam) {
          cpu = retry.cpu;
          ram = retry.ram;
        } else {
          cpu = Math.max(1, Math.trunc(pool.maxCpu / 10));
          ram = Math.max(1, Math.trunc(pool.maxRam / 10));
        }
        if (cpu >= availCpu || ram >= availRam) {
          cpu = availCpu;
          ram = availRam;
        }
        assignments.push({ operators: job.ops, cpu, ram, poolId, priority: job.priority });
        availCpu -= cpu;
        availRam -= ram;
      }
      dequeueFront(q, priority, served);
    }
  });
  return { suspensions: [], assignments };
}
