// Progress of a run, as the engine reports it to the CLI, the language server, the extension
// and the review panel. Plain data only: it crosses process boundaries.

export interface RunProgress {
  runId: string;
  /** Candidates proposed so far (excluding the starting program). */
  proposed: number;
  /** Candidates with a recorded outcome (evaluated, failed or duplicate). */
  done: number;
  failed: number;
  duplicates: number;
  inFlight: number;
  /** Target number of candidates, when the budget sets one. */
  target?: number;
  bestId: string;
  bestScore: number | null;
  initialScore: number | null;
  spendUsd: number;
  elapsedMs: number;
  /** Candidates per second over this session. */
  rate: number;
  etaMs?: number;
  /** Remote workers attached through a broker, when the run uses one. */
  workers?: { evaluators: number; samplers: number };
}

export interface CandidateOutcome {
  runId: string;
  id: string;
  index: number;
  parentIds: string[];
  ok: boolean;
  score: number | null;
  improvement: boolean;
  admitted: boolean;
  duplicateOf?: string;
  error?: string;
  explanation?: string;
}

export type EngineEvent =
  | { kind: 'progress'; progress: RunProgress }
  | { kind: 'candidate'; outcome: CandidateOutcome }
  | { kind: 'new-best'; id: string; score: number; previous: number | null }
  | { kind: 'log'; level: 'info' | 'warn'; message: string };
