// Our own retry loop (the SDKs' are turned off): capped, exponential with jitter, honouring the
// server's Retry-After, and abortable at every wait so cancelling a run never waits out a backoff.

import { abortError, LlmCallError } from './errors';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this gives up instead of stalling the run. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 300_000 };

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Delay before retry number `retry` (1-based): Retry-After when given, else jittered exponential. */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export interface RetryEvents {
  onRetry?(err: LlmCallError, retry: number, delayMs: number): void;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or runs out of retries.
 * The final error says how many attempts were made.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, signal: AbortSignal, events: RetryEvents = {}): Promise<T> {
  for (let n = 0; ; n++) {
    if (signal.aborted) throw abortError(signal);
    try {
      return await attempt(n);
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      if (!(err instanceof LlmCallError) || !err.retryable) throw err;
      const after = err.details.retryAfterMs;
      if (n >= policy.retries) {
        throw new LlmCallError(`${err.message} (gave up after ${n + 1} attempt${n === 0 ? '' : 's'})`, err.kind, err.details);
      }
      if (after !== undefined && after > policy.maxRetryAfterMs) {
        throw new LlmCallError(`${err.message} (the server asked to wait ${Math.ceil(after / 1000)} s, more than the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s allowed)`, err.kind, err.details);
      }
      const delay = retryDelay(policy, n + 1, after);
      events.onRetry?.(err, n + 1, delay);
      await sleep(delay, signal);
    }
  }
}
