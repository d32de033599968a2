// Verdicts of one protocol in one setting, as the CLI, the evaluator and the synthesizer report them.
import type { Chart } from './chart';

/** Only VERIFIED counts as correct: UNKNOWN means limits were hit or the search was lossy. */
export type Verdict = 'VERIFIED' | 'VIOLATED' | 'UNKNOWN' | 'INVALID';

export type EngineKind = 'interpreter' | 'compiled';

export interface CheckLimits {
  /** Wall-clock limit of one pan run (a safety net: where it cuts depends on the machine). */
  timeMs: number;
  /** Memory limit of one pan run. */
  memoryMb: number;
  /** Stored states after which a search stops, UNKNOWN; unlike time, the same on every machine. 0 or absent: none. */
  maxStates?: number;
}

/** Which limit stopped an incomplete search. Only `time` depends on the machine's speed and load. */
export type LimitHit = 'time' | 'memory' | 'states' | 'depth' | 'lossy';

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
  /** Processes and faults of the setting (absent when the setting could not be resolved). */
  n?: number;
  f?: number;
  /** The setting is checked where it completes within the limits (see SettingSpec.bestEffort). */
  bestEffort?: boolean;
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
  /** The limit that stopped the search (UNKNOWN). */
  limitHit?: LimitHit;
  /** Served from the verdict cache. */
  cached?: boolean;
  /** Not run (an earlier setting failed, or the setting does not apply). */
  skipped?: boolean;
  /** Wall time of this check, build included. */
  wallMs: number;
}
