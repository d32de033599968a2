// The event-driven FaaS simulator. It reproduces Eudoxia's tick-by-tick model exactly but only
// visits ticks where something happens: an arrival batch, an operator boundary, a container end
// or OOM, a suspension finishing, a pool's memory crossing its capacity, a timeout check, or a
// policy wake-up. Within a tick the order is Eudoxia's: arrivals, policy step, then per pool
// suspensions, assignments, suspension progress, container progress, memory killer, timeouts,
// and finally results in container creation order.
import { maxTicksOf, type SimParams } from '../model/params';
import { cpuTicksOf, firstIoTickOver, ioTicksOf, suspendTicksOf, tickLength } from '../model/physics';
import type { PipelineSpec, Priority, ScalingName, Trace } from '../model/types';
import type { ContainerView, OperatorView, PipelineView, PolicyContext, PoolView, ResultView, SimulationParams } from '../policy-api';
import { SeededRandom } from '../workload/random';
import { NumpyGenerator } from '../model/numpy-random';
import { decisionScratch, MalformedDecision, validateDecision, type DecisionContext, type DecisionError, type ValidAssignment, type ValidDecision } from './decisions';
import { EventHeap, TickHeap, type HeapItem } from './heap';
import { ledgerAt, reconcileLedger, settleLedger } from './memory-ledger';
import { operatorColumnsOf, operatorsBefore, pipelineIdsOf, pipelineIndexOf, priorityIndexesOf, priorityNamesOf, templatesOf, type PipelineTemplate } from './templates';
import {
  C_ACTIVE,
  C_DONE,
  C_SUSPENDED,
  C_SUSPENDING,
  OP_ASSIGNED,
  OP_COMPLETED,
  OP_FAILED,
  OP_PENDING,
  OP_SUSPENDING,
  PIPE_ACTIVE,
  PIPE_COMPLETED,
  PIPE_TIMED_OUT,
  PIPE_TIMEOUT_COUNTED,
  errorCode,
  memoryAt,
  opEnd,
  opIo,
  opAt,
  opStart,
  operatorByName,
  OpTable,
  timedOps,
  TimelineColumn,
  type ContRec,
  type PipeRec,
  type PoolRec,
} from './records';
import type { SimulationFailure, SimulationOutcome } from './results';
import { SimStatistics } from './statistics';
import { clearList, sortByKey } from './lists';
import { containerView, opView, pipelineView, poolView, resultView, type ViewHost } from './views';
import { monotonicMs } from '../../../core/monotonic-clock';

/** A policy as the simulator drives it: plain functions, called in-process. */
export interface PolicyModule {
  init?: (ctx: PolicyContext) => void;
  step: (ctx: PolicyContext, results: readonly ResultView[], arrivals: readonly PipelineView[]) => unknown;
}

export interface SimulationOptions {
  /** Seed of ctx.random(); defaults to the params' random_seed. */
  seed?: number;
  /** How many rejected decisions to keep verbatim (all are counted). */
  keepInvalid?: number;
  /** Lines the policy logged, included in the report (the harness fills it). */
  logs?: string[];
  /**
   * Visit every tick and call the policy on every tick, as Eudoxia does. Much slower; it exists to
   * check that skipping quiet ticks changes nothing.
   */
  everyTick?: boolean;
}

const EV_OP_END = 0;
const EV_END = 1;
const EV_OOM = 2;
const EV_SUSPEND_DONE = 3;
const EV_MEM = 4;

interface Ev extends HeapItem {
  kind: number;
  cont: ContRec | null;
  pool: PoolRec;
  epoch: number;
}

const MAX_PENDING_WAKES = 1_000_000;
const FROZEN_EMPTY: readonly never[] = Object.freeze([]);

function poolId(pool: PoolRec): number {
  return pool.id;
}

function eventOrder(ev: Ev): number {
  return ev.order;
}

function eventContainerSeq(ev: Ev): number {
  return (ev.cont as ContRec).seq;
}

function containerSeq(c: ContRec): number {
  return c.seq;
}

class PolicyAbort extends Error {
  constructor(readonly failure: SimulationFailure) {
    super(failure.message);
  }
}

export function simulate(trace: Trace, params: SimParams, policy: PolicyModule, options: SimulationOptions = {}): SimulationOutcome {
  return new Simulation(trace, params, policy, options).run();
}

