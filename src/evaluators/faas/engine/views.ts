// Read-only views handed to policies. Each view reaches simulator state through private fields, so
// a policy can neither read the hidden operator profiles nor change the state; arrays it receives
// are frozen copies.
import type {
  ContainerStatus,
  ContainerView,
  OperatorState,
  OperatorView,
  PipelineStatus,
  PipelineView,
  PoolView,
  Priority,
  ResultView,
} from '../policy-api';
import {
  C_ACTIVE,
  C_SUSPENDED,
  C_SUSPENDING,
  ERRORS,
  OP_ASSIGNED,
  OP_COMPLETED,
  OP_FAILED,
  OP_PENDING,
  OP_SUSPENDING,
  PIPE_ACTIVE,
  PIPE_COMPLETED,
  containerId,
  memoryAt,
  opAt,
  operatorByName,
  type ContRec,
  type OpTable,
  type PipeRec,
  type PoolRec,
} from './records';

/** What views need from the running simulation. */
export interface ViewHost {
  readonly now: number;
  readonly tick: number;
  readonly ops: OpTable;
  poolConsumedRam(pool: PoolRec): number;
}

const EMPTY: readonly never[] = Object.freeze([]);
/** Scratch of PipelineView.opsIn (it calls nothing that could re-enter it). */
let matched = new Int32Array(64);
/** The last frozen state list opsIn was given, and its state mask (a frozen list cannot change). */
let lastStates: readonly OperatorState[] | null = null;
let lastWanted = 0;

export function opStateName(ops: OpTable, g: number, now: number): OperatorState {
  switch (ops.state[g]) {
    case OP_PENDING:
      return 'PENDING';
    case OP_ASSIGNED: {
      const start = ops.start[g] as number;
      return start >= 0 && start < now ? 'RUNNING' : 'ASSIGNED';
    }
    case OP_SUSPENDING:
      return 'SUSPENDING';
    case OP_COMPLETED:
      return 'COMPLETED';
    default:
      return 'FAILED';
  }
}

export function parentsComplete(ops: OpTable, g: number): boolean {
  const { parentStart, parents } = ops.columns;
  for (let k = parentStart[g] as number, end = parentStart[g + 1] as number; k < end; k++) if (ops.state[parents[k] as number] !== OP_COMPLETED) return false;
  return true;
}

export function isAssignable(ops: OpTable, g: number): boolean {
  const s = ops.state[g];
  return (s === OP_PENDING || s === OP_FAILED) && ops.pipeOf(g).status === PIPE_ACTIVE;
}

export function opId(ops: OpTable, g: number): string {
  return ops.idOf(g);
}

const STATE_BITS: Record<string, number> = { PENDING: 1, ASSIGNED: 2, RUNNING: 4, SUSPENDING: 8, COMPLETED: 16, FAILED: 32 };

function stateBit(ops: OpTable, g: number, now: number): number {
  switch (ops.state[g]) {
    case OP_PENDING:
      return 1;
    case OP_ASSIGNED: {
      const start = ops.start[g] as number;
      return start >= 0 && start < now ? 4 : 2;
    }
    case OP_SUSPENDING:
      return 8;
    case OP_COMPLETED:
      return 16;
    default:
      return 32;
  }
}

/**
 * Only this module can construct views: a policy reaching a view's constructor cannot wrap a
 * forged record and hand it back in an assignment.
 */
const TOKEN: unique symbol = Symbol('faas-view');

function guard(token: symbol): void {
  if (token !== TOKEN) throw new TypeError('views are created by the simulator');
}

let numberOf: (value: unknown, ops: OpTable) => number = () => -1;

/** The operator number behind a view of this run's simulator, or -1 for anything else. */
export function operatorNumber(value: unknown, ops: OpTable): number {
  return numberOf(value, ops);
}

export class OperatorViewImpl implements OperatorView {
  readonly #g: number;
  readonly #host: ViewHost;

