// What a simulation reports: Eudoxia's stats under Eudoxia's keys, plus our extra metrics.
import type { DecisionError } from './decisions';

export interface CategoryStats {
  arrival_count: number;
  completion_count: number;
  timeout_count: number;
  /** null where Eudoxia writes NaN (no completions). */
  mean_latency_seconds: number | null;
  p99_latency_seconds: number | null;
}

/** Exactly the fields of Eudoxia's `expected.json`. */
export interface EudoxiaStats {
  pipelines_created: number;
  containers_completed: number;
  throughput: number;
  p99_latency: number | null;
  assignments: number;
  suspensions: number;
  failures: number;
  failure_error_counts: Record<string, number>;
  pipelines_all: CategoryStats;
  pipelines_query: CategoryStats;
  pipelines_interactive: CategoryStats;
  pipelines_batch: CategoryStats;
}

export interface CategoryExtra {
  completion_rate: number | null;
  /** p99 latency over every arrived pipeline, unfinished ones at the penalty latency (null when none arrived). */
  p99_latency_penalized_seconds: number | null;
  mean_queueing_delay_seconds: number | null;
  p99_queueing_delay_seconds: number | null;
  /** Pipelines that arrived but never got a container. */
  never_started: number;
}

export interface ExtraStats {
  /** Eudoxia's newer stats: mean share of cluster RAM allocated / consumed, sampled once per simulated second (null = NaN). */
  mean_memory_allocated_percent: number | null;
  mean_memory_consumed_percent: number | null;
  /** 'eudoxia' (exact parity) or 'corrected' physics. */
  physics: 'eudoxia' | 'corrected';
  /** The run's job time limit (0 = none); the penalized latency charges 2 x this per unfinished pipeline. */
  max_job_seconds: number;
  /** Eudoxia's objective: weighted mean latency / completion rate (Infinity-free: null when nothing completed). */
  adjusted_latency_seconds: number | null;
  /** Adjusted latency where each unfinished pipeline counts as finishing at the end of the run. */
  adjusted_latency_penalized_seconds: number;
  completed_pipelines_per_second: number;
  completion_rate: number | null;
  per_category: { all: CategoryExtra; query: CategoryExtra; interactive: CategoryExtra; batch: CategoryExtra };
  /** Longest time any pipeline waited before its first container (still-waiting ones count up to the end). */
  max_wait_seconds: number;
  oom_failures: number;
  timeout_kills: number;
  /** Time-averaged share of cluster CPUs / RAM allocated to containers, and RAM actually in use. */
  cpu_allocation: number;
  ram_allocation: number;
  ram_consumption: number;
  /** CPU allocation share in ten equal slices of the run. */
  cpu_allocation_timeline: number[];
  /** Jain's index over per-priority completion rates (1 = every priority served alike). */
  fairness: number | null;
  invalid_decisions: number;
  policy_calls: number;
  events: number;
  /** Wall-clock milliseconds of the simulation itself. */
  simulation_ms: number;
}

export interface SimulationReport {
  stats: EudoxiaStats;
  extra: ExtraStats;
  /** First rejected decisions (the count is extra.invalid_decisions). */
  invalid: DecisionError[];
  /** Lines the policy logged (capped). */
  logs: string[];
}

export type AbortKind = 'policy-error' | 'malformed-decision';

export interface SimulationFailure {
  kind: AbortKind;
  tick: number;
  message: string;
}

export type SimulationOutcome = ({ ok: true } & SimulationReport) | ({ ok: false; failure: SimulationFailure } & Partial<SimulationReport>);
