// The run journal's event vocabulary. `journal.jsonl` is append-only; the run's state is rebuilt by
// replaying these events in order, so every decision the engine makes must be recoverable from them.
import type { AggregationRule, EvalResult, StageResult, FeatureDimension, JsonValue, PatchMode, TokenUsage, WorkloadResult } from './types';

export const JOURNAL_VERSION = 1;

/** Everything needed to rebuild a run's engine, minus secrets (keys never enter the journal). */
export interface RunConfig {
  /** Absolute path of the evolved file when the run started. */
  file: string;
  fileName: string;
  evaluator: { id: string; options: { [key: string]: JsonValue } };
  generator: { id: string; options: { [key: string]: JsonValue } };
  seed: number;
  islands: number;
  /** Candidates generated at the same time. */
  generationConcurrency: number;
  /** Candidates in flight (generated but not yet recorded); 1 makes the run strictly sequential and reproducible. */
  evaluationConcurrency: number;
  budget: Budget;
  cascade: { enabled: boolean; cheapCount: number; margin: number };
  aggregation: AggregationRule;
  /** Share of steps that ask for SEARCH/REPLACE rather than a full rewrite. */
  searchReplaceRatio: number;
  migrationInterval: number;
  eliteSize: number;
  exploitation: number;
  inspirations: number;
  /** Set when evaluations (and optionally generation) run on workers attached to a RabbitMQ broker. */
  broker?: BrokerSettings;
}

export interface BrokerSettings {
  /** Broker URL without its password: credentials come from the command line or POLICY_EVOLVER_BROKER_URL each time. */
  url?: string;
  /** Queue prefix shared by the run and its workers. */
  experiment: string;
  /** Generation requests go to remote samplers instead of a generator in this process. */
  remoteSamplers: boolean;
  /** Deliveries of one task before it is dead-lettered and its candidate counted as failed. */
  maxAttempts: number;
}

export interface Budget {
  maxCandidates?: number;
  maxWallSeconds?: number;
  maxCostUsd?: number;
  /** Stop after this many evaluated candidates without a new best. */
  stagnation?: number;
  /** Stop, as failed, after this many proposals in a row fail before evaluation (default 10; 0: never). */
  maxConsecutiveFailures?: number;
}

/** An evaluation result as journaled: JSON has no NaN, so a failed candidate's score is null. */
export type EvalSummary = Omit<EvalResult, 'score'> & {
  score: number | null;
  /** Each cascade stage's own score, metrics and feedback (its `metrics` and `feedback` describe only the last stage's workloads otherwise). */
  stages?: StageResult[];
};

/**
 * Every event written carries an id: its sequence number in the journal. Replay ignores an id it
 * has already seen, so a duplicated line is not counted twice. Journals written before ids existed
 * have none, and still load.
 */
export interface EventId {
  seq?: number;
}

export type JournalEvent = EventId &
  (
  | {
      type: 'run-started';
      version: number;
      runId: string;
      time: string;
      config: RunConfig;
      /** Content hash of the starting file (its text is in `sources/`). */
      sourceHash: string;
      features: FeatureDimension[];
      domain: string;
      objectives?: { metric: string; label: string }[];
      /** From the evaluator's info, so the editor colours and labels scores of past runs correctly. */
      relativeTo?: string;
      lowerIsBetter?: string[];
    }
  | { type: 'run-resumed'; time: string; budget: Budget }
  | {
      type: 'proposed';
      index: number;
      id: string;
      island: number;
      parentIds: string[];
      /** Content hash of the candidate file (its text is in `sources/`). */
      sourceHash: string;
      /** Normalised-code hash used for deduplication. */
      codeHash: string;
      generator: string;
      patchKind: string;
      patchMode?: PatchMode;
      explanation?: string;
      /** Prompt/response pairs, stored as blobs, for RL export. */
      exchanges?: { model: string; promptHash: string; responseHash: string }[];
      time: string;
    }
  | {
      type: 'proposal-failed';
      index: number;
      island: number;
      parentIds: string[];
      stage: 'generate' | 'patch' | 'precheck';
      error: string;
      generator?: string;
      /** Model exchanges that led to the failure: negative examples for RL export. */
      exchanges?: { model: string; promptHash: string; responseHash: string }[];
      time: string;
    }
  | {
      type: 'evaluated';
      id: string;
      index: number;
      /** Search-set result (for a cascade stop: the cheap subset's result). */
      result: EvalSummary;
      cascadeStopped?: boolean;
      /** Set when the result was served from the cache or the candidate behaves like a stored one. */
      duplicateOf?: string;
      duplicateKind?: 'code' | 'behaviour';
      admitted: boolean;
      /** Beat its parent on search and on validation. */
      improvement: boolean;
      time: string;
    }
  | { type: 'validated'; id: string; score: number | null; perWorkload: WorkloadResult[] }
  | ({ type: 'llm-call'; index?: number } & TokenUsage)
  /** The generator's learnt state after a candidate's outcome (see Generator.snapshotState); the last one is restored on resume. */
  | { type: 'generator-state'; state: JsonValue }
  /** `unrejected` takes back an earlier rejection (and its note). */
  | { type: 'decision'; id: string; decision: 'accepted' | 'rejected' | 'unrejected'; note?: string; time: string }
  | {
      type: 'run-ended';
      time: string;
      reason: StopReason;
      bestId: string;
      holdout?: { best: number | null; initial: number | null };
      /** Why a run with reason `error` failed, in one line for the user. */
      error?: string;
    }
  );

export type StopReason = 'budget-candidates' | 'budget-time' | 'budget-cost' | 'stagnation' | 'cancelled' | 'error';
