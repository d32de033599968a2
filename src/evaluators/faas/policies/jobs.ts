// Waiting-queue bookkeeping shared by the priority-family policies: jobs are groups of operators
// of one pipeline waiting for a container, with what their last container had if they are
// retries or resumptions.
import type { ContainerView, OperatorState, OperatorView, PipelineView, PolicyContext, PoolView, Priority, ResultView } from '../policy-api';

export interface RetryInfo {
  ram: number;
  cpu: number;
  /** null for a job resumed after suspension. */
  error: string | null;
}

export interface Job {
  priority: Priority;
  ops: OperatorView[];
  retry: RetryInfo | undefined;
  /** Its pipeline's entry in JobQueues.queued, set when queued. */
  slot: QueuedSlot | null;
}

/** A pipeline's queued jobs (none, one, or several), and its place in the step's PipelineBatch. */
export interface QueuedSlot {
  jobs: Job | Job[] | null;
  batchStamp: number;
  batchAt: number;
}

function pipelineOf(job: Job): string {
  return (job.ops[0] as OperatorView).pipelineId;
}

export const PRIORITY_ORDER: readonly Priority[] = ['QUERY', 'INTERACTIVE', 'BATCH_PIPELINE'];

// Frozen, so opsIn may keep the state mask it computed from it.
const ASSIGNABLE: readonly OperatorState[] = Object.freeze(['PENDING', 'FAILED']);

