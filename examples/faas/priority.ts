// Eudoxia's `priority` scheduling policy, written against the policy API (./policy-api.d.ts).
// With the constants below it behaves exactly like the built-in `priority` policy; the
// EVOLVE-BLOCK holds the choices worth tuning: how big a container each priority gets, how a
// retry after an out-of-memory failure grows, which pool to use, and when to preempt.
//
//   policy-evolver faas run examples/faas/priority.ts --trace examples/faas/sample-trace.csv
import type { Assignment, Decision, OperatorView, PipelineView, PolicyContext, PoolView, Priority, ResultView, Suspension } from './policy-api';

/** Free resources of a pool while this step hands them out. */
interface PoolRoom {
  id: number;
  availCpu: number;
  availRam: number;
  totalCpu: number;
  totalRam: number;
}

/** Operators waiting for a container; `retry` is what their last container had. */
interface Job {
  priority: Priority;
  ops: OperatorView[];
  retry?: { cpu: number; ram: number; failed: boolean };
  /** Tick the job was queued, and tick its pipeline arrived. */
  queuedAt: number;
  arrivedAt: number;
}

// EVOLVE-BLOCK-START
/** Share of a pool's CPUs a new job gets, per priority. */
const CPU_SHARE: Record<Priority, number> = { QUERY: 0.1, INTERACTIVE: 0.1, BATCH_PIPELINE: 0.1 };
/** Share of a pool's RAM a new job gets, per priority. */
const RAM_SHARE: Record<Priority, number> = { QUERY: 0.1, INTERACTIVE: 0.1, BATCH_PIPELINE: 0.1 };
/** After a failure (usually out of memory) the retry gets this many times the CPUs and RAM. */
const RETRY_CPU_FACTOR = 2;
const RETRY_RAM_FACTOR = 2;
/** A retry that would need this share of a pool or more is given up. */
const MAX_RETRY_SHARE = 0.5;
/** Queues are served in this order. */
const SERVE_ORDER: Priority[] = ['QUERY', 'INTERACTIVE', 'BATCH_PIPELINE'];
/** Suspend lower-priority containers (at operator boundaries) while queries wait. */
const PREEMPT_FOR_QUERIES = true;
/**
 * Order inside a queue: 0 serves jobs in the order they were queued; 1 serves the oldest pipeline
 * first (so pipelines already under way finish before new ones start); values between blend both.
 */
const AGING = 0;

/** Jobs with a smaller key are served first (ties keep queue order). */
function queueKey(job: Job): number {
  return job.queuedAt - AGING * (job.queuedAt - job.arrivedAt);
}

/** CPUs and RAM for a job that has not failed before. */
function sizeNewJob(job: Job, pool: PoolRoom): { cpu: number; ram: number } {
  let cpu = Math.max(1, Math.trunc(pool.totalCpu * CPU_SHARE[job.priority]));
  let ram = Math.max(1, Math.trunc(pool.totalRam * RAM_SHARE[job.priority]));
  if (cpu >= pool.availCpu || ram >= pool.availRam) {
    cpu = pool.availCpu;
    ram = pool.availRam;
  }
  return { cpu, ram };
}

/** CPUs and RAM for a retry after a failure, or null to give the job up. */
function sizeRetry(previous: { cpu: number; ram: number }, pool: PoolRoom): { cpu: number; ram: number } | null {
  const cpu = RETRY_CPU_FACTOR * previous.cpu;
  const ram = RETRY_RAM_FACTOR * previous.ram;
  if (cpu > pool.availCpu || ram > pool.availRam) return null;
  if (cpu / pool.totalCpu >= MAX_RETRY_SHARE || ram / pool.totalRam >= MAX_RETRY_SHARE) return null;
  return { cpu, ram };
}

/** The pool for the next job: the one with the most free RAM among those with a free CPU (-1: none). */
function choosePool(rooms: PoolRoom[]): number {
  let best = -1;
  let bestRam = 0;
  for (const room of rooms) {
    if (room.availCpu > 0 && room.availRam > bestRam) {
      best = room.id;
      bestRam = room.availRam;
    }
  }
  return best;
}
// EVOLVE-BLOCK-END

interface State {
  queues: Record<Priority, Job[]>;
  /** Ids of queued operators, so a pipeline's work is never queued twice. */
  queued: Set<string>;
  /** Jobs of containers being suspended, re-queued when their suspension ends. */
  suspending: Map<string, Job>;
}

export function init(ctx: PolicyContext): void {
  const state: State = { queues: { QUERY: [], INTERACTIVE: [], BATCH_PIPELINE: [] }, queued: new Set(), suspending: new Map() };
  ctx.state['priority'] = state;
}

