// One model call as the generator sees it: wait for the endpoint's limiter, stream with a stall
// timer and an overall timeout, retry what is worth retrying, price the tokens and report them.
// Every failure leaves here as a redacted LlmCallError or as the caller's AbortError.

import type { TokenUsage } from '../../core/types';
import { abortError, LlmCallError } from './errors';
import type { EndpointLimiter } from './limiter';
import type { ResolvedModel } from './options';
import { findPrice, toTokenUsage, type NormalizedTokens, type PriceTable } from './prices';
import type { Completion, ProviderClient } from './provider';
import type { Redactor } from './redact';
import { withRetry, type RetryPolicy } from './retry';

export interface CallSettings {
  retry: RetryPolicy;
  timeoutMs: number;
  stallTimeoutMs: number;
  promptCache: boolean;
  prices: PriceTable;
}

export interface CallHooks {
  redactor: Redactor;
  log(message: string): void;
  /** Every priced call, including failed attempts that consumed tokens. */
  onUsage(usage: TokenUsage, source: string): void;
}

export interface Arm {
  spec: ResolvedModel;
  client: ProviderClient;
  limiter: EndpointLimiter;
}

export interface CallOutcome {
  completion: Completion;
  usage: TokenUsage;
}

/** Warnings said once per arm rather than once per call. */
const warned = new WeakMap<Arm, Set<string>>();

function warnOnce(arm: Arm, key: string, hooks: CallHooks, message: string): void {
  let set = warned.get(arm);
  if (!set) warned.set(arm, (set = new Set()));
  if (set.has(key)) return;
  set.add(key);
  hooks.log(message);
}

function price(arm: Arm, settings: CallSettings, hooks: CallHooks, tokens: NormalizedTokens): TokenUsage {
  const p = findPrice(arm.spec.model, settings.prices);
  if (!p && arm.spec.provider !== 'openai-compatible') {
    warnOnce(arm, 'price', hooks, `no price known for ${arm.spec.source}: its calls are counted as $0; add it to the generator's "prices" option`);
  }
  return toTokenUsage(arm.spec.provider, arm.spec.model, tokens, p);
}

async function attempt(arm: Arm, system: string, user: string, settings: CallSettings, signal: AbortSignal, maxTokens: number, temperature: number | undefined): Promise<Completion> {
  const ctrl = new AbortController();
  let cause: 'stalled' | 'timeout' | undefined;
  const onOuter = () => ctrl.abort(signal.reason);
  signal.addEventListener('abort', onOuter, { once: true });
  // A signal aborted before we listened never fires the event.
  if (signal.aborted) ctrl.abort(signal.reason);
  const stop = (why: 'stalled' | 'timeout') => () => {
    cause ??= why;
    ctrl.abort();
  };
  let stall = setTimeout(stop('stalled'), settings.stallTimeoutMs);
  const overall = setTimeout(stop('timeout'), settings.timeoutMs);
  const label = `${arm.spec.provider} model '${arm.spec.model}' at ${arm.spec.baseUrl}`;
  try {
    return await arm.client.complete(
      {
        model: arm.spec.model,
        system,
        user,
        maxTokens,
        ...(temperature !== undefined ? { temperature } : {}),
        ...(arm.spec.reasoningEffort ? { reasoningEffort: arm.spec.reasoningEffort } : {}),
        promptCache: settings.promptCache,
      },
      ctrl.signal,
      () => {
        clearTimeout(stall);
        stall = setTimeout(stop('stalled'), settings.stallTimeoutMs);
      },
    );
  } catch (err) {
    const partialTokens = err instanceof LlmCallError ? err.details.partialTokens : undefined;
    const extra = partialTokens ? { partialTokens } : {};
    // Cancelled by the caller: keep the partial usage for the ledger; `run` turns this into the AbortError.
    if (signal.aborted) throw new LlmCallError('cancelled', 'network', extra);
    if (cause === 'stalled') throw new LlmCallError(`${label}: the stream sent nothing for ${settings.stallTimeoutMs / 1000} s`, 'stalled', extra);
    if (cause === 'timeout') throw new LlmCallError(`${label}: no complete reply within ${settings.timeoutMs / 1000} s`, 'timeout', extra);
    throw err;
  } finally {
    clearTimeout(stall);
    clearTimeout(overall);
    signal.removeEventListener('abort', onOuter);
  }
}

/**
 * Calls the arm's model with retries. Returns the completion and its priced usage (already
 * reported through `hooks.onUsage`); throws LlmCallError (redacted) or the caller's AbortError.
 */
export async function callModel(
  arm: Arm,
  system: string,
  user: string,
  settings: CallSettings,
  hooks: CallHooks,
  signal: AbortSignal,
  maxTokens = arm.spec.maxTokens,
  temperature = arm.spec.temperature,
): Promise<CallOutcome> {
  const run = async (): Promise<Completion> => {
    const release = await arm.limiter.acquire(signal);
    try {
      return await attempt(arm, system, user, settings, signal, maxTokens, temperature);
    } catch (err) {
      if (err instanceof LlmCallError && err.details.partialTokens) {
        hooks.onUsage(price(arm, settings, hooks, err.details.partialTokens), arm.spec.source);
      }
      if (signal.aborted) throw abortError(signal);
      throw err instanceof LlmCallError ? hooks.redactor.redactError(err) : err;
    } finally {
      release();
    }
  };
  const completion = await withRetry(run, settings.retry, signal, {
    onRetry: (err, retry, delayMs) =>
      hooks.log(hooks.redactor.redact(`${err.message}; retry ${retry} of ${settings.retry.retries} in ${(delayMs / 1000).toFixed(1)} s`)),
  });
  if (completion.estimated) {
    warnOnce(arm, 'usage', hooks, `${arm.spec.source}: the server reported no token usage; token counts and cost are estimated`);
  }
  const usage = price(arm, settings, hooks, completion.tokens);
  hooks.onUsage(usage, arm.spec.source);
  return { completion, usage };
}
