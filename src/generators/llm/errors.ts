// One error type for everything that can go wrong talking to a model, classified so the retry
// loop knows what to retry and the user reads what happened in one line.

import { UserError } from '../../core/user-error';
import type { NormalizedTokens } from './prices';

export type CallErrorKind =
  | 'rate-limit'
  | 'quota'
  | 'overloaded'
  | 'server'
  | 'network'
  | 'timeout'
  | 'stalled'
  /** The stream closed cleanly before the provider's end marker: the reply is incomplete. */
  | 'truncated'
  | 'context-length'
  | 'auth'
  | 'permission'
  | 'not-found'
  | 'bad-request';

const RETRYABLE: ReadonlySet<CallErrorKind> = new Set(['rate-limit', 'overloaded', 'server', 'network', 'timeout', 'stalled', 'truncated']);
/** Failures that will repeat on every call until the user changes something. */
const FATAL: ReadonlySet<CallErrorKind> = new Set(['quota', 'auth', 'permission', 'not-found']);

export interface CallErrorDetails {
  status?: number;
  retryAfterMs?: number;
  /** For context-length errors: the window and the size the server reported, when it did. */
  limit?: number;
  actual?: number;
  /** Tokens consumed by a call that failed after the model started answering (billed all the same). */
  partialTokens?: NormalizedTokens;
}

export class LlmCallError extends Error {
  constructor(
    message: string,
    readonly kind: CallErrorKind,
    readonly details: CallErrorDetails = {},
  ) {
    super(message);
    this.name = kind === 'context-length' ? 'ContextLengthError' : 'LlmCallError';
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }

  /** True when every later call would fail the same way (bad key, no quota, unknown model): a run should stop. */
  get fatal(): boolean {
    return FATAL.has(this.kind);
  }
}

/** A bad generator configuration or a missing key: the user must change something before retrying. */
export class LlmConfigError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'LlmConfigError';
  }
}

/** Cancellation through the caller's AbortSignal. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error(reason instanceof Error ? `generation cancelled: ${reason.message}` : 'generation cancelled');
  err.name = 'AbortError';
  return err;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError(signal);
}

interface HeaderBag {
  get(name: string): string | null;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as HeaderBag).get === 'function') return (headers as HeaderBag).get(name) ?? undefined;
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/** Retry-After in milliseconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const ra = headerValue(headers, 'retry-after');
  if (ra === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.ceil(Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const CONTEXT_PATTERN =
  /context[_ ]length|context window|maximum context|context size|prompt is too long|too many tokens|exceeds? the (?:available )?context|input is too long|reduce the length/i;

/** Window and prompt size from the wording OpenAI, Anthropic, vLLM and llama.cpp use. */
export function contextNumbers(message: string): { limit?: number; actual?: number } {
  const n = (s: string | undefined) => (s === undefined ? undefined : Number(s.replace(/,/g, '')));
  let m = /maximum context length is ([\d,]+)[\s\S]*?(?:requested|resulted in|have|contains?) ([\d,]+)/i.exec(message);
  if (m) return { limit: n(m[1]), actual: n(m[2]) };
  m = /([\d,]+) tokens? > ([\d,]+)/i.exec(message);
  if (m) return { actual: n(m[1]), limit: n(m[2]) };
  m = /request \(([\d,]+) tokens\) exceeds the available context size \(([\d,]+) tokens\)/i.exec(message);
  if (m) return { actual: n(m[1]), limit: n(m[2]) };
  m = /context (?:size|length|window)[^\d]{0,20}([\d,]+)/i.exec(message);
  if (m) return { limit: n(m[1]) };
  return {};
}

interface ApiErrorShape {
  status?: unknown;
  headers?: unknown;
  error?: unknown;
  code?: unknown;
  message?: unknown;
  name?: unknown;
  constructor?: { name?: string };
}

/** The server's own error message, from the body shapes both APIs use. */
function serverMessage(e: ApiErrorShape): string {
  const body = e.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const fromBody = typeof body?.error?.message === 'string' ? body.error.message : typeof body?.message === 'string' ? body.message : undefined;
  const raw = fromBody ?? (typeof e.message === 'string' ? e.message : String(e));
  return raw.length > 400 ? `${raw.slice(0, 400)}...` : raw;
}

function errorCode(e: ApiErrorShape): string | undefined {
  if (typeof e.code === 'string') return e.code;
  const body = e.error as { code?: unknown; type?: unknown; error?: { code?: unknown; type?: unknown } } | undefined;
  for (const v of [body?.error?.code, body?.code, body?.error?.type, body?.type]) if (typeof v === 'string') return v;
  return undefined;
}

/** The innermost cause's message (fetch wraps ECONNREFUSED and friends in "fetch failed"). */
function rootCause(err: unknown): string | undefined {
  let found: string | undefined;
  let e: unknown = (err as { cause?: unknown })?.cause;
  for (let depth = 0; e && depth < 5; depth++) {
    const { message, code } = e as { message?: unknown; code?: unknown };
    if (typeof message === 'string' && message) found = message;
    else if (typeof code === 'string') found = code;
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

/**
 * Classifies an error thrown by an SDK call. `label` names the model and endpoint
 * ("openai gpt-4o at https://api.openai.com/v1"); `keyHint` says which secret to check on 401.
 */
export function classifyError(err: unknown, label: string, keyHint: string): LlmCallError {
  if (err instanceof LlmCallError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ApiErrorShape;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const msg = serverMessage(e);
  const code = errorCode(e);
  const className = e.constructor?.name ?? (typeof e.name === 'string' ? e.name : '');
  const at = status !== undefined ? ` (HTTP ${status})` : '';
  if (status === undefined) {
    if (/Timeout/i.test(className)) return new LlmCallError(`${label}: request timed out`, 'timeout');
    return new LlmCallError(`${label}: cannot connect: ${rootCause(err) ?? msg}`, 'network');
  }
  const retryAfter = retryAfterMs(e.headers);
  const withRetry = retryAfter !== undefined ? { retryAfterMs: retryAfter } : {};
  if ((status === 400 || status === 413 || status === 422) && (code === 'context_length_exceeded' || CONTEXT_PATTERN.test(msg))) {
    return new LlmCallError(`${label}: the prompt is longer than the model's context window${at}: ${msg}`, 'context-length', {
      status,
      ...contextNumbers(msg),
    });
  }
  if (status === 429 && (code === 'insufficient_quota' || /quota|billing|credit/i.test(msg))) {
    return new LlmCallError(`${label}: quota or credit exhausted${at}: ${msg}`, 'quota', { status });
  }
  if (status === 429) return new LlmCallError(`${label}: rate limited${at}: ${msg}`, 'rate-limit', { status, ...withRetry });
  if (status === 401) return new LlmCallError(`${label}: authentication failed${at}; check ${keyHint}: ${msg}`, 'auth', { status });
  if (status === 403) return new LlmCallError(`${label}: permission denied${at}: ${msg}`, 'permission', { status });
  if (status === 404) return new LlmCallError(`${label}: not found${at}; check the model name and base URL: ${msg}`, 'not-found', { status });
  if (status === 529 || code === 'overloaded_error') return new LlmCallError(`${label}: overloaded${at}: ${msg}`, 'overloaded', { status, ...withRetry });
  if (status === 408 || status === 409 || status >= 500) return new LlmCallError(`${label}: server error${at}: ${msg}`, 'server', { status, ...withRetry });
  return new LlmCallError(`${label}: request rejected${at}: ${msg}`, 'bad-request', { status });
}