export function step(ctx: PolicyContext, results: readonly ResultView[], arrivals: readonly PipelineView[]): Decision {
  const s = ctx.state['priority'] as State;
  queueNewWork(ctx, s, results, arrivals);
  trackSuspensions(ctx, s);

  const rooms: PoolRoom[] = ctx.pools.map((p: PoolView) => ({ id: p.id, availCpu: p.availCpu, availRam: p.availRam, totalCpu: p.maxCpu, totalRam: p.maxRam }));
  const assignments: Assignment[] = [];
  for (const priority of SERVE_ORDER) {
    const queue = s.queues[priority];
    let served = 0;
    while (served < queue.length) {
      const poolId = choosePool(rooms);
      if (poolId < 0) break;
      const job = queue[served++] as Job;
      if (!stillRunnable(job)) continue;
      const room = rooms[poolId] as PoolRoom;
      let size: { cpu: number; ram: number } | null;
      if (job.retry?.failed) size = sizeRetry(job.retry, room);
      else if (job.retry && job.retry.cpu < room.availCpu && job.retry.ram < room.availRam) size = { cpu: job.retry.cpu, ram: job.retry.ram };
      else size = sizeNewJob(job, room);
      if (!size) continue;
      assignments.push({ operators: job.ops, cpu: size.cpu, ram: size.ram, poolId, priority: job.priority });
      room.availCpu -= size.cpu;
      room.availRam -= size.ram;
    }
    if (served > 0) {
      for (const job of queue.slice(0, served)) for (const op of job.ops) s.queued.delete(op.id);
      s.queues[priority] = queue.slice(served);
    }
  }

  const suspensions: Suspension[] = [];
  const waitingQueries = s.queues.QUERY.length;
  if (PREEMPT_FOR_QUERIES && waitingQueries > 0) {
    // Visit pools round-robin, taking one suspendable non-query container per visit.
    const lists = ctx.pools.map((p) => p.containers.filter((c) => c.priority !== 'QUERY'));
    const cursor = lists.map(() => 0);
    let poolId = 0;
    while (suspensions.length < waitingQueries && cursor.some((c, i) => c < (lists[i]?.length ?? 0))) {
      const list = lists[poolId] ?? [];
      const i = cursor[poolId] as number;
      if (i < list.length) {
        cursor[poolId] = i + 1;
        const c = list[i];
        if (c?.canSuspend) suspensions.push({ containerId: c.id, poolId: c.poolId });
      }
      poolId = (poolId + 1) % lists.length;
    }
    // A container still writing its RAM out is remembered on the next call.
    if (suspensions.length > 0) ctx.wakeAt(ctx.now + 1);
  }
  // Operator boundaries (the moments containers can be suspended) matter only while queries wait.
  ctx.setBoundaryCalls(PREEMPT_FOR_QUERIES && waitingQueries > 0);
  return { suspensions, assignments };
}

/** Queues the runnable work of new pipelines and of pipelines that just had results. */
function queueNewWork(ctx: PolicyContext, s: State, results: readonly ResultView[], arrivals: readonly PipelineView[]): void {
  const pipelines = new Map<string, PipelineView>();
  for (const p of arrivals) pipelines.set(p.id, p);
  const failedWith = new Map<string, { cpu: number; ram: number; failed: boolean }>();
  for (const r of results) {
    for (const op of r.operators) {
      const p = pipelines.has(op.pipelineId) ? undefined : ctx.pipeline(op.pipelineId);
      if (p) pipelines.set(p.id, p);
      if (r.error !== null && op.state !== 'COMPLETED') failedWith.set(op.id, { cpu: r.cpu, ram: r.ram, failed: true });
    }
  }
  for (const p of pipelines.values()) {
    if (p.status !== 'active') continue;
    const multi = ctx.params.multiOperatorContainers;
    const ops = p.opsIn(['PENDING', 'FAILED'], !multi).filter((op) => !s.queued.has(op.id));
    if (ops.length === 0) continue;
    const groups = multi ? [ops] : ops.map((op) => [op]);
    for (const group of groups) {
      const job: Job = { priority: p.priority, ops: group, queuedAt: ctx.now, arrivedAt: p.arrivalTick };
      const retry = failedWith.get((group[0] as OperatorView).id);
      if (retry) job.retry = retry;
      enqueue(s, job);
    }
  }
}

/** Remembers containers being suspended; re-queues those whose suspension finished. */
function trackSuspensions(ctx: PolicyContext, s: State): void {
  for (const pool of ctx.pools) {
    for (const c of pool.suspending) {
      const ops = c.operators.map((id) => ctx.operator(id)).filter((op): op is OperatorView => op !== undefined && op.state !== 'COMPLETED');
      const arrivedAt = ops.length ? (ctx.pipeline((ops[0] as OperatorView).pipelineId)?.arrivalTick ?? ctx.now) : ctx.now;
      if (ops.length) s.suspending.set(c.id, { priority: c.priority, ops, retry: { cpu: c.cpu, ram: c.ram, failed: false }, queuedAt: ctx.now, arrivedAt });
    }
  }
  for (const c of ctx.suspended) {
    const job = s.suspending.get(c.id);
    if (!job) continue;
    s.suspending.delete(c.id);
    enqueue(s, { ...job, queuedAt: ctx.now });
  }
}

/** Inserts a job after every queued job whose key is not larger (plain append when keys never decrease). */
function enqueue(s: State, job: Job): void {
  const queue = s.queues[job.priority];
  const key = queueKey(job);
  let at = queue.length;
  while (at > 0 && queueKey(queue[at - 1] as Job) > key) at--;
  queue.splice(at, 0, job);
  for (const op of job.ops) s.queued.add(op.id);
}

/**
 * A queued job goes stale when its pipeline timed out or its operators were placed elsewhere.
 * Checking that each operator is still assignable is enough: when a job is queued, every parent of
 * its operators is COMPLETED (a final state) or an earlier operator of the same job.
 */
function stillRunnable(job: Job): boolean {
  return job.ops.every((op) => op.assignable);
}
