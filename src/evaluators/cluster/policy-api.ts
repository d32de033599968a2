// The policy API of the cluster allocation domain: what a placement policy sees and returns. This
// file is published as examples/cluster/policy-api.d.ts (a test keeps the two identical), so it
// holds types only.
//
// A policy is a module exporting `decide(view)` and optionally `init(view)`. Time is in seconds
// from the start of the scenario. The simulator calls `decide` whenever something the policy can
// see changed: tasks arrived, tasks finished, a task gave up waiting, or a time the policy asked
// for with `wakeAt` came. The view is honest: it shows only tasks that have arrived, and a task's
// real run time only through the estimate its submitter gave. Decisions are plain data checked
// by the simulator; an invalid one is rejected with a named rule and counts against the policy.

export type NodeKind = 'cloud' | 'edge';

export type TaskKind = 'service' | 'batch';

export interface TaskView {
  readonly id: string;
  readonly tenant: string;
  readonly kind: TaskKind;
  /** Cores requested (fractions allowed). */
  readonly cpu: number;
  /** GB of memory requested. */
  readonly memory: number;
  /** 0 (lowest) to 11 (highest), as in the Google cluster traces. */
  readonly priority: number;
  /** Arrival time in seconds. */
  readonly arrival: number;
  /** Absolute time by which the task should finish (its SLA), or null when it has none. */
  readonly deadline: number | null;
  /** Run time the submitter announced, in seconds on a node of speed 1 (the real one may differ). */
  readonly durationEstimate: number;
  /** Times this task was preempted and put back in the queue (it restarts from scratch). */
  readonly restarts: number;
}

export interface PlacedTaskView extends TaskView {
  readonly nodeId: string;
  readonly startedAt: number;
  /** When it should finish if the estimate is right: start + estimate / node speed. */
  readonly expectedEnd: number;
}

export interface NodeView {
  readonly id: string;
  /** Position in `view.nodes` (the scenario's order). */
  readonly index: number;
  readonly kind: NodeKind;
  readonly cpu: number;
  readonly memory: number;
  readonly freeCpu: number;
  readonly freeMemory: number;
  /** Dollars per hour while the node is powered on (it is on while it runs at least one task). */
  readonly costPerHour: number;
  /** Power draw in watts when on and idle, and at full CPU use (linear in between). */
  readonly idleWatts: number;
  readonly peakWatts: number;
  /** Run-time multiplier: a task takes duration / speed seconds here. */
  readonly speed: number;
  readonly running: readonly PlacedTaskView[];
}

export interface TenantView {
  readonly tenant: string;
  readonly waiting: number;
  readonly running: number;
  readonly completed: number;
  /** Core-seconds of work completed so far. */
  readonly cpuSecondsServed: number;
}

export interface ScenarioConstraints {
  /** Whether running tasks may be preempted (they lose their progress). */
  readonly preemption: boolean;
  /** A task still waiting this long after arriving fails, or null for no limit. */
  readonly maxWaitSeconds: number | null;
  /** Tasks not finished by this time fail. */
  readonly horizonSeconds: number;
}

/** Relative weights of the reward's objectives (they are normalised to sum to 1). */
export interface ObjectiveWeights {
  readonly latency: number;
  readonly tail: number;
  readonly sla: number;
  readonly failures: number;
  readonly cost: number;
  readonly energy: number;
  readonly fairness: number;
  readonly utilisation: number;
  readonly makespan: number;
}

export interface ClusterView {
  /** Current time in seconds. */
  readonly now: number;
  readonly nodes: readonly NodeView[];
  /** Tasks that arrived and wait for a node, in arrival order. */
  readonly queue: readonly TaskView[];
  readonly tenants: readonly TenantView[];
  readonly constraints: ScenarioConstraints;
  readonly weights: ObjectiveWeights;
  /** Tasks still to arrive are not shown; this says only how many have arrived so far. */
  readonly arrivedCount: number;
  readonly completedCount: number;
  readonly failedCount: number;
  /** Free-form state the policy keeps between calls. */
  readonly state: Record<string, unknown>;
  node(id: string): NodeView | undefined;
  /** A waiting or running task. */
  task(id: string): TaskView | PlacedTaskView | undefined;
  /** Whether `task` fits in the free resources of `node` right now. */
  fits(task: TaskView | string, node: NodeView | string): boolean;
  /** Deterministic uniform random number in [0, 1), seeded per scenario. */
  random(): number;
}

export interface Placement {
  /** A waiting task (id or view). */
  task: string | TaskView;
  node: string | NodeView;
  /**
   * Why this node, in a sentence a person reviewing the policy can check (at most 200 characters
   * are kept). Optional; never changes the outcome; shown by `cluster run --explain` and the editor.
   */
  reason?: string;
}

export interface Decision {
  /** Running tasks to stop and put back in the queue (only when `constraints.preemption`); applied first. */
  preempt?: readonly (string | TaskView)[];
  /** Placements, applied in order against the free resources left by the earlier ones. */
  place?: readonly Placement[];
  /** Ask for a call at this time (> now) even if nothing changes. */
  wakeAt?: number;
}

export type InitFunction = (view: ClusterView) => void;

export type DecideFunction = (view: ClusterView) => Decision | undefined | null;

/** Names of the rules an invalid decision can break. */
export type DecisionRule =
  | 'malformed-decision'
  | 'unknown-task'
  | 'task-not-waiting'
  | 'duplicate-placement'
  | 'unknown-node'
  | 'insufficient-cpu'
  | 'insufficient-memory'
  | 'preemption-disabled'
  | 'task-not-running'
  | 'bad-wake-time';

/** One rejected part of a decision, as the simulator reports it. */
export interface DecisionError {
  readonly rule: DecisionRule;
  readonly time: number;
  readonly message: string;
  readonly taskId?: string;
  readonly nodeId?: string;
}
