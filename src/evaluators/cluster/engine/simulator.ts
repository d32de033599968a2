// The event-driven cluster simulator. Time jumps from event to event (arrivals, completions,
// queue timeouts, wake-ups the policy asked for); after each batch of events at one instant the
// policy is asked for a decision, which is checked part by part and applied. Node power, cost and
// allocation are integrated between changes, so results are exact for the model, not sampled.
import { deriveSeed, Rng } from '../../../core/rng';
import { DEFAULT_WEIGHTS, combineReward, type Goodness } from '../objectives';
import type { ClusterView, Decision, DecisionError, NodeView, ObjectiveWeights, PlacedTaskView, TaskView, TenantView } from '../policy-api';
import type { NodeSpec, Scenario, TaskSpec } from '../model/scenario';
import { DecisionLog, parseDecision } from './decisions';
import { EventHeap } from './heap';
import { computeMetrics, fitsNode, type ClusterMetrics, type NodeUsage, type TaskRecord } from './metrics';

export interface PolicyModule {
  init?(view: ClusterView): void;
  decide(view: ClusterView): Decision | undefined | null | void;
}

export interface SimulationOptions {
  weights?: ObjectiveWeights;
  /** Rejected decisions kept verbatim (all are counted). */
  keepInvalid?: number;
  /** Seed of `view.random()`, mixed with the scenario id. */
  seed?: number;
  /** Clock for measuring time spent in the policy (the sandbox harness passes performance.now). */
  clock?: () => number;
  /** Reward lost per rejected decision part, up to `maxInvalidPenalty`. */
  invalidPenalty?: number;
  maxInvalidPenalty?: number;
  /** Keep the reasons the policy gives for its placements (off for scoring: reports stay small). */
  explain?: boolean;
}

export interface SimulationFailure {
  kind: 'policy-error' | 'call-limit';
  time: number;
  message: string;
}

export interface SimulationReport {
  metrics: ClusterMetrics;
  goodness: Goodness;
  /** Weighted reward after the penalty for rejected decisions, in [0, 1]. */
  reward: number;
  invalidCount: number;
  invalidByRule: Partial<Record<string, number>>;
  invalid: DecisionError[];
  calls: number;
  /** Wall time spent inside the policy, when a clock was given. */
  decisionMs: number | null;
  /** Per task: node it finished on (or null), for fingerprints and plans. */
  placements: (string | null)[];
  /** With `explain`: the policy's reason for each task's last placement, in task order. */
  reasons?: PlacementReason[];
}

export interface PlacementReason {
  task: string;
  node: string;
  time: number;
  reason: string;
}

export type SimulationOutcome = ({ ok: true } & SimulationReport) | { ok: false; failure: SimulationFailure; invalid: DecisionError[]; calls: number };

type Status = 'pending' | 'waiting' | 'running' | 'completed' | 'failed';

interface TaskState {
  spec: TaskSpec;
  index: number;
  status: Status;
  node: NodeState | null;
  start: number | null;
  end: number;
  /** Bumped on every enqueue and start, so stale heap events are recognised. */
  token: number;
  restarts: number;
  view: TaskView | null;
  placed: PlacedTaskView | null;
  failReason?: TaskRecord['failReason'];
}

interface NodeState {
  spec: NodeSpec;
  index: number;
  freeCpu: number;
  freeMemory: number;
  running: Set<TaskState>;
  lastChange: number;
  usage: NodeUsage;
  dirty: boolean;
  view: NodeView | null;
}

interface TenantState {
  tenant: string;
  waiting: number;
  running: number;
  completed: number;
  cpuSecondsServed: number;
}

const EPS = 1e-9;

export function simulate(scenario: Scenario, policy: PolicyModule, options: SimulationOptions = {}): SimulationOutcome {
  return new Simulation(scenario, policy, options).run();
}