class Simulation implements ViewHost {
  now = 0;
  readonly tick: number;
  readonly ops = new OpTable();
  private readonly timelines = new TimelineColumn();
  private readonly tps: number;
  /** Physically corrected behaviour instead of Eudoxia's exact quirks (params.physics). */
  private readonly corrected: boolean;
  private readonly maxTicks: number;
  private readonly pools: PoolRec[];
  private readonly specs: readonly PipelineSpec[];
  private templates: PipelineTemplate[] | undefined;
  private readonly deliverTicks: number[];
  private nextSpec = 0;
  /** Trace position by pipeline id (shared by runs of the trace), or null when ids repeat... */
  private readonly traceIndex: ReadonlyMap<string, number> | null;
  /** Pipeline ids by trace position, internalized (shared by runs of the trace). */
  private readonly ids: readonly string[];
  /** Pipeline priorities by trace position, as indexes into PRIORITIES (shared by runs of the trace). */
  private readonly prios: Uint8Array;
  private readonly priorityNames: readonly Priority[];
  /** ...and then the latest pipeline delivered under each id. */
  private readonly pipesById: Map<string, PipeRec> | null;
  /** Arrived pipelines in arrival order, which is trace order; finished ones are skipped lazily. */
  private readonly outstanding: PipeRec[] = [];
  private outstandingHead = 0;
  /**
   * Containers still running or suspending, indexed by sequence number (slot 0 unused); finished
   * ones are cleared. A slot per container ever made is cheaper than a Map's insert and delete.
   */
  private readonly live: (ContRec | undefined)[] = [undefined];
  private containerCount = 0;
  /** Pools with work in the current tick, and each pool's events of that tick. */
  private readonly touched: PoolRec[] = [];
  private readonly poolEvents: Ev[][] = [];
  private readonly events = new EventHeap<Ev>();
  private readonly freeEvents: Ev[] = [];
  private readonly scratchSuspend: Ev[] = [];
  private readonly scratchCont: Ev[] = [];
  private readonly wakes = new TickHeap();
  private eventOrder = 0;
  private lastResults: readonly ResultView[] = FROZEN_EMPTY;
  private suspendedSinceCall: ContRec[] = [];
  private pendingDone: PipeRec[] = [];
  /** Timed-out pipelines not yet counted (Eudoxia counts once per simulated second). */
  private uncounted: PipeRec[] = [];
  private readonly timeoutTicks: number;
  private readonly ctx: PolicyContext;
  private readonly decisionContext: DecisionContext;
  private readonly random: SeededRandom;
  private readonly estimator: { sigma: number; rng: { lognormal(mean: number, sigma: number): number } } | null;
  private readonly invalid: DecisionError[] = [];
  private invalidCount = 0;
  private readonly keepInvalid: number;

  /** Counters and sums behind the report (statistics.ts). */
  private readonly stats: SimStatistics;
  constructor(
    trace: Trace,
    private readonly params: SimParams,
    private readonly policy: PolicyModule,
    private readonly options: SimulationOptions,
  ) {
    this.tps = params.ticks_per_second;
    this.tick = tickLength(this.tps);
    this.corrected = params.physics === 'corrected';
    this.maxTicks = maxTicksOf(params);
    this.keepInvalid = options.keepInvalid ?? 20;
    this.pools = [];
    for (let i = 0; i < params.num_pools; i++) {
      this.pools.push({
        id: i,
        maxCpu: params.cpus_per_pool,
        maxRam: params.ram_gb_per_pool,
        availCpu: params.cpus_per_pool,
        availRam: params.ram_gb_per_pool,
        active: [],
        suspending: [],
        version: 0,
        suspendVersion: 0,
        staleRam: 0,
        ledger: 0,
        ledgerTick: -1,
        parked: [],
        activeAlloc: 0,
        watchEpoch: 0,
        tickMark: -1,
        done: [],
        view: null,
      });
    }
    for (let i = 0; i < this.pools.length; i++) this.poolEvents.push([]);
    this.stats = new SimStatistics(params, this.pools, this.ops, this.tick, this.maxTicks);
    this.specs = trace.pipelines;
    this.traceIndex = pipelineIndexOf(this.specs);
    this.ids = pipelineIdsOf(this.specs);
    this.prios = priorityIndexesOf(this.specs);
    this.priorityNames = priorityNamesOf(this.specs);
    this.pipesById = this.traceIndex === null ? new Map() : null;
    // A pipeline is delivered at the first tick t with arrival / tick <= t, and never before the
    // pipeline listed before it (Eudoxia reads the trace in order).
    this.deliverTicks = new Array<number>(this.specs.length);
    let floor = 0;
    let delivered = 0;
    for (let i = 0; i < this.specs.length; i++) {
      const x = (this.specs[i] as PipelineSpec).arrivalSeconds / this.tick;
      const t = Math.max(floor, x > 0 ? Math.ceil(x) : 0);
      this.deliverTicks[i] = t;
      floor = t;
      if (t < this.maxTicks) delivered = i + 1;
    }
    this.ops.reserve(operatorsBefore(this.specs)[delivered] as number);
    this.ops.columns = operatorColumnsOf(this.specs);
    // Eudoxia multiplies (int(max_job_seconds * ticks_per_second)) where other durations divide by
    // the tick length; a limit that truncates to 0 ticks disables timeouts there too.
    const limit = Math.trunc(params.max_job_seconds * params.ticks_per_second);
    this.timeoutTicks = params.max_job_seconds > 0 && limit > 0 ? limit : -1;
    this.random = new SeededRandom(options.seed ?? params.random_seed, 101);
    // Eudoxia's `noisy` estimator draws from numpy's default_rng(random_seed): the same generator here.
    const estimatorSeed = params.estimator_seed ?? params.random_seed;
    this.estimator =
      params.estimator_algo === null
        ? null
        : { sigma: params.estimator_noise_sigma, rng: params.estimator_algo === 'noisy' ? new NumpyGenerator(estimatorSeed) : new SeededRandom(estimatorSeed, 202) };
    this.ctx = this.createContext();
    this.decisionContext = {
      now: 0,
      ops: this.ops,
      stamp: 0,
      pools: this.pools,
      multiOperatorContainers: params.multi_operator_containers,
      allowMemoryOvercommit: params.allow_memory_overcommit,
      findOperator: (id) => this.findOperator(id),
      findContainer: (id) => this.findContainer(id),
      reject: (e) => {
        this.invalidCount++;
        if (this.invalid.length < this.keepInvalid) this.invalid.push(e);
      },
      scratch: decisionScratch(this.pools.length),
    };
  }

