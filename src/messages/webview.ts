// Messages between the review panel host (extension) and the webview app. The host holds the
// truth and re-sends a full snapshot whenever the webview (re)announces itself; the webview keeps
// only view state (selection, note drafts) that it may persist with setState.
import type { DecisionTrace, RunListEntry, RunSnapshot, SelfPlayView } from './lsp';

export interface DiffLine {
  kind: 'context' | 'add' | 'del';
  text: string;
  /** Line numbers in the old (current file) and new (candidate) text. */
  oldLine?: number;
  newLine?: number;
}

export interface DiffHunk {
  header: string;
  lines: DiffLine[];
}

export interface CandidateDetail {
  runId: string;
  candidateId: string;
  /** Against the file as it is now in the editor. */
  hunks: DiffHunk[];
  /** The file changed since the run started (accept will rebase or refuse). */
  fileChanged: boolean;
  /** The reasons it gave for its first decisions on one workload, when it gave any. */
  decisions?: DecisionTrace;
}

export type HostMessage =
  | { type: 'snapshot'; snapshot: RunSnapshot | null; runs: RunListEntry[]; trusted: boolean }
  | { type: 'detail'; detail: CandidateDetail }
  | { type: 'detail-error'; candidateId: string; message: string }
  | { type: 'busy'; candidateId: string; busy: boolean }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  /** A counterexample to show (from a diagnostic's "Show Counterexample"). */
  | { type: 'counterexample'; title: string; text: string }
  /** Self-play of a cluster policy: its curriculum, leaderboard and progress. */
  | { type: 'selfplay'; view: SelfPlayView };

/** Actions a failure banner offers; the host maps each to a command. */
export type FailureAction = 'set-api-key' | 'open-settings' | 'show-log';
const FAILURE_ACTIONS = new Set<string>(['set-api-key', 'open-settings', 'show-log']);

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'select-run'; runId: string }
  | { type: 'select'; candidateId: string }
  | { type: 'open-diff'; candidateId: string }
  | { type: 'accept'; candidateId: string }
  | { type: 'reject'; candidateId: string; note: string }
  | { type: 'action'; action: FailureAction };

/** What the webview persists with vscode.setState (restored after a reload). */
export interface PersistedViewState {
  runId?: string;
  selectedId?: string;
  drafts: Record<string, string>;
}

const HOST_TYPES = new Set(['snapshot', 'detail', 'detail-error', 'busy', 'notice', 'counterexample', 'selfplay']);

/** Narrows untrusted message data before the webview acts on it. */
export function isHostMessage(value: unknown): value is HostMessage {
  return typeof value === 'object' && value !== null && HOST_TYPES.has((value as { type?: unknown }).type as string);
}

/** Narrows what a webview posted; the host never trusts webview data blindly. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof m[k] === 'string' ? (m[k] as string) : undefined);
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'select-run': {
      const runId = str('runId');
      return runId ? { type: 'select-run', runId } : undefined;
    }
    case 'select':
    case 'open-diff':
    case 'accept': {
      const candidateId = str('candidateId');
      return candidateId ? { type: m.type, candidateId } : undefined;
    }
    case 'reject': {
      const candidateId = str('candidateId');
      const note = str('note') ?? '';
      return candidateId ? { type: 'reject', candidateId, note: note.slice(0, 2000) } : undefined;
    }
    case 'action': {
      const action = str('action');
      return action && FAILURE_ACTIONS.has(action) ? { type: 'action', action: action as FailureAction } : undefined;
    }
    default:
      return undefined;
  }
}