class Simulation {
  private readonly tasks: TaskState[];
  private readonly nodes: NodeState[];
  private readonly nodeById = new Map<string, NodeState>();
  private readonly taskById = new Map<string, TaskState>();
  private readonly tenants = new Map<string, TenantState>();
  private readonly completions = new EventHeap<{ task: TaskState; token: number }>();
  private readonly timeouts = new EventHeap<{ task: TaskState; token: number }>();
  private readonly wakes = new EventHeap<null>();
  private queue: TaskState[] = [];
  private nextArrival = 0;
  private now = 0;
  private calls = 0;
  private arrived = 0;
  private completed = 0;
  private failed = 0;
  private preemptions = 0;
  private decisionMs = 0;
  private readonly log: DecisionLog;
  private readonly state: Record<string, unknown> = {};
  private readonly rng: Rng;
  private readonly weights: ObjectiveWeights;
  private readonly maxCalls: number;
  /** Each task's last placement reason, by task index, when explaining. */
  private readonly reasons: Map<number, PlacementReason> | null;

  constructor(
    private readonly scenario: Scenario,
    private readonly policy: PolicyModule,
    private readonly options: SimulationOptions,
  ) {
    this.weights = options.weights ?? DEFAULT_WEIGHTS;
    this.log = new DecisionLog(options.keepInvalid ?? 20);
    this.reasons = options.explain ? new Map() : null;
    this.rng = new Rng(deriveSeed(options.seed ?? 0, scenario.id));
    this.nodes = scenario.nodes.map((spec, index) => {
      const node: NodeState = {
        spec,
        index,
        freeCpu: spec.cpu,
        freeMemory: spec.memory,
        running: new Set(),
        lastChange: 0,
        usage: { spec, activeSeconds: 0, energyJoules: 0, cpuSeconds: 0, memorySeconds: 0 },
        dirty: true,
        view: null,
      };
      this.nodeById.set(spec.id, node);
      return node;
    });
    this.tasks = scenario.tasks.map((spec, index) => {
      const t: TaskState = { spec, index, status: 'pending', node: null, start: null, end: 0, token: 0, restarts: 0, view: null, placed: null };
      this.taskById.set(spec.id, t);
      if (!this.tenants.has(spec.tenant)) this.tenants.set(spec.tenant, { tenant: spec.tenant, waiting: 0, running: 0, completed: 0, cpuSecondsServed: 0 });
      return t;
    });
    // Generous: a policy needs a call per event plus a few wake-ups per task.
    this.maxCalls = 20 * this.tasks.length + 10_000;
  }

  run(): SimulationOutcome {
    const horizon = this.scenario.constraints.horizonSeconds;
    if (this.policy.init) {
      const failure = this.invoke(() => this.policy.init?.(this.view()));
      if (failure) return failure;
    }
    for (;;) {
      const next = this.nextEventTime();
      if (next === undefined || next > horizon) break;
      this.now = next;
      let changed = this.processCompletions();
      changed = this.processArrivals() || changed;
      changed = this.processTimeouts() || changed;
      let woke = false;
      while (this.wakes.size && (this.wakes.peekTime() as number) <= this.now) {
        this.wakes.pop();
        woke = true;
      }
      if (changed || woke) {
        if (++this.calls > this.maxCalls) {
          return { ok: false, failure: { kind: 'call-limit', time: this.now, message: `the policy was called more than ${this.maxCalls} times; it probably asks for wake-ups without placing anything` }, invalid: this.log.kept, calls: this.calls };
        }
        let raw: unknown;
        const failure = this.invoke(() => (raw = this.policy.decide(this.view())));
        if (failure) return failure;
        this.apply(raw);
      }
      this.failStranded();
    }
    this.finishAtHorizon(horizon);
    return this.report();
  }

  private invoke(fn: () => unknown): SimulationOutcome | undefined {
    const clock = this.options.clock;
    const started = clock ? clock() : 0;
    try {
      fn();
    } catch (err) {
      const e = err as { message?: unknown; stack?: unknown };
      const message = typeof e?.message === 'string' ? e.message : String(err);
      return { ok: false, failure: { kind: 'policy-error', time: this.now, message: `the policy threw at t=${round(this.now)}: ${message}` }, invalid: this.log.kept, calls: this.calls };
    } finally {
      if (clock) this.decisionMs += clock() - started;
    }
    return undefined;
  }

  private nextEventTime(): number | undefined {
    let t = Infinity;
    const arrival = this.tasks[this.nextArrival];
    if (arrival) t = arrival.spec.arrival;
    for (const h of [this.completions, this.timeouts, this.wakes] as EventHeap<unknown>[]) {
      const ht = h.peekTime();
      if (ht !== undefined && ht < t) t = ht;
    }
    return Number.isFinite(t) ? t : undefined;
  }

