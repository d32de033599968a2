// The simulator's mutable state. Only the engine writes it; policies see it through the read-only
// views in views.ts. Operators live in one struct-of-arrays table indexed by a run-wide operator
// number: a run can hold hundreds of thousands of them, and keeping their state in typed arrays
// instead of one object each keeps the garbage collector out of the way.
import { ioMemory } from '../model/physics';
import type { OperatorSpec, Priority } from '../model/types';
import type { OperatorColumns, PipelineTemplate } from './templates';

// Operator states. RUNNING is not stored: an ASSIGNED operator whose start tick has passed is
// reported as RUNNING, which saves an event per operator start.
export const OP_PENDING = 0;
export const OP_ASSIGNED = 1;
export const OP_SUSPENDING = 2;
export const OP_COMPLETED = 3;
export const OP_FAILED = 4;

/** Container errors, stored per operator as small numbers. */
export const ERRORS: readonly (string | null)[] = [null, 'OOM', 'timeout'];

export function errorCode(error: string): number {
  const i = ERRORS.indexOf(error);
  return i > 0 ? i : 0;
}

const NO_COLUMNS: OperatorColumns = {
  fixedMemory: new Uint8Array(0),
  memoryGb: new Float64Array(0),
  storageReadGb: new Float64Array(0),
  baselineCpuSeconds: new Float64Array(0),
  scaling: [],
  parentStart: new Int32Array(1),
  parents: new Int32Array(0),
};

/** Every operator of the run, by operator number (assigned in arrival order). */
export class OpTable {
  size = 0;
  private capacity = 0;
  /** Pipelines by arrival order, and the arrival order of each operator's pipeline. */
  private readonly pipes: PipeRec[] = [];
  pipeSeq = new Int32Array(0);
  /** Position in its pipeline's topological order. */
  local = new Int32Array(0);
  state = new Uint8Array(0);
  /** Tick at which the operator starts running in its current container (-1 if not scheduled). */
  start = new Float64Array(0);
  /** Sequence number of the container holding (or that last held) the operator; 0 = none. */
  container = new Int32Array(0);
  attempts = new Int32Array(0);
  /** Index into ERRORS of the last container failure that hit the operator. */
  error = new Uint8Array(0);
  /** Validation scratch: stamps of the assignment / step that last claimed the operator. */
  mark = new Float64Array(0);
  stepMark = new Float64Array(0);
  /** Memory estimate shown to policies; NaN = none. */
  estimate = new Float64Array(0);
  /**
   * Each operator's view, made on first use (views.ts owns the class). One run-wide list rather
   * than an array per pipeline: those arrays live all run, and every long-lived object costs the
   * garbage collector a copy or two. Sized with the other columns (empty slots read undefined).
   */
  views: (object | undefined)[] = [];
  /**
   * Each operator's id once asked for: kept here rather than in its view, whose every field is
   * copied each time the garbage collector moves the run's views. Made at the first request (the
   * built-in policies never ask).
   */
  private ids: (string | undefined)[] = [];
  /** The trace's numbers of each operator, indexed by operator number like every column here. */
  columns: OperatorColumns = NO_COLUMNS;

  /** Makes room for `n` operators in all (growing one doubling at a time copies every column). */
  reserve(n: number): void {
    if (n > this.capacity) this.grow(n);
  }

  /** Adds `n` PENDING operators of pipeline `p`; returns the number of the first. */
  add(p: PipeRec, n: number): number {
    const first = this.size;
    if (first + n > this.capacity) this.grow(first + n);
    this.pipes[p.seq] = p;
    // start (-1) and estimate (NaN) come initialised from grow().
    for (let i = 0; i < n; i++) {
      const g = first + i;
      this.pipeSeq[g] = p.seq;
      this.local[g] = i;
    }
    this.size += n;
    return first;
  }

  pipeOf(g: number): PipeRec {
    return this.pipes[this.pipeSeq[g] as number] as PipeRec;
  }

  spec(g: number): OperatorSpec {
    return this.pipeOf(g).template.specs[this.local[g] as number] as OperatorSpec;
  }

