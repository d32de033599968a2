// The one public way to use a model outside candidate generation (self-play's attacker, tools):
// a prompt in, text out, through the same keys, limits, retries, redaction and cost accounting as
// the generators. Callers never reach the provider clients or the call loop themselves.
import type { JsonValue, TokenUsage } from '../../core/types';
import { createAnthropicClient } from './anthropic-client';
import { callModel, type Arm, type CallSettings } from './call';
import { LlmConfigError } from './errors';
import { EndpointLimiter } from './limiter';
import { resolveKey } from './llm-generator';
import { createOpenAiClient } from './openai-client';
import { parseSingleModelOptions, type ProviderKind } from './options';
import { DEFAULT_PRICES } from './prices';
import { Redactor } from './redact';

export interface TextModel {
  /** `provider:model` as given (or the model's label). */
  readonly id: string;
  complete(system: string, user: string, signal: AbortSignal): Promise<string>;
}

export interface TextModelContext {
  /** API key lookup (environment or the editor's secrets); keys never reach logs. */
  secret(name: string): string | undefined;
  onUsage?(usage: TokenUsage): void;
  log?(message: string): void;
  /** OpenAI-compatible server for `openai-compatible:` models. */
  baseUrl?: string;
  maxTokens?: number;
}

const PROVIDER_NAMES: ProviderKind[] = ['openai', 'anthropic', 'openai-compatible'];

/** A text model from `provider:model` (openai, anthropic, or openai-compatible with `baseUrl`). */
export function createTextModel(spec: string, ctx: TextModelContext, purpose = 'text model'): TextModel {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new LlmConfigError(`${purpose} must be 'provider:model', e.g. openai:gpt-4.1-mini, got '${spec}'`);
  const provider = spec.slice(0, colon) as ProviderKind;
  if (!PROVIDER_NAMES.includes(provider)) throw new LlmConfigError(`unknown ${purpose} provider '${provider}' (${PROVIDER_NAMES.join(', ')})`);
  const options: { [key: string]: JsonValue } = { provider, model: spec.slice(colon + 1), maxTokens: ctx.maxTokens ?? 8000 };
  if (ctx.baseUrl) options['baseUrl'] = ctx.baseUrl;
  const resolved = parseSingleModelOptions(options, provider === 'anthropic' ? 'anthropic' : 'openai', purpose);
  const model = resolved.models[0];
  if (!model) throw new LlmConfigError(`${purpose}: no model`);
  const key = resolveKey(model, ctx.secret);
  if (key.missing) throw new LlmConfigError(key.missing);
  const redactor = new Redactor();
  redactor.add(key.key);
  const config = { baseUrl: model.baseUrl, keyHint: key.hint, timeoutMs: resolved.timeoutMs, ...(key.key ? { apiKey: key.key } : {}) };
  const client = model.provider === 'anthropic' ? createAnthropicClient(config) : createOpenAiClient(model.provider, config);
  const limits = resolved.limits[model.provider];
  const arm: Arm = { spec: model, client, limiter: new EndpointLimiter(limits.concurrency, limits.rateLimitPerMinute) };
  const settings: CallSettings = {
    retry: { retries: resolved.retries, baseDelayMs: resolved.retryBaseDelayMs, maxDelayMs: resolved.retryMaxDelayMs, maxRetryAfterMs: resolved.maxRetryAfterMs },
    timeoutMs: resolved.timeoutMs,
    stallTimeoutMs: resolved.stallTimeoutMs,
    promptCache: resolved.promptCache,
    prices: { ...DEFAULT_PRICES, ...resolved.prices },
  };
  return {
    id: model.source,
    async complete(system, user, signal) {
      const { completion } = await callModel(arm, system, user, settings, { redactor, log: (m) => ctx.log?.(redactor.redact(m)), onUsage: (u) => ctx.onUsage?.(u) }, signal);
      return completion.text;
    },
  };
}