  private processCompletions(): boolean {
    let changed = false;
    while (this.completions.size && (this.completions.peekTime() as number) <= this.now) {
      const { value } = this.completions.pop() as { value: { task: TaskState; token: number } };
      const t = value.task;
      if (t.status !== 'running' || t.token !== value.token) continue;
      const node = t.node as NodeState;
      this.release(t, node);
      t.status = 'completed';
      t.end = this.now;
      this.completed++;
      const tenant = this.tenants.get(t.spec.tenant) as TenantState;
      tenant.running--;
      tenant.completed++;
      tenant.cpuSecondsServed += t.spec.cpu * t.spec.duration;
      changed = true;
    }
    return changed;
  }

  private processArrivals(): boolean {
    let changed = false;
    for (;;) {
      const t = this.tasks[this.nextArrival];
      if (!t || t.spec.arrival > this.now) break;
      this.nextArrival++;
      this.arrived++;
      this.enqueue(t);
      changed = true;
    }
    return changed;
  }

  private processTimeouts(): boolean {
    let changed = false;
    while (this.timeouts.size && (this.timeouts.peekTime() as number) <= this.now) {
      const { value } = this.timeouts.pop() as { value: { task: TaskState; token: number } };
      const t = value.task;
      if (t.status !== 'waiting' || t.token !== value.token) continue;
      this.fail(t, 'max-wait');
      changed = true;
    }
    if (changed) this.queue = this.queue.filter((t) => t.status === 'waiting');
    return changed;
  }

