// The policy API: what a FaaS scheduling policy sees and returns (Policy Evolver's FaaS domain).
// Import its types with `import type { ... } from './policy-api'`; a policy module may import
// nothing else at run time. (Generated from src/evaluators/faas/policy-api.ts; a test keeps both equal.)
//
// A policy is a module exporting `init(ctx)` (optional) and `step(ctx, results, arrivals)`.
// Time is counted in integer ticks (`ctx.params.ticksPerSecond` per second). The simulator calls
// `step` whenever something the policy can see changed: pipelines arrived, containers finished
// (`results`), a container reached an operator boundary (it may be suspended during that one
// call; see `ctx.setBoundaryCalls`), a suspension finished (`ctx.suspended`), or a tick the policy
// asked for with `ctx.wakeAt`. Decisions are plain data, validated by the simulator; an invalid one is rejected
// with a named rule and counts against the policy.

export type Priority = 'QUERY' | 'INTERACTIVE' | 'BATCH_PIPELINE';

export type OperatorState = 'PENDING' | 'ASSIGNED' | 'RUNNING' | 'SUSPENDING' | 'COMPLETED' | 'FAILED';

export type PipelineStatus = 'active' | 'completed' | 'timed_out';

export type ContainerStatus = 'running' | 'suspending' | 'suspended' | 'done';

export interface OperatorView {
  /** Unique id across the run: `<pipelineId>/<name>`. Use it (or this object) in assignments. */
  readonly id: string;
  /** Operator name inside its pipeline, e.g. `op3`. */
  readonly name: string;
  readonly pipelineId: string;
  readonly priority: Priority;
  readonly state: OperatorState;
  /** Ids of the parent operators. */
  readonly parents: readonly string[];
  readonly parentsComplete: boolean;
  /** PENDING or FAILED, in a pipeline that is still active. */
  readonly assignable: boolean;
  /** Assignable and every parent COMPLETED: can run on its own right now. */
  readonly ready: boolean;
  /** Container holding the operator (ASSIGNED, RUNNING or SUSPENDING), else null. */
  readonly containerId: string | null;
  /** Containers this operator has been placed in so far. */
  readonly attempts: number;
  /** Error of the last container that failed while holding this operator (`OOM`, `timeout`), else null. */
  readonly lastError: string | null;
  /** Peak memory estimate in GB when the run has an estimator (`estimator_algo`), else null. */
  readonly memoryEstimateGb: number | null;
}

export interface PipelineView {
  readonly id: string;
  readonly priority: Priority;
  readonly arrivalTick: number;
  readonly status: PipelineStatus;
  /** Operators in topological order (parents before children). */
  readonly operators: readonly OperatorView[];
  readonly completedCount: number;
  readonly failedCount: number;
  operator(name: string): OperatorView | undefined;
  /**
   * Operators whose state is in `states`, in topological order; with `requireParentsComplete`
   * only those whose parents are all COMPLETED (Eudoxia's `get_ops`).
   */
  opsIn(states: readonly OperatorState[], requireParentsComplete?: boolean): OperatorView[];
}

export interface ContainerView {
  /** `c<n>`, numbered in creation order. */
  readonly id: string;
  readonly poolId: number;
  readonly priority: Priority;
  readonly cpu: number;
  /** RAM allocation in GB. */
  readonly ram: number;
  /** Ids of the operators, in execution order. */
  readonly operators: readonly string[];
  readonly createdTick: number;
  readonly status: ContainerStatus;
  /** True during the one call right after an operator boundary (not the last one): suspendable now. */
  readonly canSuspend: boolean;
  /** RAM in use during the previous tick, in GB (0 unless running). */
  readonly memoryUsedGb: number;
}

export interface PoolView {
  readonly id: number;
  readonly maxCpu: number;
  readonly maxRam: number;
  /** CPUs not allocated to any container. */
  readonly availCpu: number;
  /** GB of RAM not allocated (negative under memory overcommit). */
  readonly availRam: number;
  /** GB of RAM the pool's memory accounting counts as in use. */
  readonly consumedRam: number;
  /** Running containers, oldest first. */
  readonly containers: readonly ContainerView[];
  /** Containers writing their RAM to disk; they keep their resources until done. */
  readonly suspending: readonly ContainerView[];
}

export interface ResultView {
  readonly containerId: string;
  readonly poolId: number;
  /** Every operator of the container; the completed ones stay COMPLETED after a failure. */
  readonly operators: readonly OperatorView[];
  readonly cpu: number;
  readonly ram: number;
  readonly priority: Priority;
  /** null on success, else the reason: `OOM` or `timeout`. */
  readonly error: string | null;
}

export interface SimulationParams {
  readonly ticksPerSecond: number;
  readonly durationSeconds: number;
  /** The run covers ticks 0 .. totalTicks - 1. */
  readonly totalTicks: number;
  readonly numPools: number;
  readonly cpusPerPool: number;
  readonly ramGbPerPool: number;
  readonly multiOperatorContainers: boolean;
  readonly allowMemoryOvercommit: boolean;
  /** Pipelines older than this are dropped (0 = never). */
  readonly maxJobSeconds: number;
}

export interface PolicyContext {
  /** Current tick. */
  readonly now: number;
  readonly params: SimulationParams;
  /** Pools in id order, as they are before this tick's decisions apply. */
  readonly pools: readonly PoolView[];
  /** Containers whose suspension finished since the previous call (their operators are PENDING again). */
  readonly suspended: readonly ContainerView[];
  /** Free-form state the policy keeps between calls. */
  readonly state: Record<string, unknown>;
  /** Pipelines that arrived and are neither completed nor timed out, in arrival order. */
  activePipelines(): PipelineView[];
  pipeline(id: string): PipelineView | undefined;
  operator(id: string): OperatorView | undefined;
  /** A running or suspending container (finished ones are forgotten). */
  container(id: string): ContainerView | undefined;
  /** Ask for a call at `tick` (> now) even if nothing changes. */
  wakeAt(tick: number): void;
  /**
   * By default `step` is also called right after every operator boundary, the only moment a
   * container can be suspended. A policy that will not suspend anything for now can turn these
   * calls off (and back on), which makes simulations faster. Other calls are unaffected.
   */
  setBoundaryCalls(enabled: boolean): void;
  /** Deterministic uniform random number in [0, 1), seeded per run. */
  random(): number;
}

export interface Assignment {
  /** Operators to run one after another in one container (ids or views). Parents must be COMPLETED or earlier in the list. */
  operators: readonly (string | OperatorView)[];
  cpu: number;
  /** GB of RAM. */
  ram: number;
  poolId: number;
  /** Defaults to the priority of the first operator's pipeline. */
  priority?: Priority;
}

export interface Suspension {
  containerId: string;
  /** Optional; checked against the container's pool when given. */
  poolId?: number;
}

export interface Decision {
  suspensions?: Suspension[];
  assignments?: Assignment[];
}

export type InitFunction = (ctx: PolicyContext) => void;

export type StepFunction = (ctx: PolicyContext, results: readonly ResultView[], arrivals: readonly PipelineView[]) => Decision;

/** Names of the rules an invalid decision can break. */
export type DecisionRule =
  | 'malformed-decision'
  | 'unknown-pool'
  | 'unknown-operator'
  | 'empty-assignment'
  | 'invalid-resources'
  | 'multi-operator-disabled'
  | 'operator-not-assignable'
  | 'parent-not-done'
  | 'over-capacity'
  | 'unknown-container'
  | 'not-suspendable';