  /** The id policies know operator `g` by: `<pipeline id>/<operator name>`. */
  idOf(g: number): string {
    if (this.ids.length < this.capacity) {
      const ids = new Array<string | undefined>(this.capacity);
      for (let i = 0; i < this.ids.length; i++) ids[i] = this.ids[i];
      this.ids = ids;
    }
    return (this.ids[g] ??= `${this.pipeOf(g).id}/${this.spec(g).id}`);
  }

  /** Parents of operator `g`, as operator numbers. */
  parentsOf(g: number): number[] {
    const p = this.pipeOf(g);
    const locals = p.template.parents[this.local[g] as number] as readonly number[];
    return locals.map((l) => p.firstOp + l);
  }

  private grow(min: number): void {
    const capacity = Math.max(min, this.capacity * 2, 1024);
    const copy = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.pipeSeq = copy(this.pipeSeq, (n) => new Int32Array(n));
    this.local = copy(this.local, (n) => new Int32Array(n));
    this.state = copy(this.state, (n) => new Uint8Array(n));
    // Operators not yet added read as unscheduled, without an estimate: filling a whole column
    // at once is cheaper than a store per operator as each arrives.
    this.start = copy(this.start, (n) => new Float64Array(n).fill(-1));
    this.container = copy(this.container, (n) => new Int32Array(n));
    this.attempts = copy(this.attempts, (n) => new Int32Array(n));
    this.error = copy(this.error, (n) => new Uint8Array(n));
    this.mark = copy(this.mark, (n) => new Float64Array(n));
    this.stepMark = copy(this.stepMark, (n) => new Float64Array(n));
    this.estimate = copy(this.estimate, (n) => new Float64Array(n).fill(Number.NaN));
    const views = new Array<object | undefined>(capacity);
    for (let g = 0; g < this.size; g++) views[g] = this.views[g];
    this.views = views;
    this.capacity = capacity;
  }
}

export const PIPE_ACTIVE = 0;
export const PIPE_COMPLETED = 1;
/** Past its deadline (not assignable, containers killed) but not yet counted: it may still complete. */
export const PIPE_TIMED_OUT = 2;
/** Counted as timed out (Eudoxia counts on whole simulated seconds and on the last tick). */
export const PIPE_TIMEOUT_COUNTED = 3;

export interface PipeRec {
  /** Arrival order (0-based). */
  seq: number;
  id: string;
  priority: Priority;
  /** 0 = QUERY, 1 = INTERACTIVE, 2 = BATCH_PIPELINE. */
  prio: number;
  arrivalTick: number;
  template: PipelineTemplate;
  /** Number of the pipeline's first operator; its operators are firstOp .. firstOp + size - 1, in topological order. */
  firstOp: number;
  size: number;
  /** Operator number by name; built on first lookup. */
  opsByName: Map<string, number> | null;
  completedOps: number;
  failedOps: number;
  status: number;
  /** All operators are COMPLETED but the finish is recorded only on a tick with results (as Eudoxia does). */
  allDone: boolean;
  finishTick: number;
  firstAssignTick: number;
  view: object | null;
}

export const C_ACTIVE = 0;
export const C_SUSPENDING = 1;
export const C_SUSPENDED = 2;
export const C_DONE = 3;

export interface ContRec {
  /**
   * Global creation number; the container's id is `c<seq>` (containerId), spelled out only when a
   * view or result shows it: most containers are never asked for it while they run.
   */
  seq: number;
  pool: PoolRec;
  /** Number of operators; opAt(c, k) is the k-th operator number, in execution order. */
  size: number;
  cpu: number;
  ram: number;
  priority: Priority;
  createdTick: number;
  /**
   * Its operators' entries in the run's container column, from `entryAt` on: the operator
   * number, and for an operator that will run its first tick, I/O ticks and last tick (the kill
   * tick for the operator that dies).
   */
  timelines: TimelineColumn;
  entryAt: number;
  /** Number of operators with a timeline (all of them, or up to the one that runs out of RAM). */
  timed: number;
  /** Tick at which the container is killed for exceeding its RAM, or -1. */
  oomTick: number;
  /** Index of the operator that exceeds RAM, or -1. */
  oomOp: number;
  /** Index of the current (or next) operator; earlier ones are COMPLETED. */
  curOp: number;
  status: number;
  /** Bumped whenever scheduled timeline events become stale (suspension, external kill). */
  epoch: number;
  /** Tick at whose policy call the container may be suspended (just after an operator boundary). */
  canSuspendAt: number;
  doneTick: number;
  error: string | null;
  /** Last tick the container held its resources (for utilisation). */
  releasedTick: number;
  view: object | null;
}