  private enqueue(t: TaskState): void {
    t.status = 'waiting';
    t.node = null;
    t.placed = null;
    t.token++;
    (this.tenants.get(t.spec.tenant) as TenantState).waiting++;
    // Keep arrival order; a preempted task goes back to its arrival position.
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1] as TaskState).index > t.index) i--;
    this.queue.splice(i, 0, t);
    const maxWait = this.scenario.constraints.maxWaitSeconds;
    if (maxWait !== null) this.timeouts.push(this.now + maxWait, { task: t, token: t.token });
  }

  private fail(t: TaskState, reason: NonNullable<TaskRecord['failReason']>): void {
    const tenant = this.tenants.get(t.spec.tenant) as TenantState;
    if (t.status === 'waiting') tenant.waiting--;
    if (t.status === 'running') tenant.running--;
    t.status = 'failed';
    t.failReason = reason;
    t.end = this.now;
    this.failed++;
  }

  /** Integrates a node's power, cost and allocation up to now, before its allocation changes. */
  private account(node: NodeState, until: number): void {
    const dt = until - node.lastChange;
    if (dt > 0 && node.running.size > 0) {
      const s = node.spec;
      const allocCpu = s.cpu - node.freeCpu;
      const allocMem = s.memory - node.freeMemory;
      node.usage.activeSeconds += dt;
      node.usage.energyJoules += dt * (s.idleWatts + (s.peakWatts - s.idleWatts) * Math.min(1, allocCpu / s.cpu));
      node.usage.cpuSeconds += dt * allocCpu;
      node.usage.memorySeconds += dt * allocMem;
    }
    node.lastChange = until;
  }

  private release(t: TaskState, node: NodeState): void {
    this.account(node, this.now);
    node.running.delete(t);
    node.freeCpu = Math.min(node.spec.cpu, node.freeCpu + t.spec.cpu);
    node.freeMemory = Math.min(node.spec.memory, node.freeMemory + t.spec.memory);
    node.dirty = true;
  }

  private apply(raw: unknown): void {
    const time = this.now;
    const d = parseDecision(raw, time, this.log);
    for (const { taskId } of d.preempt) {
      const t = this.taskById.get(taskId);
      if (!this.scenario.constraints.preemption) {
        this.log.add({ rule: 'preemption-disabled', time, taskId, message: `cannot preempt ${taskId}: this scenario does not allow preemption (constraints.preemption is false)` });
        continue;
      }
      if (!t || t.status === 'pending') {
        this.log.add({ rule: 'unknown-task', time, taskId, message: `cannot preempt ${taskId}: no arrived task has this id` });
        continue;
      }
      if (t.status !== 'running') {
        this.log.add({ rule: 'task-not-running', time, taskId, message: `cannot preempt ${taskId}: it is ${t.status}, not running` });
        continue;
      }
      const node = t.node as NodeState;
      this.release(t, node);
      (this.tenants.get(t.spec.tenant) as TenantState).running--;
      t.restarts++;
      t.view = null;
      this.preemptions++;
      this.enqueue(t);
    }
    const placedNow = new Set<string>();
    let placedAny = false;
    for (const { taskId, nodeId, reason } of d.place) {
      const t = this.taskById.get(taskId);
      if (!t || t.status === 'pending') {
        this.log.add({ rule: 'unknown-task', time, taskId, nodeId, message: `cannot place ${taskId}: no arrived task has this id` });
        continue;
      }
      if (placedNow.has(taskId)) {
        this.log.add({ rule: 'duplicate-placement', time, taskId, nodeId, message: `${taskId} is placed twice in one decision` });
        continue;
      }
      if (t.status !== 'waiting') {
        this.log.add({ rule: 'task-not-waiting', time, taskId, nodeId, message: `cannot place ${taskId}: it is ${t.status}, not waiting` });
        continue;
      }
      const node = this.nodeById.get(nodeId);
      if (!node) {
        this.log.add({ rule: 'unknown-node', time, taskId, nodeId, message: `cannot place ${taskId} on ${nodeId}: there is no such node` });
        continue;
      }
      if (t.spec.cpu > node.freeCpu + EPS) {
        this.log.add({ rule: 'insufficient-cpu', time, taskId, nodeId, message: `cannot place ${taskId} (${t.spec.cpu} cores) on ${nodeId}: only ${round(node.freeCpu)} of ${node.spec.cpu} cores are free` });
        continue;
      }
      if (t.spec.memory > node.freeMemory + EPS) {
        this.log.add({ rule: 'insufficient-memory', time, taskId, nodeId, message: `cannot place ${taskId} (${t.spec.memory} GB) on ${nodeId}: only ${round(node.freeMemory)} of ${node.spec.memory} GB are free` });
        continue;
      }
      placedNow.add(taskId);
      placedAny = true;
      this.start(t, node);
      if (reason !== undefined && this.reasons) this.reasons.set(t.index, { task: taskId, node: nodeId, time, reason });
    }
    if (placedAny) this.queue = this.queue.filter((t) => t.status === 'waiting');
    if (d.wakeAt !== undefined) this.wakes.push(d.wakeAt, null);
  }

  private start(t: TaskState, node: NodeState): void {
    this.account(node, this.now);
    node.running.add(t);
    node.freeCpu = Math.max(0, node.freeCpu - t.spec.cpu);
    node.freeMemory = Math.max(0, node.freeMemory - t.spec.memory);
    node.dirty = true;
    const tenant = this.tenants.get(t.spec.tenant) as TenantState;
    tenant.waiting--;
    tenant.running++;
    t.status = 'running';
    t.node = node;
    t.start = this.now;
    t.token++;
    t.placed = null;
    this.completions.push(this.now + t.spec.duration / node.spec.speed, { task: t, token: t.token });
  }

  /** Waiting tasks fail when nothing can ever happen again to get them placed. */
  private failStranded(): void {
    if (!this.queue.length || this.scenario.constraints.maxWaitSeconds !== null) return;
    if (this.nextArrival < this.tasks.length || this.completions.size || this.wakes.size) return;
    for (const t of this.queue) this.fail(t, this.nodes.some((n) => fitsNode(t.spec, n.spec)) ? 'stranded' : 'never-fits');
    this.queue = [];
  }

  private finishAtHorizon(horizon: number): void {
    const leftovers = this.tasks.filter((t) => t.status === 'pending' || t.status === 'waiting' || t.status === 'running');
    if (!leftovers.length) return;
    this.now = Math.max(this.now, horizon);
    for (const t of leftovers) {
      if (t.status === 'running') this.release(t, t.node as NodeState);
      this.fail(t, 'horizon');
    }
    this.queue = [];
  }

  private report(): SimulationOutcome {
    const records: TaskRecord[] = this.tasks.map((t) => {
      const r: TaskRecord = { spec: t.spec, status: t.status === 'completed' ? 'completed' : 'failed', end: t.end, start: t.start, nodeId: t.node?.spec.id ?? null, restarts: t.restarts };
      if (t.failReason) r.failReason = t.failReason;
      return r;
    });
    const usage = this.nodes.map((n) => n.usage);
    const { metrics, goodness } = computeMetrics(this.scenario, records, usage, this.preemptions);
    const penalty = Math.min(this.options.maxInvalidPenalty ?? 0.25, (this.options.invalidPenalty ?? 0.005) * this.log.count);
    const reward = Math.max(0, combineReward(goodness, this.weights) - penalty);
    return {
      ok: true,
      metrics,
      goodness,
      reward,
      invalidCount: this.log.count,
      invalidByRule: { ...this.log.byRule },
      invalid: this.log.kept,
      calls: this.calls,
      decisionMs: this.options.clock ? this.decisionMs : null,
      placements: records.map((r) => (r.status === 'completed' ? r.nodeId : null)),
      ...(this.reasons ? { reasons: [...this.reasons].sort((a, b) => a[0] - b[0]).map(([, r]) => r) } : {}),
    };
  }

  // ---------- the policy's view ----------

  private taskView(t: TaskState): TaskView {
    if (t.view) return t.view;
    const s = t.spec;
    t.view = Object.freeze({ id: s.id, tenant: s.tenant, kind: s.kind, cpu: s.cpu, memory: s.memory, priority: s.priority, arrival: s.arrival, deadline: s.deadline, durationEstimate: s.durationEstimate, restarts: t.restarts });
    return t.view;
  }

  private placedView(t: TaskState): PlacedTaskView {
    if (t.placed) return t.placed;
    const node = t.node as NodeState;
    const start = t.start as number;
    t.placed = Object.freeze({ ...this.taskView(t), nodeId: node.spec.id, startedAt: start, expectedEnd: start + t.spec.durationEstimate / node.spec.speed });
    return t.placed;
  }

  private nodeView(n: NodeState): NodeView {
    if (n.view && !n.dirty) return n.view;
    const s = n.spec;
    n.view = Object.freeze({
      id: s.id,
      index: n.index,
      kind: s.kind,
      cpu: s.cpu,
      memory: s.memory,
      freeCpu: n.freeCpu,
      freeMemory: n.freeMemory,
      costPerHour: s.costPerHour,
      idleWatts: s.idleWatts,
      peakWatts: s.peakWatts,
      speed: s.speed,
      running: Object.freeze([...n.running].map((t) => this.placedView(t))),
    });
    n.dirty = false;
    return n.view;
  }

  private view(): ClusterView {
    const nodes = Object.freeze(this.nodes.map((n) => this.nodeView(n)));
    const queue = Object.freeze(this.queue.map((t) => this.taskView(t)));
    const tenants: readonly TenantView[] = Object.freeze([...this.tenants.values()].map((x) => Object.freeze({ ...x })));
    const lookupTask = (ref: TaskView | string): TaskState | undefined => {
      const t = this.taskById.get(typeof ref === 'string' ? ref : ref?.id);
      return t && (t.status === 'waiting' || t.status === 'running') ? t : undefined;
    };
    const lookupNode = (ref: NodeView | string): NodeState | undefined => this.nodeById.get(typeof ref === 'string' ? ref : ref?.id);
    const c = this.scenario.constraints;
    return Object.freeze({
      now: this.now,
      nodes,
      queue,
      tenants,
      constraints: Object.freeze({ preemption: c.preemption, maxWaitSeconds: c.maxWaitSeconds, horizonSeconds: c.horizonSeconds }),
      weights: Object.freeze({ ...this.weights }),
      arrivedCount: this.arrived,
      completedCount: this.completed,
      failedCount: this.failed,
      state: this.state,
      node: (id: string) => {
        const n = this.nodeById.get(id);
        return n ? this.nodeView(n) : undefined;
      },
      task: (id: string) => {
        const t = lookupTask(id);
        if (!t) return undefined;
        return t.status === 'running' ? this.placedView(t) : this.taskView(t);
      },
      fits: (task: TaskView | string, node: NodeView | string) => {
        const t = lookupTask(task);
        const n = lookupNode(node);
        return !!t && !!n && t.spec.cpu <= n.freeCpu + EPS && t.spec.memory <= n.freeMemory + EPS;
      },
      random: () => this.rng.next(),
    });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
