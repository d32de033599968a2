// Custom LSP requests and notifications between the extension host and the language server. Both
// sides type their calls through `ServerRequests` / `ClientNotifications`, so a message whose shape
// drifts on one side is a compile error on the other. Plain data only.
import type { EngineEvent } from './progress';

export type RunStatus = 'running' | 'stopped' | 'ended' | 'failed';

/** Settings the user picked for one run (quick pick or command arguments); unset fields come from settings. */
export interface RunOverrides {
  evaluator?: string;
  /** Shell command for the `command` evaluator; `{file}` is the candidate path. */
  command?: string;
  generator?: string;
  maxCandidates?: number;
  maxWallSeconds?: number;
  maxCostUsd?: number;
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
  /** Metric differences against the starting program (candidate minus baseline). */
  deltas: Record<string, number>;
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

/** A run as listed in the tree view (no candidates). */
export interface RunListEntry {
  runId: string;
  dir: string;
  file: string;
  fileName: string;
  status: RunStatus;
  endReason?: string;
  startedAt: string;
  evaluated: number;
  bestScore: number | null;
  initialScore: number | null;
}

export interface ListRunsParams {
  /** Only runs of this file (absolute path), when set. */
  file?: string;
}

export interface CandidateRef {
  runId: string;
  candidateId: string;
}

export interface CandidateSource {
  runId: string;
  candidateId: string;
  fileName: string;
  code: string;
  /** Text of the file when the run started: what the candidate was derived from. */
  base: string;
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
  | { kind: 'apply'; edits: TextEditSpec[]; rebased: boolean }
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
  /** Lower-case extensions (no dot) of files it scores; empty: any file (it needs more than the file). */
  extensions: string[];
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
  'policyEvolver/domains': { params: Record<string, never>; result: DomainInfo[] };
}

/** Notifications the server sends to the extension. */
export interface ClientNotifications {
  'policyEvolver/runEvent': { runId: string; event: EngineEvent };
  'policyEvolver/runStatus': { runId: string; status: RunStatus; reason?: string; message?: string; file: string };
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
} as const;

export function isRunStatus(value: unknown): value is RunStatus {
  return value === 'running' || value === 'stopped' || value === 'ended' || value === 'failed';
}