  run(): SimulationOutcome {
    const started = monotonicMs();
    try {
      if (typeof this.policy.init === 'function') {
        try {
          this.policy.init(this.ctx);
        } catch (err) {
          throw new PolicyAbort({ kind: 'policy-error', tick: 0, message: `init threw: ${errorText(err)}` });
        }
      }
      for (;;) {
        let t = Math.min(this.nextArrivalTick(), this.events.peekTick(), this.wakes.peek(), this.nextTimeoutCheck());
        if (this.options.everyTick) t = this.started ? this.now + 1 : 0;
        this.started = true;
        if (!(t < this.maxTicks)) break;
        this.stats.memorySamples.takeUntil(t - 1);
        this.processTick(t);
      }
      this.stats.memorySamples.takeUntil(this.maxTicks - 1);
    } catch (err) {
      if (err instanceof PolicyAbort) {
        return { ok: false, failure: err.failure, invalid: this.invalid, logs: this.options.logs ?? [] };
      }
      throw err;
    }
    const stats = this.stats.report(this.outstanding, this.invalidCount, monotonicMs() - started);
    return { ok: true, ...stats, invalid: this.invalid, logs: this.options.logs ?? [] };
  }

  // ---------------------------------------------------------------- tick processing

  private processTick(t: number): void {
    this.now = t;
    const arrivals = this.deliver(t);
    // Timed out from the deadline tick on: the policy already sees it in this tick's step.
    const expired = this.timeoutTicks >= 0 ? this.expire(t) : null;
    let call = arrivals.length > 0 || this.options.everyTick === true;
    if (this.wakes.peek() === t) {
      this.wakes.popAll();
      call = true;
    }
    clearList(this.touched);
    if (call) {
      const decision = this.callPolicy(t, arrivals);
      if (decision.count > 0) this.applyDecision(t, decision);
    }

    // Events due now, grouped by pool; each pool then runs Eudoxia's per-pool tick.
    while (this.events.peekTick() === t) {
      const ev = this.events.pop() as Ev;
      if (ev.kind === EV_MEM && ev.epoch !== ev.pool.watchEpoch) {
        this.recycle(ev);
        continue;
      }
      this.stats.eventCount++;
      this.touch(ev.pool, t);
      (this.poolEvents[ev.pool.id] as Ev[]).push(ev);
    }
    if (this.options.everyTick) for (const pool of this.pools) this.touch(pool, t);
    const touched = this.touched;
    sortByKey(touched, poolId);
    for (const pool of touched) this.advancePool(pool, t, this.poolEvents[pool.id] as Ev[], pool.done);
    if (expired !== null && expired.length > 0) {
      const before = touched.length;
      this.killExpired(expired, t);
      if (touched.length !== before) sortByKey(touched, poolId);
    }

    // Sized up front: grown by push, a list of one or two results carried room for seventeen.
    const finished = this.doneCount(touched);
    const results: ResultView[] = finished > 0 ? new Array<ResultView>(finished) : (FROZEN_EMPTY as unknown as ResultView[]);
    let filled = 0;
    for (const pool of touched) filled = this.finishPool(pool, t, pool.done, results, filled);

    if (results.length > 0) {
      for (const p of this.pendingDone) {
        if (p.status !== PIPE_ACTIVE && p.status !== PIPE_TIMED_OUT) continue;
        p.status = PIPE_COMPLETED;
        p.finishTick = t;
        (this.stats.latenciesByPrio[p.prio] as number[]).push(t - p.arrivalTick);
      }
      this.pendingDone = [];
      this.lastResults = Object.freeze(results);
      this.wakeAtTick(t + 1);
    }
    if (this.uncounted.length > 0 && this.isTimeoutCount(t)) this.countTimeouts();
  }

  private doneCount(pools: readonly PoolRec[]): number {
    let n = 0;
    for (const pool of pools) n += pool.done.length;
    return n;
  }

  /** The pipelines arriving at tick `t`, in a list reused every tick (read before the next). */
  private deliver(t: number): PipeRec[] {
    const out = this.arrived;
    clearList(out);
    while (this.nextSpec < this.specs.length && (this.deliverTicks[this.nextSpec] as number) <= t) {
      const i = this.nextSpec++;
      const p = this.buildPipeline(i, (this.templates ??= templatesOf(this.specs))[i] as PipelineTemplate, t);
      out.push(p);
    }
    return out;
  }