/** A FIFO of jobs; taking from the front is O(1) so long queues stay cheap. */
export class JobQueue {
  private items: Job[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** The job at position `i` from the front. */
  at(i: number): Job | undefined {
    return this.items[this.head + i];
  }

  push(job: Job): void {
    this.items.push(job);
  }

  /** Removes the first `n` jobs (no copy of them: this runs on every step). */
  dropFront(n: number): void {
    this.head += Math.min(n, this.length);
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

export interface JobQueues {
  /** One FIFO per priority, highest first. */
  queues: Record<Priority, JobQueue>;
  /**
   * Queued jobs by pipeline id, so a pipeline's work is never queued twice. Each pipeline gets one
   * slot for good, which its jobs point to: taking a job off the queue then needs no lookup by id
   * (map lookups by id were a twentieth of the simulation time), and the map never shrinks and
   * regrows a new table as queues drain and fill. A pipeline nearly always has a single queued
   * job, held without a wrapping array.
   */
  queued: Map<string, QueuedSlot>;
  /** Jobs of containers being suspended, by container id, re-queued once the suspension ends. */
  suspending: Map<string, Job>;
  /** Scratch of queueNewWork, reused every step: the pipelines to look at, each once. */
  batch: PipelineBatch;
}

/**
 * The pipelines one step looks at, each once, in first-seen order (a later view of the same id
 * replaces the earlier one in its place, as a Map would), with their slots. It is reused from step
 * to step (a Map per step was the policy's largest source of garbage); a pipeline's slot remembers
 * whether and where it is listed in the current step, so the slot lookup the step needs anyway
 * is the only lookup by id.
 */
export class PipelineBatch {
  readonly list: PipelineView[] = [];
  /** The slot of each listed pipeline, in list order. */
  readonly slots: QueuedSlot[] = [];
  /** Marks this step's entries in the slots (slots start at 0, before any step). */
  private stamp = 1;

  constructor(private readonly queued: Map<string, QueuedSlot>) {}

  reset(): void {
    // Popping keeps the lists' storage (setting length = 0 drops it).
    while (this.list.length > 0) this.list.pop();
    while (this.slots.length > 0) this.slots.pop();
    this.stamp++;
  }

  has(id: string): boolean {
    const slot = this.queued.get(id);
    return slot !== undefined && this.listed(slot);
  }

  /** Whether the pipeline with this slot is listed in the current step. */
  listed(slot: QueuedSlot): boolean {
    return slot.batchStamp === this.stamp;
  }

  /** The slot of a pipeline id (made on first sight). */
  slotOf(id: string): QueuedSlot {
    return slotIn(this.queued, id);
  }

  set(p: PipelineView): void {
    this.add(p, slotIn(this.queued, p.id));
  }

  /** set() with the pipeline's slot already in hand. */
  add(p: PipelineView, slot: QueuedSlot): void {
    if (slot.batchStamp === this.stamp) {
      this.list[slot.batchAt] = p;
      return;
    }
    slot.batchStamp = this.stamp;
    slot.batchAt = this.list.length;
    this.list.push(p);
    this.slots.push(slot);
  }
}

export function newJobQueues(): JobQueues {
  const queued = new Map<string, QueuedSlot>();
  return {
    queues: { QUERY: new JobQueue(), INTERACTIVE: new JobQueue(), BATCH_PIPELINE: new JobQueue() },
    queued,
    suspending: new Map(),
    batch: new PipelineBatch(queued),
  };
}

export function enqueue(q: JobQueues, job: Job): void {
  enqueueIn(q, slotIn(q.queued, pipelineOf(job)), job);
}

/** The pipeline's slot, made when the pipeline is first seen. */
function slotIn(queued: Map<string, QueuedSlot>, id: string): QueuedSlot {
  let slot = queued.get(id);
  if (slot === undefined) {
    slot = { jobs: null, batchStamp: 0, batchAt: 0 };
    queued.set(id, slot);
  }
  return slot;
}

/**
 * The queue of a priority. Compared with the names rather than indexed by them: a priority taken
 * from a variable made every queue access a generic keyed lookup.
 */
export function queueOf(q: JobQueues, priority: Priority): JobQueue {
  const queues = q.queues;
  if (priority === 'QUERY') return queues.QUERY;
  if (priority === 'INTERACTIVE') return queues.INTERACTIVE;
  if (priority === 'BATCH_PIPELINE') return queues.BATCH_PIPELINE;
  return queues[priority];
}

/** Queues a job whose pipeline's slot is known. */
function enqueueIn(q: JobQueues, slot: QueuedSlot, job: Job): void {
  queueOf(q, job.priority).push(job);
  job.slot = slot;
  const held = slot.jobs;
  if (held === null) slot.jobs = job;
  else if (Array.isArray(held)) held.push(job);
  else slot.jobs = [held, job];
}

/** Removes the first `n` jobs of a queue (the ones a pass looked at). */
export function dequeueFront(q: JobQueues, priority: Priority, n: number): void {
  if (n === 0) return;
  const queue = queueOf(q, priority);
  const count = Math.min(n, queue.length);
  for (let i = 0; i < count; i++) {
    const slot = (queue.at(i) as Job).slot;
    const held = slot === null ? null : slot.jobs;
    if (held === null) continue;
    if (!Array.isArray(held) || held.length === 1) (slot as QueuedSlot).jobs = null;
    else held.splice(held.indexOf(queue.at(i) as Job), 1);
  }
  queue.dropFront(count);
}

/** Whether a job held in the slot has `op`. */
function holds(slot: QueuedSlot, op: OperatorView): boolean {
  const held = slot.jobs;
  if (held === null) return false;
  if (!Array.isArray(held)) return held.ops.includes(op);
  for (let i = 0; i < held.length; i++) if ((held[i] as Job).ops.includes(op)) return true;
  return false;
}

/**
 * Queues the runnable work of newly arrived pipelines and of pipelines that just had results:
 * one job per pipeline with every assignable operator (multi-operator containers) or one job per
 * ready operator. Failed operators carry their last container's size for the retry.
 */
export function queueNewWork(ctx: PolicyContext, q: JobQueues, results: readonly ResultView[], arrivals: readonly PipelineView[]): void {
  if (arrivals.length === 0 && results.length === 0) return;
  // Indexed loops throughout: the simulator's lists are frozen arrays, and for-of over those
  // allocates an iterator result per element.
  const batch = q.batch;
  batch.reset();
  for (let i = 0; i < arrivals.length; i++) {
    batch.set(arrivals[i] as PipelineView);
  }
  let failed = false;
  for (let i = 0; i < results.length; i++) {
    const r = results[i] as ResultView;
    if (r.error !== null) failed = true;
    let last = '';
    const ops = r.operators;
    for (let j = 0; j < ops.length; j++) {
      const id = (ops[j] as OperatorView).pipelineId;
      if (id === last) continue;
      const slot = batch.slotOf(id);
      if (batch.listed(slot)) continue;
      last = id;
      const p = ctx.pipeline(id);
      if (p) batch.add(p, slot);
    }
  }
  const multi = ctx.params.multiOperatorContainers;
  const pipelines = batch.list;
  for (let i = 0; i < pipelines.length; i++) {
    const p = pipelines[i] as PipelineView;
    if (p.status !== 'active') continue;
    let ops = p.opsIn(ASSIGNABLE, !multi);
    const slot = batch.slots[i] as QueuedSlot;
    if (slot.jobs !== null) ops = ops.filter((op) => !holds(slot, op));
    if (ops.length === 0) continue;
    if (multi) enqueueIn(q, slot, { priority: p.priority, ops, retry: failed ? retryOf(results, ops[0] as OperatorView) : undefined, slot: null });
    else for (const op of ops) enqueueIn(q, slot, { priority: p.priority, ops: [op], retry: failed ? retryOf(results, op) : undefined, slot: null });
  }
}

/** The size of the last failed container (among `results`) that held `op` unfinished, if any. */
function retryOf(results: readonly ResultView[], op: OperatorView): RetryInfo | undefined {
  if (op.state === 'COMPLETED') return undefined;
  for (let i = results.length - 1; i >= 0; i--) {
    const r = results[i] as ResultView;
    if (r.error !== null && r.operators.includes(op)) return { ram: r.ram, cpu: r.cpu, error: r.error };
  }
  return undefined;
}

/** Remembers containers being suspended and re-queues those whose suspension has finished. */
export function trackSuspensions(ctx: PolicyContext, q: JobQueues): void {
  const pools = ctx.pools;
  for (let i = 0; i < pools.length; i++) {
    const suspending = (pools[i] as PoolView).suspending;
    for (let j = 0; j < suspending.length; j++) {
      const c = suspending[j] as ContainerView;
      // Already remembered: a suspending container's operators keep their states until it is
      // suspended, so the job would come out the same.
      if (q.suspending.has(c.id)) continue;
      const ops = incompleteOps(ctx, c);
      if (ops.length) q.suspending.set(c.id, { priority: c.priority, ops, retry: { ram: c.ram, cpu: c.cpu, error: null }, slot: null });
    }
  }
  const suspended = ctx.suspended;
  if (suspended.length === 0 || q.suspending.size === 0) return;
  for (let i = 0; i < suspended.length; i++) {
    const c = suspended[i] as ContainerView;
    const job = q.suspending.get(c.id);
    if (!job) continue;
    q.suspending.delete(c.id);
    enqueue(q, job);
  }
}

function incompleteOps(ctx: PolicyContext, c: ContainerView): OperatorView[] {
  const out: OperatorView[] = [];
  const ids = c.operators;
  for (let i = 0; i < ids.length; i++) {
    const op = ctx.operator(ids[i] as string);
    if (op && op.state !== 'COMPLETED') out.push(op);
  }
  return out;
}

/**
 * True when the job's operators can still be placed (a queued job goes stale when its pipeline
 * timed out or its operators were placed by another job). Checking that each is still assignable
 * is enough: when a job is queued, every parent of its operators is COMPLETED (a final state) or
 * is itself an earlier operator of the job.
 */
export function stillRunnable(job: Job): boolean {
  for (const op of job.ops) if (!op.assignable) return false;
  return true;
}
