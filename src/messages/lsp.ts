// Custom LSP requests and notifications between the extension host and the language server. Both
// sides type their calls through `ServerRequests` / `ClientNotifications`, so a message whose shape
// drifts on one side is a compile error on the other. Plain data only.
import type { EngineEvent } from './progress';

/** `stopped`: interrupted (no end recorded: crash, reload); `cancelled`: stopped by the user; `ended`: finished its budget. */
export type RunStatus = 'running' | 'stopped' | 'cancelled' | 'ended' | 'failed';

/** What kind of failure, so the editor can offer the action that fixes it. */
export type FailureKind = 'auth' | 'endpoint' | 'rate-limit' | 'no-candidates' | 'starting-program' | 'config' | 'error';

export interface RunFailure {
  kind: FailureKind;
  /** One line for the user. */
  message: string;
}

/** A verdict on a property or guardrail over the settings or workloads it covers (core's EvalCheck). */
export interface CheckView {
  /** `safety` and `liveness`: correctness properties; `guardrail`: a limit a candidate may not break (e.g. a starved class). */
  kind: 'safety' | 'liveness' | 'guardrail';
  /** The property or guardrail, e.g. `RB-Agreement`, `completion rate INTERACTIVE`. */
  name: string;
  status: 'verified' | 'violated' | 'unknown';
  /** Settings or workloads the verdict covers, e.g. `byz-sender:4` or `none:3, none:4, crash:3`. */
  scope: string;
  /** What broke, or why the verdict is unknown, in one line. */
  detail?: string;
  /** The counterexample (e.g. a message-sequence chart as text), when there is one. */
  evidence?: string;
  /** 1-based line in the candidate the verdict concerns. */
  line?: number;
}

/** One workload's result next to the starting program's on the same workload. */
export interface WorkloadRow {
  id: string;
  split: 'search' | 'validation' | 'holdout';
  ok: boolean;
  score: number | null;
  baseline: number | null;
  error?: string;
}

/** A proposal rejected before evaluation (generation failed, or its edit did not apply). */
export interface RejectedProposal {
  index: number;
  error: string;
}

/** Settings the user picked for one run (quick pick or command arguments); unset fields come from settings. */
export interface RunOverrides {
  evaluator?: string;
  /** Shell command for the `command` evaluator; `{file}` is the candidate path. */
  command?: string;
  generator?: string;
  maxCandidates?: number;
  maxWallSeconds?: number;
  maxCostUsd?: number;
  /** Seed of the run; a fresh one is drawn when absent. */
  seed?: number;
}

export interface EvolveParams {
  uri: string;
  overrides?: RunOverrides;
}

export interface RunRef {
  runId: string;
}

export interface RunStartedResult {
  runId: string;
  dir: string;
}

export interface EvaluateParams {
  uri: string;
}

export interface EvaluateResult {
  ok: boolean;
  score: number | null;
  metrics: Record<string, number>;
  keyMetric?: string;
  error?: string;
  checks?: CheckView[];
  /** True when the score came from the content-hash cache or a run journal. */
  cached: boolean;
}

/** Whether the server can say how to score a file without asking the user. */
export interface ResolveParams {
  uri: string;
}

export interface ResolveResult {
  evolvable: boolean;
  /** Evaluator id the settings or inference chose, when one was found. */
  evaluator?: string;
  /** Why the file cannot be evolved as it is, in words for the user. */
  reason?: string;
}

export interface CandidateSummary {
  id: string;
  index: number;
  island: number;
  parentIds: string[];
  generator: string;
  ok: boolean;
  score: number | null;
  /** Validation score, when the run has a validation set and this candidate was validated. */
  validation?: number | null;
  metrics: Record<string, number>;
  /** Metric differences against the starting program (candidate minus baseline); empty when scored on fewer workloads than the baseline. */
  deltas: Record<string, number>;
  /** The starting program's score on exactly the workloads this candidate was scored on. */
  baselineScore: number | null;
  /** Search workloads scored (fewer than the run's when the cascade stopped early). */
  workloadsScored: number;
  /** Holdout score, for the candidates the run scored on holdout (the best and the starting program). */
  holdout?: number | null;
  /** Per-workload results (search, then validation) next to the starting program's. */
  workloads: WorkloadRow[];
  /** Verdicts on properties and guardrails. */
  checks: CheckView[];
  /** Why accepting it needs a confirmation (a violated property, a broken guardrail, worse on holdout). */
  concerns: string[];
  improvement: boolean;
  admitted: boolean;
  duplicateOf?: string;
  cascadeStopped?: boolean;
  error?: string;
  explanation?: string;
  decision?: 'accepted' | 'rejected';
  note?: string;
  sourceHash: string;
  pending: boolean;
}