  /** The record of the pipeline at trace position `i`, arriving at tick `t`. */
  private buildPipeline(i: number, template: PipelineTemplate, t: number): PipeRec {
    const p: PipeRec = {
      seq: this.stats.created,
      id: this.ids[i] as string,
      // The shared constant rather than the parsed trace's copy of the name: policies compare
      // priorities constantly, and a copy compares character by character.
      priority: this.priorityNames[i] as Priority,
      prio: this.prios[i] as number,
      arrivalTick: t,
      template,
      firstOp: 0,
      size: template.specs.length,
      opsByName: null,
      completedOps: 0,
      failedOps: 0,
      status: PIPE_ACTIVE,
      allDone: false,
      finishTick: -1,
      firstAssignTick: -1,
      view: null,
    };
    p.firstOp = this.ops.add(p, p.size);
    if (this.estimator) {
      const { sigma, rng } = this.estimator;
      for (let g = p.firstOp; g < p.firstOp + p.size; g++) {
        const op = this.ops.spec(g);
        const peak = op.memoryGb ?? op.storageReadGb;
        this.ops.estimate[g] = sigma > 0 ? peak * rng.lognormal(0, sigma) : peak;
      }
    }
    this.pipesById?.set(p.id, p);
    this.outstanding.push(p);
    this.stats.created++;
    this.stats.arrivalsByPrio[p.prio] = (this.stats.arrivalsByPrio[p.prio] as number) + 1;
    return p;
  }

  private callPolicy(t: number, arrivals: PipeRec[]): ValidDecision {
    this.stats.policyCalls++;
    const results = this.lastResults;
    this.lastResults = FROZEN_EMPTY;
    if (this.suspendedSinceCall.length) {
      this.suspendedView = Object.freeze(this.suspendedSinceCall.map((c) => containerView(c, this)));
      this.suspendedSinceCall = [];
    } else {
      this.suspendedView = FROZEN_EMPTY;
    }
    let arrivalViews: readonly PipelineView[] = FROZEN_EMPTY;
    if (arrivals.length > 0) {
      // A loop rather than map(): the callback showed in the garbage of arrival-heavy runs.
      const views = new Array<PipelineView>(arrivals.length);
      for (let i = 0; i < arrivals.length; i++) views[i] = pipelineView(arrivals[i] as PipeRec, this);
      arrivalViews = Object.freeze(views);
    }
    let raw: unknown;
    try {
      raw = this.policy.step(this.ctx, results, arrivalViews);
    } catch (err) {
      throw new PolicyAbort({ kind: 'policy-error', tick: t, message: `step threw at tick ${t}: ${errorText(err)}` });
    }
    try {
      this.decisionContext.now = t;
      return validateDecision(raw, this.decisionContext);
    } catch (err) {
      if (err instanceof MalformedDecision) throw new PolicyAbort({ kind: 'malformed-decision', tick: t, message: `at tick ${t}: ${err.message}` });
      throw new PolicyAbort({ kind: 'policy-error', tick: t, message: `reading the decision at tick ${t} threw: ${errorText(err)}` });
    }
  }

  private suspendedView: readonly ContainerView[] = FROZEN_EMPTY;
  private readonly arrived: PipeRec[] = [];
  private started = false;
  /** Whether an operator boundary alone brings a policy call (policies can turn it off). */
  private boundaryCalls = true;

  /** Marks a pool as having work this tick (once), clearing its per-tick scratch lists. */
  private touch(pool: PoolRec, t: number): void {
    if (pool.tickMark === t) return;
    pool.tickMark = t;
    clearList(this.poolEvents[pool.id] as Ev[]);
    clearList(pool.done);
    this.touched.push(pool);
  }

  private applyDecision(t: number, d: ValidDecision): void {
    for (const pool of this.pools) {
      const sus = d.suspensions[pool.id] ?? [];
      const asg = d.assignments[pool.id] ?? [];
      if (sus.length === 0 && asg.length === 0) continue;
      this.touch(pool, t);
      for (const s of sus) this.suspend(s.container, t);
      for (const a of asg) this.createContainer(a, t);
    }
  }

  private suspend(c: ContRec, t: number): void {
    const pool = c.pool;
    c.status = C_SUSPENDING;
    c.epoch++;
    // Every operator not yet done goes (an operator that took no time is still unfinished).
    for (let k = 0; k < c.size; k++) {
      const g = opAt(c, k);
      if (this.ops.state[g] === OP_ASSIGNED) this.ops.state[g] = OP_SUSPENDING;
    }
    // The RAM it used stays in the pool's consumption count until the pool next reconciles.
    pool.staleRam += memoryAt(this.ops, c, t - 1, this.tick);
    pool.activeAlloc -= c.ram;
    pool.suspending.push(c);
    if (!this.corrected) pool.parked.push({ c, tick: t });
    pool.version++;
    pool.suspendVersion++;
    this.stats.suspensions++;
    const n = suspendTicksOf(c.ram, this.tick);
    // Eudoxia counts the write down from the tick it starts and checks for zero after each step,
    // so a write that truncates to 0 ticks never finishes: the container keeps its CPU and RAM and
    // its operators stay SUSPENDING. Corrected physics ends such a write in the tick it starts.
    if (n === 0 && !this.corrected) return;
    this.pushEvent(t + Math.max(n, 1) - 1, EV_SUSPEND_DONE, c, pool);
  }

