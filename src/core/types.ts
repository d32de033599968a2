// The engine's contracts. Every domain, generator, pool and front end plugs in through these
// types, so they stay small and JSON-serialisable (tasks cross process and machine boundaries).
import type { CheckView, DecisionTrace } from '../messages/lsp';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type WorkloadSplit = 'search' | 'validation' | 'holdout';

/** One unit of evaluation input: a trace, a scenario, a protocol setting, a test case. */
export interface Workload {
  /** Stable id, unique inside an evaluator's workload set. */
  id: string;
  split: WorkloadSplit;
  /** Weight for the `weighted` aggregation rule; 1 when absent. */
  weight?: number;
  /** Marks members of the cheap cascade subset; when no workload is marked, the engine takes the first `cascade.cheapCount` search workloads. */
  cheap?: boolean;
  /** Everything a (possibly remote) evaluator needs to run this workload. */
  data?: JsonValue;
}

export interface WorkloadResult {
  workloadId: string;
  ok: boolean;
  /** Higher is better. */
  score: number;
  metrics?: Record<string, number>;
  error?: string;
}

/** A feature axis of the MAP-Elites archive, declared by the evaluator. */
export interface FeatureDimension {
  name: string;
  min: number;
  max: number;
  bins: number;
  /** Bin on log10 of the value, for quantities spanning orders of magnitude (e.g. code length). */
  log?: boolean;
}

/** The candidate as an evaluator sees it: the whole file after the patch. */
export interface CandidateSource {
  id: string;
  /** Full text of the file. */
  code: string;
  /** File name with extension (no directories), so language-aware evaluators know what they run. */
  fileName: string;
  /** Normalised-code hash, usable as an idempotency key. */
  hash: string;
}

export interface EvalResult {
  ok: boolean;
  /** Aggregate score; higher is better. The engine recomputes it from `perWorkload` when that is not empty. */
  score: number;
  metrics: Record<string, number>;
  /** Values for the evaluator's feature dimensions (the engine adds `codeLength`). */
  features: Record<string, number>;
  perWorkload: WorkloadResult[];
  /** Text meant for the generator: what went well or wrong, in words a model can act on. */
  feedback: string;
  error?: string;
  /** Behavioural fingerprint: two candidates with the same fingerprint behave the same. */
  fingerprint?: string;
  /** Problems located in the candidate's text (e.g. a model checker's counterexample at the rule it concerns), for editor diagnostics. */
  diagnostics?: EvalDiagnostic[];
  /** Pass/fail verdicts (correctness properties, guardrails) the editor shows before any score and guards Accept with. */
  checks?: EvalCheck[];
  /** The reasons the candidate gave for its first decisions on one workload, for the review panel. */
  decisions?: DecisionTrace;
}

/**
 * One verdict on one property or guardrail, over the settings or workloads it covers. The editor
 * shows it as is, so the shape is the message layer's CheckView.
 */
export type EvalCheck = CheckView;

export interface EvalDiagnostic {
  /** 1-based line in the candidate file. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

export type AggregationRule =
  | { kind: 'mean' }
  | { kind: 'median' }
  | { kind: 'last' }
  | { kind: 'min' }
  | { kind: 'weighted' };

export interface EvaluatorInfo {
  /** Registry name, e.g. `command`, `faas`, `protocol`. */
  id: string;
  /** Domain whose prompts the LLM generators use (`prompts/<domain>/`). */
  domain: string;
  features: FeatureDimension[];
  /** The metric a person cares about most, shown next to the score. */
  keyMetric?: string;
  /** Set when scores are relative improvements over a baseline (0 = as good, 0.1 = 10% better). */
  relativeTo?: string;
  /** Metric names (`*` matches any text) where lower is better; every other metric is better when higher. */
  lowerIsBetter?: string[];
  /** Metrics that are separate objectives (higher is better), for Pareto fronts in the review panel. */
  objectives?: { metric: string; label: string }[];
}