export interface HistoryPoint {
  index: number;
  id: string;
  island: number;
  score: number | null;
  validation: number | null;
  ok: boolean;
  decision?: 'accepted' | 'rejected';
}

export interface RunSnapshot {
  runId: string;
  dir: string;
  file: string;
  fileName: string;
  evaluator: string;
  generator: string;
  domain: string;
  keyMetric?: string;
  status: RunStatus;
  endReason?: string;
  startedAt: string;
  seed: number;
  /** Set when scores are relative to a reference policy (e.g. "Eudoxia's priority policy"): 0 = as good. */
  relativeTo?: string;
  /** Metrics where lower is better (latency, messages); every other metric is better when higher. */
  lowerIsBetter: string[];
  failure?: RunFailure;
  /** Proposals rejected before evaluation, newest first (at most 50). */
  rejected: RejectedProposal[];
  /** Holdout scores of the best candidate and the starting program, once the run ended. */
  holdout?: { bestId: string; best: number | null; initial: number | null };
  searchWorkloads: number;
  proposed: number;
  evaluated: number;
  failed: number;
  duplicates: number;
  spendUsd: number;
  /** Remote workers attached through a broker (live broker runs only). */
  workers?: { evaluators: number; samplers: number };
  target?: number;
  bestId: string;
  bestScore: number | null;
  initialScore: number | null;
  islands: number;
  /** Ranked best first; failed candidates last. */
  candidates: CandidateSummary[];
  /** Every evaluated candidate in index order, for the score history chart. */
  history: HistoryPoint[];
  bestHistory: { index: number; id: string; score: number }[];
  /** Candidates no other candidate beats on every objective, when the evaluator declares objectives. */
  pareto?: { objectives: string[]; members: { id: string; score: number | null; values: number[] }[] };
  /** ELO leaderboard of the latest self-play report for this file (cluster domain). */
  leaderboard?: { id: string; rating: number; round: number; level: string; reward: number | null }[];
  notes: string[];
}

/** One round of a self-play curriculum: the level played and the policy's success rate on it. */
export interface CurriculumStepView {
  round: number;
  level: string;
  successes: number;
  total: number;
  rate: number;
  advanced: boolean;
}

/** Self-play of a cluster policy, live (its progress lines) or from its latest report. */
export interface SelfPlayView {
  file: string;
  fileName: string;
  running: boolean;
  /** The newest progress lines (rounds, attacker, defender), oldest first. */
  lines: string[];
  /** How it ended, in one line. */
  result?: { ok: boolean; message: string };
  levelReached?: string;
  curriculum?: CurriculumStepView[];
  leaderboard?: NonNullable<RunSnapshot['leaderboard']>;
}

export interface SelfPlayParams {
  uri: string;
  rounds: number;
}

/** A run as listed in the tree view (no candidates). */
export interface RunListEntry {
  runId: string;
  dir: string;
  file: string;
  fileName: string;
  status: RunStatus;
  endReason?: string;
  startedAt: string;
  seed: number;
  evaluated: number;
  bestScore: number | null;
  initialScore: number | null;
  failure?: RunFailure;
}

export interface ListRunsParams {
  /** Only runs of this file (absolute path), when set. */
  file?: string;
}

export interface CandidateRef {
  runId: string;
  candidateId: string;
}

/** One decision a candidate made, with the reason it gave (for the person reviewing it). */
export interface DecisionNote {
  /** What was decided about (a task id). */
  subject: string;
  /** What was chosen (a node id). */
  choice: string;
  /** Simulated time of the decision, in seconds. */
  time: number;
  reason: string;
}

/** The reasons a candidate gave on one representative workload: its first decisions, in order. */
export interface DecisionTrace {
  workload: string;
  notes: DecisionNote[];
}

export interface CandidateSource {
  runId: string;
  candidateId: string;
  fileName: string;
  code: string;
  /** Text of the file when the run started: what the candidate was derived from. */
  base: string;
  /** Its explained decisions, when its evaluator records them and it gave reasons. */
  decisions?: DecisionTrace;
}

export interface TextEditSpec {
  /** Offsets into the document text the plan was made against. */
  start: number;
  end: number;
  newText: string;
}

export interface PlanAcceptParams extends CandidateRef {
  /** The document's current text. */
  current: string;
}

export type AcceptPlan =
  /** `concerns`: why accepting needs an explicit confirmation (violated property, broken guardrail, holdout regression). */
  | { kind: 'apply'; edits: TextEditSpec[]; rebased: boolean; concerns?: string[] }
  | { kind: 'unchanged' }
  | { kind: 'refused'; reason: string };

