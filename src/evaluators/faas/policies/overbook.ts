// Eudoxia's `overbook` policy, a demonstration of memory overcommit: every ready operator gets its
// own container with 1 CPU and the whole pool's RAM, only CPU availability is respected, and the
// pool's memory killer sorts things out. A pipeline is abandoned after 3 failed containers. Run it
// with allow_memory_overcommit = true.
import type { Assignment, Decision, OperatorView, PipelineView, PolicyContext, ResultView } from '../policy-api';

const MAX_FAILURES = 3;

interface OverbookState {
  queue: OperatorView[];
  queued: Set<string>;
  failures: Map<string, number>;
}

export function init(ctx: PolicyContext): void {
  const state: OverbookState = { queue: [], queued: new Set(), failures: new Map() };
  ctx.state['overbook'] = state;
  // It never suspends, so operator boundaries need no call.
  ctx.setBoundaryCalls(false);
}

export function step(ctx: PolicyContext, results: readonly ResultView[], arrivals: readonly PipelineView[]): Decision {
  const s = ctx.state['overbook'] as OverbookState;
  if (arrivals.length === 0 && results.length === 0) return { suspensions: [], assignments: [] };

  const pipelines = new Map<string, PipelineView>();
  for (const p of arrivals) pipelines.set(p.id, p);
  for (const r of results) {
    for (const op of r.operators) {
      const p = ctx.pipeline(op.pipelineId);
      if (p && !pipelines.has(p.id)) pipelines.set(p.id, p);
      if (r.error !== null) s.failures.set(op.pipelineId, (s.failures.get(op.pipelineId) ?? 0) + 1);
    }
  }
  for (const p of pipelines.values()) {
    for (const op of p.opsIn(['PENDING', 'FAILED'], true)) {
      if (s.queued.has(op.id)) continue;
      s.queue.push(op);
      s.queued.add(op.id);
    }
  }

  const availCpu = ctx.pools.map((p) => p.availCpu);
  const assignments: Assignment[] = [];
  for (let i = 0; i < s.queue.length; i++) {
    const op = s.queue[i] as OperatorView;
    if ((s.failures.get(op.pipelineId) ?? 0) >= MAX_FAILURES || !op.ready) continue;
    const poolId = availCpu.findIndex((cpu) => cpu >= 1);
    if (poolId < 0) {
      // No CPU left anywhere: keep this operator and the rest for later.
      const rest = s.queue.slice(i);
      for (const skipped of s.queue.slice(0, i)) s.queued.delete(skipped.id);
      s.queue = rest;
      return { suspensions: [], assignments };
    }
    availCpu[poolId] = (availCpu[poolId] as number) - 1;
    const pool = ctx.pools[poolId];
    assignments.push({ operators: [op], cpu: 1, ram: pool ? pool.maxRam : 0, poolId, priority: op.priority });
  }
  for (const op of s.queue) s.queued.delete(op.id);
  s.queue = [];
  return { suspensions: [], assignments };
}
