// Eudoxia's `naive` policy: pipelines in FIFO order, each free pool given entirely to the next
// pipeline with runnable operators; pipelines with a failed operator are dropped (no retries).
import type { Assignment, Decision, PipelineView, PolicyContext, ResultView } from '../policy-api';

interface NaiveState {
  queue: PipelineView[];
}

export function init(ctx: PolicyContext): void {
  (ctx.state as unknown as NaiveState).queue = [];
  // It never suspends, so operator boundaries need no call.
  ctx.setBoundaryCalls(false);
}

export function step(ctx: PolicyContext, _results: readonly ResultView[], arrivals: readonly PipelineView[]): Decision {
  const state = ctx.state as unknown as NaiveState;
  let queue = state.queue;
  if (arrivals.length) queue.push(...arrivals);
  const assignments: Assignment[] = [];
  // Pipelines looked at this round go to the back, in the order they were looked at.
  const requeue: PipelineView[] = [];
  let head = 0;
  for (const pool of ctx.pools) {
    if (pool.availCpu <= 0 || pool.availRam <= 0) continue;
    while (head < queue.length) {
      const p = queue[head++] as PipelineView;
      if (p.status !== 'active' || p.failedCount > 0) continue;
      requeue.push(p);
      const ops = ctx.params.multiOperatorContainers ? p.opsIn(['PENDING', 'FAILED'], false) : p.opsIn(['PENDING', 'FAILED'], true).slice(0, 1);
      if (ops.length === 0) continue;
      assignments.push({ operators: ops, cpu: pool.availCpu, ram: pool.availRam, poolId: pool.id, priority: p.priority });
      break;
    }
  }
  if (head > 0) {
    queue = queue.slice(head);
    queue.push(...requeue);
    state.queue = queue;
  }
  return { suspensions: [], assignments };
}