export interface DecisionParams extends CandidateRef {
  decision: 'accepted' | 'rejected';
  note?: string;
}

export interface SecretsParams {
  /** Environment-style names (e.g. OPENAI_API_KEY) to values; an empty value removes the key. */
  secrets: Record<string, string>;
}

export interface TestConnectionParams {
  generator: string;
  models: string[];
  baseUrl?: string;
}

export interface TestConnectionResult {
  ok: boolean;
  message: string;
}

export interface TrustParams {
  trusted: boolean;
}

/** A generator as the editor offers it. */
export interface GeneratorInfo {
  id: string;
  label: string;
  description: string;
  /** Lower-case extensions (no dot) it works on; empty: any file. */
  extensions: string[];
}

/** A problem domain as the editor sees it (from the domain descriptors the server holds). */
export interface DomainInfo {
  id: string;
  label: string;
  description: string;
  /** Lower-case extensions (no dot) of files it scores. */
  extensions: string[];
  /** Source of a RegExp: content that makes a file worth evolving without EVOLVE-BLOCK markers; absent: every file. */
  contentPattern?: string;
  /** VS Code language ids whose documents the server should see. */
  languageIds: string[];
  /** Generators that can work on its files (filter by `extensions` for one file). */
  generators: GeneratorInfo[];
  /** The generator a run of a file with this extension uses when settings name none. */
  defaultGenerators: { [extension: string]: string };
  /** Scoring needs a shell command from the user. */
  needsCommand: boolean;
  /** Policies of this domain can be hardened by self-play. */
  selfPlay: boolean;
}

/** Requests the extension sends to the server: method -> params and result. */
export interface ServerRequests {
  'policyEvolver/evolve': { params: EvolveParams; result: RunStartedResult };
  'policyEvolver/evaluate': { params: EvaluateParams; result: EvaluateResult };
  'policyEvolver/resolve': { params: ResolveParams; result: ResolveResult };
  'policyEvolver/stop': { params: RunRef; result: boolean };
  'policyEvolver/resume': { params: RunRef & { overrides?: RunOverrides }; result: RunStartedResult };
  'policyEvolver/listRuns': { params: ListRunsParams; result: RunListEntry[] };
  'policyEvolver/snapshot': { params: RunRef; result: RunSnapshot };
  'policyEvolver/candidateSource': { params: CandidateRef; result: CandidateSource };
  'policyEvolver/planAccept': { params: PlanAcceptParams; result: AcceptPlan };
  'policyEvolver/decision': { params: DecisionParams; result: boolean };
  'policyEvolver/setSecrets': { params: SecretsParams; result: boolean };
  'policyEvolver/testConnection': { params: TestConnectionParams; result: TestConnectionResult };
  'policyEvolver/setTrust': { params: TrustParams; result: boolean };
  'policyEvolver/deleteRun': { params: RunRef; result: boolean };
  'policyEvolver/selfPlay': { params: SelfPlayParams; result: SelfPlayView };
  'policyEvolver/stopSelfPlay': { params: { file: string }; result: boolean };
  'policyEvolver/selfPlayView': { params: { file: string }; result: SelfPlayView | null };
  'policyEvolver/domains': { params: Record<string, never>; result: DomainInfo[] };
}

/** Notifications the server sends to the extension. */
export interface ClientNotifications {
  'policyEvolver/runEvent': { runId: string; event: EngineEvent };
  'policyEvolver/runStatus': { runId: string; status: RunStatus; reason?: string; message?: string; failure?: RunFailure; file: string };
  'policyEvolver/selfPlayProgress': SelfPlayView;
}

export type ServerRequestMethod = keyof ServerRequests;
export type ClientNotificationMethod = keyof ClientNotifications;

/** Options the extension passes when it starts the server. */
export interface ServerInitOptions {
  trusted: boolean;
  /** Folder holding the grammar .wasm files. */
  grammarsDir: string;
}

/** Command ids the server puts in CodeLenses; the extension registers them. */
export const LENS_COMMANDS = {
  evolve: 'policyEvolver.evolve',
  evaluate: 'policyEvolver.evaluate',
  history: 'policyEvolver.showHistory',
  restricted: 'policyEvolver.explainRestricted',
  counterexample: 'policyEvolver.showCounterexample',
} as const;

/** Argument of the "Show Counterexample" command: the violation and its evidence as text. */
export interface CounterexampleArgs {
  title: string;
  text: string;
}

export function isRunStatus(value: unknown): value is RunStatus {
  return value === 'running' || value === 'stopped' || value === 'cancelled' || value === 'ended' || value === 'failed';
}