/**
 * The operator lists and timelines of a run's containers, one container after another in growing
 * columns: entry e has its operator number in ops[e] and its timeline in data[3e .. 3e + 2]. An
 * array per container was a tenth of a run's garbage (thousands of containers, most of them
 * short-lived), and the columns hold no pointers for the garbage collector to follow.
 */
export class TimelineColumn {
  data = new Float64Array(3 * 1024);
  ops = new Int32Array(1024);
  private used = 0;

  /** Room for `n` operators' entries; returns the first (entries of earlier containers stay). */
  take(n: number): number {
    const at = this.used;
    const end = at + n;
    if (end > this.ops.length) {
      const size = Math.max(end, 2 * this.ops.length);
      const data = new Float64Array(3 * size);
      data.set(this.data.subarray(0, 3 * at));
      this.data = data;
      const ops = new Int32Array(size);
      ops.set(this.ops.subarray(0, at));
      this.ops = ops;
    }
    this.used = end;
    return at;
  }
}

/** The number of the container's k-th operator. */
export function opAt(c: ContRec, k: number): number {
  return c.timelines.ops[c.entryAt + k] as number;
}

export function opStart(c: ContRec, k: number): number {
  return c.timelines.data[3 * (c.entryAt + k)] as number;
}

export function opIo(c: ContRec, k: number): number {
  return c.timelines.data[3 * (c.entryAt + k) + 1] as number;
}

export function opEnd(c: ContRec, k: number): number {
  return c.timelines.data[3 * (c.entryAt + k) + 2] as number;
}

/** Number of operators with a timeline (all of them, or up to the one that runs out of RAM). */
export function timedOps(c: ContRec): number {
  return c.timed;
}

/** The id policies know a container by. */
export function containerId(c: ContRec): string {
  return `c${c.seq}`;
}

export interface PoolRec {
  id: number;
  maxCpu: number;
  maxRam: number;
  availCpu: number;
  availRam: number;
  /** Active containers in creation order; removed entries are compacted lazily. */
  active: ContRec[];
  suspending: ContRec[];
  /** Bumped when `active` (or `suspending`) changes, so views can cache their arrays. */
  version: number;
  suspendVersion: number;
  /**
   * RAM of containers that were suspended since the pool last reconciled its consumption. Eudoxia
   * keeps it counted until a container leaves the pool, and its pool-level killer sees it.
   */
  staleRam: number;
  /** Sum of RAM allocations of active containers. */
  activeAlloc: number;
  /** Eudoxia's running float sum of consumed RAM as of the end of tick `ledgerTick` (memory-ledger.ts). */
  ledger: number;
  ledgerTick: number;
  /** Containers suspended since `ledgerTick`, with their suspension tick: they changed the sum until then. */
  parked: { c: ContRec; tick: number }[];
  /** Epoch of the scheduled memory watch event (bumped to cancel it). */
  watchEpoch: number;
  /** Per-tick scratch: the tick it belongs to and the containers that ended in it. */
  tickMark: number;
  done: ContRec[];
  view: object | null;
}

/** Memory a container uses during tick `t` (it must be running an operator at `t`). */
export function memoryAt(ops: OpTable, c: ContRec, t: number, tick: number): number {
  const last = timedOps(c) - 1;
  let k = c.curOp > last ? last : c.curOp;
  while (k > 0 && opStart(c, k) > t) k--;
  while (k < last && opEnd(c, k) < t) k++;
  const g = opAt(c, k);
  const cols = ops.columns;
  if (cols.fixedMemory[g] === 1) return cols.memoryGb[g] as number;
  const i = t - opStart(c, k);
  if (i < opIo(c, k)) return ioMemory(i, tick);
  return cols.storageReadGb[g] as number;
}

export function operatorByName(ops: OpTable, p: PipeRec, name: string): number | undefined {
  if (!p.opsByName) {
    p.opsByName = new Map();
    for (let i = 0; i < p.size; i++) p.opsByName.set(ops.spec(p.firstOp + i).id, p.firstOp + i);
  }
  return p.opsByName.get(name);
}