  private createContainer(a: ValidAssignment, t: number): void {
    const pool = a.pool;
    const seq = ++this.containerCount;
    const n = a.size;
    // Room for every operator (the container may run out of RAM before the last).
    const entryAt = this.timelines.take(n);
    const c: ContRec = {
      seq,
      pool,
      size: n,
      cpu: a.cpu,
      ram: a.ram,
      priority: a.priority,
      createdTick: t,
      timelines: this.timelines,
      entryAt,
      timed: n,
      oomTick: -1,
      oomOp: -1,
      curOp: 0,
      status: C_ACTIVE,
      epoch: 0,
      canSuspendAt: -1,
      doneTick: -1,
      error: null,
      releasedTick: -1,
      view: null,
    };
    this.live.push(c);
    const ops = this.ops;
    const chosen = this.decisionContext.scratch.ops;
    const entries = this.timelines.ops;
    for (let k = 0; k < n; k++) {
      const g = chosen[a.opsAt + k] as number;
      entries[entryAt + k] = g;
      const p = ops.pipeOf(g);
      if (ops.state[g] === OP_FAILED) p.failedOps--;
      ops.state[g] = OP_ASSIGNED;
      ops.container[g] = seq;
      ops.start[g] = -1;
      ops.attempts[g] = (ops.attempts[g] as number) + 1;
      if (p.firstAssignTick < 0) p.firstAssignTick = t;
    }
    this.computeTimeline(c, t);
    c.curOp = skipInstant(c, 0);
    ops.start[opAt(c, c.curOp)] = t;
    pool.availCpu -= a.cpu;
    pool.availRam -= a.ram;
    pool.activeAlloc += a.ram;
    pool.active.push(c);
    pool.version++;
    this.stats.assignments++;
    this.scheduleNext(c);
  }

  /** Lays out when each operator starts and ends and whether (and when) the container runs out of RAM. */
  private computeTimeline(c: ContRec, t0: number): void {
    const tick = this.tick;
    const timeline = c.timelines.data;
    const at = 3 * c.entryAt;
    let t = t0;
    const cols = this.ops.columns;
    for (let k = 0; k < c.size; k++) {
      const g = opAt(c, k);
      const readGb = cols.storageReadGb[g] as number;
      const io = ioTicksOf(readGb, tick);
      // Eudoxia cannot run an operator that takes no time at all; we give it one tick.
      let d = io + cpuTicksOf(cols.scaling[g] as ScalingName, c.cpu, cols.baselineCpuSeconds[g] as number, tick);
      // Eudoxia runs an operator of 0 ticks in no time and never completes it (it stays RUNNING, so
      // its pipeline never finishes); as the container's last operator it would stop Eudoxia
      // itself, so there (and under corrected physics) it takes one tick.
      if (d === 0 && (this.corrected || k === c.size - 1)) d = 1;
      timeline[at + 3 * k] = t;
      timeline[at + 3 * k + 1] = io;
      if (d === 0) {
        timeline[at + 3 * k + 2] = t - 1;
        continue;
      }
      let over = -1;
      if (cols.fixedMemory[g] === 1) {
        if ((cols.memoryGb[g] as number) > c.ram) over = 0;
      } else {
        over = firstIoTickOver(c.ram, Math.min(io, d), tick);
        if (over < 0 && io < d && readGb > c.ram) over = io;
      }
      if (over >= 0) {
        c.oomTick = t + over;
        c.oomOp = k;
        timeline[at + 3 * k + 2] = c.oomTick;
        c.timed = k + 1;
        return;
      }
      timeline[at + 3 * k + 2] = t + d - 1;
      t += d;
    }
  }

  private scheduleNext(c: ContRec): void {
    const k = c.curOp;
    if (k === c.oomOp) this.pushEvent(c.oomTick, EV_OOM, c, c.pool);
    else if (k === c.size - 1) this.pushEvent(opEnd(c, k), EV_END, c, c.pool);
    else this.pushEvent(opEnd(c, k), EV_OP_END, c, c.pool);
  }

  private pushEvent(tick: number, kind: number, cont: ContRec | null, pool: PoolRec): void {
    if (tick >= this.maxTicks) return;
    // Event records are recycled: a simulation creates hundreds of thousands, and the garbage
    // collector was a quarter of the run time.
    const ev = this.freeEvents.pop();
    const epoch = cont ? cont.epoch : pool.watchEpoch;
    if (ev) {
      ev.tick = tick;
      ev.order = this.eventOrder++;
      ev.kind = kind;
      ev.cont = cont;
      ev.pool = pool;
      ev.epoch = epoch;
      this.events.push(ev);
    } else this.events.push({ tick, order: this.eventOrder++, kind, cont, pool, epoch });
  }

  private recycle(ev: Ev): void {
    ev.cont = null;
    this.freeEvents.push(ev);
  }

  private advancePool(pool: PoolRec, t: number, evs: Ev[], done: ContRec[]): void {
    // Suspensions progress before containers do; each group keeps Eudoxia's list order.
    const suspendDone = this.scratchSuspend;
    const contEvents = this.scratchCont;
    clearList(suspendDone);
    clearList(contEvents);
    for (const ev of evs) {
      if (ev.kind === EV_SUSPEND_DONE) suspendDone.push(ev);
      else if (ev.kind !== EV_MEM && ev.cont && ev.epoch === ev.cont.epoch && ev.cont.status === C_ACTIVE) contEvents.push(ev);
    }
    sortByKey(suspendDone, eventOrder);
    for (const ev of suspendDone) this.finishSuspension(ev.cont as ContRec, t);
    sortByKey(contEvents, eventContainerSeq);
    for (const ev of contEvents) {
      const c = ev.cont as ContRec;
      if (ev.kind === EV_OP_END) {
        this.completeOp(opAt(c, c.curOp));
        c.curOp = skipInstant(c, c.curOp + 1);
        this.ops.start[opAt(c, c.curOp)] = t + 1;
        c.canSuspendAt = t + 1;
        if (this.boundaryCalls) this.wakeAtTick(t + 1);
        this.scheduleNext(c);
      } else if (ev.kind === EV_END) {
        this.completeOp(opAt(c, c.curOp));
        c.curOp++;
        this.markDone(c, t, null, done);
      } else {
        this.kill(c, t, 'OOM', done);
      }
    }
    for (const ev of evs) this.recycle(ev);
    clearList(evs);
    if (pool.activeAlloc + pool.staleRam > pool.maxRam - this.memorySlack(pool)) this.runPoolMemoryKiller(pool, t, done);
  }

