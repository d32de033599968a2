// Verdicts of one protocol in one setting, as the CLI, the evaluator and the synthesizer report them.
import type { Chart } from './chart';

/** Only VERIFIED counts as correct: UNKNOWN means limits were hit or the search was lossy. */
export type Verdict = 'VERIFIED' | 'VIOLATED' | 'UNKNOWN' | 'INVALID';

export type EngineKind = 'interpreter' | 'compiled';

export interface CheckLimits {
  /** Wall-clock limit of one pan run. */
  timeMs: number;
  /** Memory limit of one pan run. */
  memoryMb: number;
}

export interface SearchStats {
  states: number;
  transitions: number;
  depth: number;
  memoryMb: number;
  seconds: number;
}

/** Costs over every schedule the search explored (messages from correct processes that did not crash). */
export interface ScheduleMetrics {
  messagesWorst?: number;
  messagesBest?: number;
  /** Messages a process had counted (its own included) when it delivered; needs exact receipts. */
  receiptsWorst?: number;
  receiptsBest?: number;
}

export interface SettingCheck {
  setting: string;
  verdict: Verdict;
  engine: EngineKind;
  /** Why UNKNOWN or INVALID, in words. */
  reason?: string;
  /** The violated property (VIOLATED). */
  property?: string;
  detail?: string;
  stats?: SearchStats;
  metrics?: ScheduleMetrics;
  chart?: Chart;
  /** Served from the verdict cache. */
  cached?: boolean;
  /** Not run (an earlier setting failed, or the setting does not apply). */
  skipped?: boolean;
  /** Wall time of this check, build included. */
  wallMs: number;
}
