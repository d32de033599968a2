// Eudoxia's `naive` scheduling policy, written against the policy API (./policy-api.d.ts):
// pipelines are served first come, first served, and each free pool is given entirely to the next
// pipeline that has operators ready to run. Failed pipelines are dropped. With the settings below
// it behaves exactly like the built-in `naive` policy.
//
//   policy-evolver faas run examples/faas/naive.ts --trace examples/faas/sample-trace.csv
import type { Assignment, Decision, OperatorView, PipelineView, PolicyContext, PoolView, ResultView } from './policy-api';

// EVOLVE-BLOCK-START
/** Share of a free pool's CPUs and RAM one container takes (1 = the whole pool). */
const CPU_SHARE = 1;
const RAM_SHARE = 1;
/** Naive gives up on a pipeline as soon as one of its containers fails. */
const DROP_FAILED_PIPELINES = true;

/** Operators to put in one container for pipeline `p`, or [] if none can run now. */
function pickOperators(ctx: PolicyContext, p: PipelineView): OperatorView[] {
  if (ctx.params.multiOperatorContainers) return p.opsIn(['PENDING', 'FAILED'], false);
  return p.opsIn(['PENDING', 'FAILED'], true).slice(0, 1);
}

/** Resources for one container in a pool that has some free. */
function size(pool: PoolView): { cpu: number; ram: number } {
  return { cpu: pool.availCpu * CPU_SHARE, ram: pool.availRam * RAM_SHARE };
}
// EVOLVE-BLOCK-END

export function init(ctx: PolicyContext): void {
  ctx.state['queue'] = [];
  // Naive never suspends, so it needs no call at operator boundaries.
  ctx.setBoundaryCalls(false);
}

export function step(ctx: PolicyContext, _results: readonly ResultView[], arrivals: readonly PipelineView[]): Decision {
  let queue = ctx.state['queue'] as PipelineView[];
  queue.push(...arrivals);
  const assignments: Assignment[] = [];
  // Pipelines looked at in this step go to the back of the queue, in the order they were seen.
  const seen: PipelineView[] = [];
  let next = 0;
  for (const pool of ctx.pools) {
    if (pool.availCpu <= 0 || pool.availRam <= 0) continue;
    while (next < queue.length) {
      const p = queue[next++] as PipelineView;
      if (p.status !== 'active' || (DROP_FAILED_PIPELINES && p.failedCount > 0)) continue;
      seen.push(p);
      const ops = pickOperators(ctx, p);
      if (ops.length === 0) continue;
      const { cpu, ram } = size(pool);
      if (cpu > pool.availCpu || ram > pool.availRam) continue;
      assignments.push({ operators: ops, cpu, ram, poolId: pool.id, priority: p.priority });
      break;
    }
  }
  if (next > 0) {
    queue = queue.slice(next).concat(seen);
    ctx.state['queue'] = queue;
  }
  return { suspensions: [], assignments };
}