  /**
   * How far below capacity Eudoxia's drifting memory sum may already read above it. Under exact
   * parity the killer looks at the float sum whenever the exact total is within this of capacity.
   */
  private memorySlack(pool: PoolRec): number {
    return this.corrected ? 0 : 1e-9 * Math.max(1, pool.maxRam);
  }

  private finishSuspension(c: ContRec, t: number): void {
    const pool = c.pool;
    c.status = C_SUSPENDED;
    c.releasedTick = t;
    const ops = this.ops;
    for (let k = 0; k < c.size; k++) {
      const g = opAt(c, k);
      if (ops.state[g] === OP_SUSPENDING) {
        ops.state[g] = OP_PENDING;
        ops.start[g] = -1;
      }
    }
    pool.availCpu += c.cpu;
    pool.availRam += c.ram;
    this.live[c.seq] = undefined;
    const i = pool.suspending.indexOf(c);
    if (i >= 0) pool.suspending.splice(i, 1);
    pool.version++;
    pool.suspendVersion++;
    this.stats.account(c);
    this.suspendedSinceCall.push(c);
    this.wakeAtTick(t + 1);
  }

  private completeOp(g: number): void {
    this.ops.state[g] = OP_COMPLETED;
    const p = this.ops.pipeOf(g);
    p.completedOps++;
    if (p.completedOps === p.size && (p.status === PIPE_ACTIVE || p.status === PIPE_TIMED_OUT)) {
      p.allDone = true;
      this.pendingDone.push(p);
    }
  }

  private kill(c: ContRec, t: number, error: string, done: ContRec[]): void {
    const ops = this.ops;
    const code = errorCode(error);
    for (let k = 0; k < c.size; k++) {
      const g = opAt(c, k);
      if (ops.state[g] !== OP_ASSIGNED) continue;
      ops.state[g] = OP_FAILED;
      ops.start[g] = -1;
      ops.pipeOf(g).failedOps++;
      ops.error[g] = code;
    }
    c.epoch++;
    this.markDone(c, t, error, done);
  }

  private markDone(c: ContRec, t: number, error: string | null, done: ContRec[]): void {
    c.status = C_DONE;
    c.doneTick = t;
    c.releasedTick = t;
    c.error = error;
    done.push(c);
  }

  /**
   * Eudoxia's pool-level killer: when the RAM in use (plus RAM of containers suspended since the
   * last reconciliation) exceeds the pool, kill containers by descending use * (use / allocation).
   */
  private runPoolMemoryKiller(pool: PoolRec, t: number, done: ContRec[]): void {
    let consumed = this.consumedAt(pool, t);
    if (!this.corrected) {
      if (!(consumed > pool.maxRam - this.memorySlack(pool))) return;
      // Eudoxia's drifting running sum decides, and each kill subtracts from it.
      consumed = ledgerAt(pool, this.ops, t, this.tick);
    }
    if (!(consumed > pool.maxRam)) {
      if (!this.corrected) settleLedger(pool, t, consumed);
      return;
    }
    const scored: { c: ContRec; mem: number; score: number }[] = [];
    for (const c of pool.active) {
      if (c.status !== C_ACTIVE) continue;
      const mem = memoryAt(this.ops, c, t, this.tick);
      if (mem <= 0) continue;
      scored.push({ c, mem, score: mem * (mem / c.ram) });
    }
    scored.sort((a, b) => b.score - a.score);
    for (const { c, mem } of scored) {
      if (consumed <= pool.maxRam) break;
      this.kill(c, t, 'OOM', done);
      consumed += 0 - mem;
    }
    if (!this.corrected) settleLedger(pool, t, consumed);
  }

  private consumedAt(pool: PoolRec, t: number): number {
    let total = pool.staleRam;
    for (const c of pool.active) if (c.status === C_ACTIVE) total += memoryAt(this.ops, c, t, this.tick);
    return total;
  }

  /** Releases the pool's finished containers, writing their results from `results[filled]` on; returns the next free index. */
  private finishPool(pool: PoolRec, t: number, done: ContRec[], results: ResultView[], filled: number): number {
    sortByKey(done, containerSeq);
    for (const c of done) {
      this.live[c.seq] = undefined;
      pool.availCpu += c.cpu;
      pool.availRam += c.ram;
      pool.activeAlloc -= c.ram;
      results[filled++] = resultView(c, this);
      this.stats.tickTimes.push(t - c.createdTick + 1);
      if (c.error === null) this.stats.containersCompleted++;
      else {
        this.stats.failures++;
        this.stats.errorCounts[c.error] = (this.stats.errorCounts[c.error] ?? 0) + 1;
      }
      this.stats.account(c);
    }
    if (done.length > 0) {
      compactActive(pool);
      pool.staleRam = 0;
      if (!this.corrected) reconcileLedger(pool, t, this.ops, this.tick);
      pool.version++;
    } else compactActive(pool);
    this.scheduleMemoryWatch(pool, t + 1);
    return filled;
  }