  static {
    numberOf = (value, ops) => (typeof value === 'object' && value !== null && #g in value && (value as OperatorViewImpl).#host.ops === ops ? (value as OperatorViewImpl).#g : -1);
  }

  constructor(token: symbol, g: number, host: ViewHost) {
    guard(token);
    this.#g = g;
    this.#host = host;
  }

  get id(): string {
    return this.#host.ops.idOf(this.#g);
  }
  get name(): string {
    return this.#host.ops.spec(this.#g).id;
  }
  get pipelineId(): string {
    return this.#host.ops.pipeOf(this.#g).id;
  }
  get priority(): Priority {
    return this.#host.ops.pipeOf(this.#g).priority;
  }
  get state(): OperatorState {
    return opStateName(this.#host.ops, this.#g, this.#host.now);
  }
  get parents(): readonly string[] {
    const ops = this.#host.ops;
    return Object.freeze(ops.parentsOf(this.#g).map((g) => opId(ops, g)));
  }
  get parentsComplete(): boolean {
    return parentsComplete(this.#host.ops, this.#g);
  }
  get assignable(): boolean {
    return isAssignable(this.#host.ops, this.#g);
  }
  get ready(): boolean {
    const ops = this.#host.ops;
    return isAssignable(ops, this.#g) && parentsComplete(ops, this.#g);
  }
  get containerId(): string | null {
    const ops = this.#host.ops;
    const s = ops.state[this.#g];
    const c = ops.container[this.#g] as number;
    return c > 0 && (s === OP_ASSIGNED || s === OP_SUSPENDING) ? `c${c}` : null;
  }
  get attempts(): number {
    return this.#host.ops.attempts[this.#g] as number;
  }
  get lastError(): string | null {
    return ERRORS[this.#host.ops.error[this.#g] as number] ?? null;
  }
  get memoryEstimateGb(): number | null {
    const e = this.#host.ops.estimate[this.#g] as number;
    return Number.isNaN(e) ? null : e;
  }
  toJSON(): Record<string, unknown> {
    return { id: this.id, state: this.state, parents: this.parents, attempts: this.attempts, lastError: this.lastError };
  }
}

export class PipelineViewImpl implements PipelineView {
  readonly #p: PipeRec;
  readonly #host: ViewHost;
  #ops: readonly OperatorView[] | undefined;

  constructor(token: symbol, p: PipeRec, host: ViewHost) {
    guard(token);
    this.#p = p;
    this.#host = host;
  }

  get id(): string {
    return this.#p.id;
  }
  get priority(): Priority {
    return this.#p.priority;
  }
  get arrivalTick(): number {
    return this.#p.arrivalTick;
  }
  get status(): PipelineStatus {
    const p = this.#p;
    if (p.status === PIPE_COMPLETED || p.allDone) return 'completed';
    return p.status === PIPE_ACTIVE ? 'active' : 'timed_out';
  }
  get operators(): readonly OperatorView[] {
    if (!this.#ops) {
      const out: OperatorView[] = [];
      for (let i = 0; i < this.#p.size; i++) out.push(opView(this.#p.firstOp + i, this.#host));
      this.#ops = Object.freeze(out);
    }
    return this.#ops;
  }
  get completedCount(): number {
    return this.#p.completedOps;
  }
  get failedCount(): number {
    return this.#p.failedOps;
  }
  operator(name: string): OperatorView | undefined {
    const g = typeof name === 'string' ? operatorByName(this.#host.ops, this.#p, name) : undefined;
    return g === undefined ? undefined : opView(g, this.#host);
  }
  opsIn(states: readonly OperatorState[], requireParentsComplete = false): OperatorView[] {
    let wanted = 0;
    if (states === lastStates) wanted = lastWanted;
    else if (Array.isArray(states)) {
      let names = true;
      for (const name of states) {
        wanted |= STATE_BITS[name as string] ?? 0;
        if (typeof name !== 'string') names = false;
      }
      // Only names: anything else is converted by calling into the policy, every time.
      if (names && Object.isFrozen(states)) {
        lastStates = states;
        lastWanted = wanted;
      }
    }
    const host = this.#host;
    const ops = host.ops;
    const now = host.now;
    const p = this.#p;
    const first = p.firstOp;
    // Matches are gathered first so that the array returned has exactly their length: policies
    // keep these arrays in their queues, and one grown by push carries unused capacity.
    if (matched.length < p.size) matched = new Int32Array(Math.max(p.size, 2 * matched.length));
    let n = 0;
    for (let g = first; g < first + p.size; g++) {
      if ((wanted & stateBit(ops, g, now)) === 0) continue;
      if (requireParentsComplete && !parentsComplete(ops, g)) continue;
      matched[n++] = g;
    }
    const out = new Array<OperatorView>(n);
    for (let i = 0; i < n; i++) out[i] = opView(matched[i] as number, host);
    return out;
  }
  toJSON(): Record<string, unknown> {
    return { id: this.id, priority: this.priority, arrivalTick: this.arrivalTick, status: this.status, operators: this.#p.size };
  }
}

export class ContainerViewImpl implements ContainerView {
  readonly #c: ContRec;
  readonly #host: ViewHost;
  #id: string | undefined;
  #ops: readonly string[] | undefined;

  constructor(token: symbol, c: ContRec, host: ViewHost) {
    guard(token);
    this.#c = c;
    this.#host = host;
  }

  get id(): string {
    return (this.#id ??= containerId(this.#c));
  }
  get poolId(): number {
    return this.#c.pool.id;
  }
  get priority(): Priority {
    return this.#c.priority;
  }
  get cpu(): number {
    return this.#c.cpu;
  }
  get ram(): number {
    return this.#c.ram;
  }
  get operators(): readonly string[] {
    if (!this.#ops) {
      const ops = this.#host.ops;
      const c = this.#c;
      const ids = new Array<string>(c.size);
      for (let k = 0; k < c.size; k++) ids[k] = opId(ops, opAt(c, k));
      this.#ops = Object.freeze(ids);
    }
    return this.#ops;
  }
  get createdTick(): number {
    return this.#c.createdTick;
  }
  get status(): ContainerStatus {
    switch (this.#c.status) {
      case C_ACTIVE:
        return 'running';
      case C_SUSPENDING:
        return 'suspending';
      case C_SUSPENDED:
        return 'suspended';
      default:
        return 'done';
    }
  }
  get canSuspend(): boolean {
    return this.#c.status === C_ACTIVE && this.#c.canSuspendAt === this.#host.now;
  }
  get memoryUsedGb(): number {
    const c = this.#c;
    const t = this.#host.now - 1;
    if (c.status !== C_ACTIVE || t < c.createdTick) return 0;
    return memoryAt(this.#host.ops, c, t, this.#host.tick);
  }
  toJSON(): Record<string, unknown> {
    return { id: this.id, poolId: this.poolId, priority: this.priority, cpu: this.cpu, ram: this.ram, status: this.status, operators: this.operators };
  }
}

export class PoolViewImpl implements PoolView {
  readonly #pool: PoolRec;
  readonly #host: ViewHost;
  #version = -1;
  #suspendVersion = -1;
  #containers: readonly ContainerView[] = EMPTY;
  #suspending: readonly ContainerView[] = EMPTY;

  constructor(token: symbol, pool: PoolRec, host: ViewHost) {
    guard(token);
    this.#pool = pool;
    this.#host = host;
  }

  get id(): number {
    return this.#pool.id;
  }
  get maxCpu(): number {
    return this.#pool.maxCpu;
  }
  get maxRam(): number {
    return this.#pool.maxRam;
  }
  get availCpu(): number {
    return this.#pool.availCpu;
  }
  get availRam(): number {
    return this.#pool.availRam;
  }
  get consumedRam(): number {
    return this.#host.poolConsumedRam(this.#pool);
  }
  get containers(): readonly ContainerView[] {
    const pool = this.#pool;
    if (this.#version !== pool.version) {
      this.#version = pool.version;
      const active: ContainerView[] = [];
      for (const c of pool.active) if (c.status === C_ACTIVE) active.push(containerView(c, this.#host));
      this.#containers = Object.freeze(active);
    }
    return this.#containers;
  }
  get suspending(): readonly ContainerView[] {
    const pool = this.#pool;
    if (this.#suspendVersion !== pool.suspendVersion) {
      this.#suspendVersion = pool.suspendVersion;
      this.#suspending = pool.suspending.length ? Object.freeze(pool.suspending.map((c) => containerView(c, this.#host))) : EMPTY;
    }
    return this.#suspending;
  }
  toJSON(): Record<string, unknown> {
    return { id: this.id, maxCpu: this.maxCpu, maxRam: this.maxRam, availCpu: this.availCpu, availRam: this.availRam };
  }
}

export function opView(g: number, host: ViewHost): OperatorView {
  const views = host.ops.views;
  let v = views[g];
  if (!v) {
    v = Object.freeze(new OperatorViewImpl(TOKEN, g, host));
    views[g] = v;
  }
  return v as OperatorView;
}

export function pipelineView(p: PipeRec, host: ViewHost): PipelineView {
  if (!p.view) p.view = Object.freeze(new PipelineViewImpl(TOKEN, p, host));
  return p.view as PipelineView;
}

export function containerView(c: ContRec, host: ViewHost): ContainerView {
  if (!c.view) c.view = Object.freeze(new ContainerViewImpl(TOKEN, c, host));
  return c.view as ContainerView;
}

export function poolView(pool: PoolRec, host: ViewHost): PoolView {
  if (!pool.view) pool.view = Object.freeze(new PoolViewImpl(TOKEN, pool, host));
  return pool.view as PoolView;
}

export function resultView(c: ContRec, host: ViewHost): ResultView {
  // A loop rather than map(): one result per container, and the callback showed in the garbage.
  const operators = new Array<OperatorView>(c.size);
  for (let k = 0; k < c.size; k++) operators[k] = opView(opAt(c, k), host);
  return Object.freeze({
    containerId: containerId(c),
    poolId: c.pool.id,
    operators: Object.freeze(operators),
    cpu: c.cpu,
    ram: c.ram,
    priority: c.priority,
    error: c.error,
  });
}

for (const cls of [OperatorViewImpl, PipelineViewImpl, ContainerViewImpl, PoolViewImpl]) {
  Object.freeze(cls.prototype);
  Object.freeze(cls);
}