/** One problem domain. Implementations must honour the AbortSignal promptly and never throw for a bad candidate: a bad candidate is `ok: false` with an `error`. */
export interface Evaluator {
  readonly info: EvaluatorInfo;
  workloads(): Promise<Workload[]>;
  evaluate(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<EvalResult>;
  /** Checks the candidate cheaply before evaluation (syntax, shape); returns an error message or undefined. */
  precheck?(candidate: CandidateSource): Promise<string | undefined>;
  dispose?(): Promise<void>;
}

/** Where evaluations run: in-process by default, on remote workers through a broker later. */
export interface EvaluationTask {
  runId: string;
  candidate: CandidateSource;
  workloads: Workload[];
  /** Evaluator registry name plus its options, so a remote worker can rebuild the evaluator. */
  evaluator: { id: string; options: JsonValue };
}

export interface EvaluationPool {
  readonly concurrency: number;
  evaluate(task: EvaluationTask, signal: AbortSignal): Promise<EvalResult>;
  /** Remote workers attached to the pool, for progress displays; absent for in-process pools. */
  workers?(): { evaluators: number; samplers: number };
  close(): Promise<void>;
}

// ---------- generators ----------

export type Patch =
  /** Replace evolvable block `index` (0-based) with `code`. */
  | { kind: 'block'; index: number; code: string }
  /** SEARCH/REPLACE edits applied in order inside the evolvable blocks. */
  | { kind: 'search-replace'; edits: SearchReplaceEdit[] }
  /** The whole file as the generator wants it; everything outside the blocks must be unchanged. */
  | { kind: 'full'; code: string };

export interface SearchReplaceEdit {
  search: string;
  replace: string;
}

/** How the reply changes the program: edits, a rewrite, or a rewrite combining the parent with its first inspiration. */
export type PatchMode = 'search-replace' | 'full' | 'crossover';

export interface ProgramView {
  id: string;
  code: string;
  score: number;
  metrics: Record<string, number>;
  feedback: string;
  /** Per block text, in file order. */
  blocks: string[];
  /** Each evaluation stage the program went through (cascade), when there was more than one. */
  stages?: StageResult[];
}

/** One stage of a cascade evaluation, so metrics and feedback are never shown without their workloads. */
export interface StageResult {
  /** `cheap subset`, `rest of the search set`. */
  label: string;
  workloads: string[];
  score: number | null;
  metrics: Record<string, number>;
  feedback: string;
}

/** A recent attempt and what became of it, for prompts that learn from the run's history. */
export interface AttemptRecord {
  id: string;
  parentId?: string;
  /** Model or generator that proposed it. */
  generator?: string;
  outcome: 'improved' | 'regressed' | 'unchanged' | 'duplicate' | 'failed';
  /** Score minus the parent's score, when both are known. */
  scoreDelta?: number;
  /** Why it failed (stage and error) or the proposer's own explanation. */
  detail?: string;
}

/** A recent failure: its error and, when it got that far, its code and its own parent's code. */
export interface FailureRecord {
  error: string;
  /** Where it failed: `generate` (no usable reply), `patch` (the reply did not apply) or `evaluate`. */
  stage?: 'generate' | 'patch' | 'precheck' | 'evaluate';
  code?: string;
  /** The failed candidate's own parent, so a diff shows exactly what was tried. */
  parentCode?: string;
}

export interface GenerationRequest {
  runId: string;
  /** Index of this candidate in the run; generators derive their randomness from `seed`. */
  index: number;
  seed: number;
  fileName: string;
  /** Language id derived from the file extension (`typescript`, `javascript`, `python`, ...). */
  language: string;
  domain: string;
  parent: ProgramView;
  /** Second parent for recombination and prompt context: the island's other good programs. */
  inspirations: ProgramView[];
  /** Candidates that failed recently, with why, so generators can avoid them. */
  recentFailures: FailureRecord[];
  /** The run's latest attempts with their outcomes, newest first. */
  history?: AttemptRecord[];
  /** Notes people left when rejecting candidates. */
  humanNotes: string[];
  /** The engine's preference for this step; a generator may ignore it. */
  patchMode: PatchMode;
}

export interface TokenUsage {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
}

export interface GenerationResult {
  patch: Patch;
  /** One paragraph on why this change, for the review panel. */
  explanation?: string;
  usage?: TokenUsage[];
  /** Identifies the model/arm that produced it (for bandits and the journal). */
  source?: string;
  /** Exchanges with models, for recording and RL export. */
  exchanges?: { prompt: string; response: string; model: string }[];
}

export interface Generator {
  readonly id: string;
  generate(request: GenerationRequest, signal: AbortSignal): Promise<GenerationResult>;
  /** Feedback after evaluation, for bandits that learn which model pays off. */
  observe?(source: string | undefined, outcome: { improved: boolean; costUsd: number; scoreDelta: number; index?: number }): void;
  /** What the generator has learnt (bandit statistics, rates), journaled so a resumed run keeps it. */
  snapshotState?(): JsonValue;
  /** Takes back a state `snapshotState` returned in an earlier session of the same run. */
  restoreState?(state: JsonValue): void;
  dispose?(): Promise<void>;
}