  /**
   * Finds the next tick at which the pool's memory killer could fire. Between phase changes of its
   * containers every container's memory is non-decreasing, so the total is too and a binary search
   * finds the first tick above capacity; otherwise the watch re-arms at the next phase change.
   */
  private scheduleMemoryWatch(pool: PoolRec, from: number): void {
    pool.watchEpoch++;
    const limit = pool.maxRam - this.memorySlack(pool);
    if (!(pool.activeAlloc + pool.staleRam > limit)) return;
    let windowEnd = this.maxTicks;
    for (const c of pool.active) {
      if (c.status !== C_ACTIVE) continue;
      windowEnd = Math.min(windowEnd, this.nextMemoryBreak(c, from));
    }
    if (windowEnd <= from) windowEnd = from + 1;
    const last = Math.min(windowEnd, this.maxTicks) - 1;
    if (last >= from && this.consumedAt(pool, last) > limit) {
      // Eudoxia's sum was checked at the tick before and stays put until a memory changes.
      if (!this.corrected && pool.ledgerTick === from - 1 && pool.ledger <= pool.maxRam && !this.anyGrowing(pool, from)) {
        this.pushEvent(windowEnd, EV_MEM, null, pool);
        return;
      }
      let lo = from;
      let hi = last;
      while (lo < hi) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (this.consumedAt(pool, mid) > limit) hi = mid;
        else lo = mid + 1;
      }
      this.pushEvent(lo, EV_MEM, null, pool);
    } else {
      this.pushEvent(windowEnd, EV_MEM, null, pool);
    }
  }

  /** Whether some container's memory grows with its reads at tick `t` (it changes every tick). */
  private anyGrowing(pool: PoolRec, t: number): boolean {
    for (const c of pool.active) {
      if (c.status !== C_ACTIVE) continue;
      const last = timedOps(c) - 1;
      let k = Math.min(c.curOp, last);
      while (k > 0 && opStart(c, k) > t) k--;
      while (k < last && opEnd(c, k) < t) k++;
      if (this.ops.columns.fixedMemory[opAt(c, k)] === 0 && t - opStart(c, k) < opIo(c, k)) return true;
    }
    return false;
  }

  private nextMemoryBreak(c: ContRec, from: number): number {
    const last = timedOps(c) - 1;
    let k = Math.min(c.curOp, last);
    while (k > 0 && opStart(c, k) > from) k--;
    while (k < last && opEnd(c, k) < from) k++;
    const finalOp = k === last;
    let next = finalOp ? opEnd(c, k) : opEnd(c, k) + 1;
    const phase = opStart(c, k) + opIo(c, k);
    if (phase > from && phase < next) next = phase;
    return Math.max(next, from + 1);
  }

  // ---------------------------------------------------------------- timeouts

  /** Eudoxia counts timed-out pipelines on every whole simulated second and on the last tick. */
  private isTimeoutCount(t: number): boolean {
    return t % this.tps === 0 || t === this.maxTicks - 1;
  }

  /** The next tick with a deadline or a count of timed-out pipelines. */
  private nextTimeoutCheck(): number {
    if (this.timeoutTicks < 0) return Infinity;
    let next = Infinity;
    if (this.uncounted.length > 0) next = Math.min(Math.ceil((this.now + 1) / this.tps) * this.tps, Math.max(this.maxTicks - 1, this.now + 1));
    const oldest = this.oldestOutstanding();
    if (oldest) next = Math.min(next, Math.max(oldest.arrivalTick + this.timeoutTicks, this.now + 1));
    return next;
  }

  private oldestOutstanding(): PipeRec | undefined {
    while (this.outstandingHead < this.outstanding.length) {
      const p = this.outstanding[this.outstandingHead] as PipeRec;
      if (p.status === PIPE_ACTIVE && !p.allDone) return p;
      this.outstandingHead++;
    }
    return undefined;
  }

  /**
   * Marks the pipelines whose deadline is `t` or earlier as timed out (`now - arrival >=
   * max_job_ticks`, Eudoxia's test), before the policy step of tick `t`.
   */
  private expire(t: number): PipeRec[] {
    const out: PipeRec[] = [];
    for (let p = this.oldestOutstanding(); p !== undefined && t - p.arrivalTick >= this.timeoutTicks; p = this.oldestOutstanding()) {
      p.status = PIPE_TIMED_OUT;
      this.uncounted.push(p);
      out.push(p);
    }
    return out;
  }

  /** The pool's timeout killer, after its memory killer: ends containers of pipelines that expired now. */
  private killExpired(expired: readonly PipeRec[], t: number): void {
    for (const p of expired) {
      // A pipeline whose last operator finished in this very tick is successful, not timed out.
      if (p.allDone) continue;
      for (let g = p.firstOp; g < p.firstOp + p.size; g++) {
        const seq = this.ops.container[g] as number;
        const c = seq > 0 ? this.live[seq] : undefined;
        if (this.ops.state[g] !== OP_ASSIGNED || !c || c.status !== C_ACTIVE) continue;
        this.touch(c.pool, t);
        this.kill(c, t, 'timeout', c.pool.done);
      }
    }
  }

  private countTimeouts(): void {
    for (const p of this.uncounted) {
      if (p.status !== PIPE_TIMED_OUT) continue;
      p.status = PIPE_TIMEOUT_COUNTED;
      this.stats.timeoutsByPrio[p.prio] = (this.stats.timeoutsByPrio[p.prio] as number) + 1;
    }
    this.uncounted = [];
  }

  // ---------------------------------------------------------------- helpers

  private nextArrivalTick(): number {
    return this.nextSpec < this.specs.length ? (this.deliverTicks[this.nextSpec] as number) : Infinity;
  }

  private wakeAtTick(t: number): void {
    if (t < this.maxTicks) this.wakes.push(t);
  }

  poolConsumedRam(pool: PoolRec): number {
    const t = this.now - 1;
    let total = pool.staleRam;
    for (const c of pool.active) if (c.status === C_ACTIVE && c.createdTick <= t) total += memoryAt(this.ops, c, t, this.tick);
    return total;
  }

  private pipelineById(id: string): PipeRec | undefined {
    if (this.traceIndex === null) return this.pipesById?.get(id);
    const i = this.traceIndex.get(id);
    return i === undefined ? undefined : this.outstanding[i];
  }

  private findOperator(id: string): number | undefined {
    const slash = id.indexOf('/');
    if (slash < 0) return undefined;
    const p = this.pipelineById(id.slice(0, slash));
    return p ? operatorByName(this.ops, p, id.slice(slash + 1)) : undefined;
  }

  private findContainer(id: string): ContRec | undefined {
    if (!/^c[1-9][0-9]*$/.test(id)) return undefined;
    const seq = Number(id.slice(1));
    return seq <= this.containerCount ? this.live[seq] : undefined;
  }

  private createContext(): PolicyContext {
    const sim = this;
    const p = this.params;
    const simParams: SimulationParams = Object.freeze({
      ticksPerSecond: p.ticks_per_second,
      durationSeconds: p.duration,
      totalTicks: this.maxTicks,
      numPools: p.num_pools,
      cpusPerPool: p.cpus_per_pool,
      ramGbPerPool: p.ram_gb_per_pool,
      multiOperatorContainers: p.multi_operator_containers,
      allowMemoryOvercommit: p.allow_memory_overcommit,
      maxJobSeconds: p.max_job_seconds,
    });
    const poolViews: readonly PoolView[] = Object.freeze(this.pools.map((pool) => poolView(pool, this)));
    const state: Record<string, unknown> = {};
    let pendingWakes = 0;
    return Object.freeze({
      get now(): number {
        return sim.now;
      },
      params: simParams,
      pools: poolViews,
      get suspended(): readonly ContainerView[] {
        return sim.suspendedView;
      },
      state,
      activePipelines(): PipelineView[] {
        const out: PipelineView[] = [];
        for (let i = sim.outstandingHead; i < sim.outstanding.length; i++) {
          const pipe = sim.outstanding[i] as PipeRec;
          if (pipe.status === PIPE_ACTIVE && !pipe.allDone) out.push(pipelineView(pipe, sim));
        }
        return out;
      },
      pipeline(id: string): PipelineView | undefined {
        const pipe = typeof id === 'string' ? sim.pipelineById(id) : undefined;
        return pipe ? pipelineView(pipe, sim) : undefined;
      },
      operator(id: string): OperatorView | undefined {
        const g = typeof id === 'string' ? sim.findOperator(id) : undefined;
        return g === undefined ? undefined : opView(g, sim);
      },
      container(id: string): ContainerView | undefined {
        const c = typeof id === 'string' ? sim.findContainer(id) : undefined;
        return c ? containerView(c, sim) : undefined;
      },
      setBoundaryCalls(enabled: boolean): void {
        sim.boundaryCalls = enabled !== false;
      },
      wakeAt(tick: number): void {
        if (typeof tick !== 'number' || Number.isNaN(tick)) throw new TypeError(`wakeAt needs a tick number, got ${String(tick)}`);
        const t = Math.max(Math.ceil(tick), sim.now + 1);
        if (t >= sim.maxTicks) return;
        if (++pendingWakes > MAX_PENDING_WAKES) throw new RangeError(`more than ${MAX_PENDING_WAKES} wakeAt requests`);
        sim.wakes.push(t);
      },
      random(): number {
        return sim.random.next();
      },
    });
  }
}

/**
 * Drops containers that are no longer active, in place (views compare versions, not arrays).
 * Popping the tail keeps the list's storage, where setting its length can reallocate it.
 */
function compactActive(pool: PoolRec): void {
  const a = pool.active;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const c = a[i] as ContRec;
    if (c.status === C_ACTIVE) a[j++] = c;
  }
  while (a.length > j) a.pop();
}

/** The first operator from `k` on that takes time (Eudoxia passes 0-tick operators instantly). */
function skipInstant(c: ContRec, k: number): number {
  const last = timedOps(c) - 1;
  while (k < last && opEnd(c, k) < opStart(c, k)) k++;
  return k;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return `thrown value ${JSON.stringify(err)}`;
  } catch {
    return 'a thrown value that is not an Error';
  }
}

