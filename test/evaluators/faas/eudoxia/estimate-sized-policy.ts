// The twin of run_eudoxia.py's `test_estimate_sized` scheduler: containers sized by the operators'
// memory estimates (none of Eudoxia's own schedulers reads them), so runs with the `noisy`
// estimator depend on every random factor: an estimate that comes out low makes its operator OOM.
// FIFO over pipelines, one ready operator per visit, at most 2 CPUs each, RAM = 1.1 x estimate + 0.5.
import type { Assignment, Decision, PipelineView, PolicyContext, ResultView } from '../../../../src/evaluators/faas/policy-api';

interface SizedState {
  queue: PipelineView[];
}

export function init(ctx: PolicyContext): void {
  (ctx.state as unknown as SizedState).queue = [];
  ctx.setBoundaryCalls(false);
}

export function step(ctx: PolicyContext, results: readonly ResultView[], arrivals: readonly PipelineView[]): Decision {
  // Eudoxia calls it every tick; it acts only on ticks with news, as here.
  if (arrivals.length === 0 && results.length === 0) return { suspensions: [], assignments: [] };
  const state = ctx.state as unknown as SizedState;
  const queue = state.queue;
  queue.push(...arrivals);
  const assignments: Assignment[] = [];
  const requeue: PipelineView[] = [];
  for (const pool of ctx.pools) {
    let cpu = pool.availCpu;
    let ram = pool.availRam;
    while (queue.length > 0 && cpu > 0) {
      const p = queue.shift() as PipelineView;
      if (p.status !== 'active' || p.failedCount > 0) continue;
      const ops = p.opsIn(['PENDING', 'FAILED'], true).slice(0, 1);
      const op = ops[0];
      if (op === undefined) {
        requeue.push(p);
        continue;
      }
      const need = (op.memoryEstimateGb as number) * 1.1 + 0.5;
      if (need > ram) {
        queue.unshift(p);
        break;
      }
      const take = Math.min(cpu, 2);
      assignments.push({ operators: ops, cpu: take, ram: need, poolId: pool.id, priority: p.priority });
      cpu -= take;
      ram -= need;
      requeue.push(p);
    }
  }
  queue.push(...requeue);
  return { suspensions: [], assignments };
}
