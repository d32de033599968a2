// Why a run could not do its job, in one line and a kind the editor turns into an action ("Set API
// Key", "Open Settings", "Show Log"). A run fails when it stopped with an error, when its starting
// program did not evaluate, or when it ended without a single proposal reaching evaluation: such a
// run did nothing, and calling it "ended" would hide that.
import { StartingProgramFailed } from '../core/engine';
import type { RunState } from '../core/run-state';
import { UserError } from '../core/user-error';
import { LlmCallError } from '../generators/llm';
import type { FailureKind, RunFailure } from '../messages/lsp';

const firstLine = (text: string): string => (text.split('\n').find((l) => l.trim() !== '') ?? text).trim().slice(0, 500);

const KIND_OF_CALL_ERROR: Partial<Record<LlmCallError['kind'], FailureKind>> = {
  auth: 'auth',
  permission: 'auth',
  'rate-limit': 'rate-limit',
  quota: 'rate-limit',
  network: 'endpoint',
  timeout: 'endpoint',
  'not-found': 'endpoint',
};

/**
 * Classifies text that only survives in the journal (older runs, per-proposal errors). Errors
 * raised in this process are classified by type in `failureOfError`; this is the fallback.
 */
export function kindOfMessage(message: string): FailureKind {
  if (/\b401\b|\b403\b|unauthori[sz]ed|invalid api key|incorrect api key|authentication|api key missing|needs the key|no key was sent/i.test(message)) return 'auth';
  if (/\b429\b|rate.?limit|quota|too many requests/i.test(message)) return 'rate-limit';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|fetch failed|connection error|could not connect|cannot connect|connection refused|unreachable|timed out|\b404\b|not found/i.test(message)) return 'endpoint';
  return 'error';
}

/** A run's failure from the error its engine threw. */
export function failureOfError(err: unknown): RunFailure {
  const message = firstLine(err instanceof Error ? err.message : String(err)) || 'the run stopped with an error';
  if (err instanceof StartingProgramFailed) return { kind: 'starting-program', message };
  if (err instanceof LlmCallError) return { kind: KIND_OF_CALL_ERROR[err.kind] ?? 'error', message };
  const kind = kindOfMessage(message);
  if (kind === 'error' && err instanceof UserError) return { kind: 'config', message };
  return { kind, message };
}

/** The failure a replayed run shows, or undefined when it did its job (or is still running, or was cancelled). */
export function failureOfState(state: RunState): RunFailure | undefined {
  if (state.ended === 'cancelled') return undefined;
  const initial = state.initial();
  if (initial?.result && !initial.result.ok) {
    return { kind: 'starting-program', message: firstLine(`the starting program failed its evaluation: ${initial.result.error ?? 'no score'}`) };
  }
  if (state.ended === 'error') {
    const message = state.endError ?? state.failures[state.failures.length - 1]?.error ?? 'the run stopped with an error';
    return { kind: kindOfMessage(message), message: firstLine(message) };
  }
  if (state.ended === undefined) return undefined;
  const reachedEvaluation = [...state.candidates.values()].some((c) => c.index > 0);
  const lastProposalError = [...state.failures].reverse().find((f) => f.id === undefined)?.error;
  if (!reachedEvaluation && state.proposalsFailed > 0) {
    const last = lastProposalError ?? 'no reason recorded';
    return { kind: kindOfMessage(last) === 'error' ? 'no-candidates' : kindOfMessage(last), message: firstLine(`no candidate reached evaluation: all ${state.proposalsFailed} proposals failed (last: ${last})`) };
  }
  return undefined;
}
