// Checking an endpoint before a run: which URL and key would be used, which models it offers,
// and (given a model) whether a one-line completion comes back. Used by `policy-evolver llm test`
// and usable from the editor.

import type { TokenUsage } from '../../core/types';
import { UserError } from '../../core/user-error';
import { createAnthropicClient } from './anthropic-client';
import { LlmCallError, LlmConfigError } from './errors';
import { resolveKey } from './llm-generator';
import { isLoopback } from './model-defaults';
import { createOpenAiClient } from './openai-client';
import { parseSingleModelOptions, type ProviderKind } from './options';
import { DEFAULT_PRICES, findPrice, toTokenUsage } from './prices';
import { Redactor } from './redact';

export interface EndpointQuery {
  provider: ProviderKind;
  baseUrl?: string;
  model?: string;
  apiKeyEnv?: string;
  timeoutMs?: number;
}

export interface EndpointReport {
  provider: ProviderKind;
  baseUrl: string;
  /** Which secret supplies the key and whether it is set; never the key itself. */
  key: { name?: string; set: boolean; needed: boolean };
  models: string[];
  /** Set when listing models failed (some compatible servers do not implement it). */
  modelsError?: string;
  model?: string;
  /** Whether the endpoint lists `model`. */
  modelListed?: boolean;
  /** The one-line completion, when a model was given. */
  ping?: { reply: string; ms: number; usage: TokenUsage };
}

/** Resolves the endpoint and talks to it. Throws LlmConfigError for a bad query, UserError for a missing key, LlmCallError when the endpoint fails. */
export async function checkEndpoint(query: EndpointQuery, secret: (name: string) => string | undefined, signal: AbortSignal): Promise<EndpointReport> {
  const options = parseSingleModelOptions(
    {
      provider: query.provider,
      model: query.model ?? 'connectivity-check',
      ...(query.baseUrl ? { baseUrl: query.baseUrl } : {}),
      ...(query.apiKeyEnv ? { apiKeyEnv: query.apiKeyEnv } : {}),
      ...(query.timeoutMs ? { timeoutMs: query.timeoutMs } : {}),
    },
    query.provider === 'anthropic' ? 'anthropic' : 'openai',
    'llm test',
  );
  const spec = options.models[0];
  if (!spec) throw new LlmConfigError('llm test: no model to check');
  // Without --model the placeholder model name would only confuse.
  const choice = resolveKey(spec, secret, Boolean(query.model));
  // A missing key is a setting to fix, as in a run (exit 3), not a misuse of the command.
  if (choice.missing) throw new UserError(choice.missing);
  const redactor = new Redactor();
  redactor.add(choice.key);
  const config = { baseUrl: spec.baseUrl, keyHint: choice.hint, timeoutMs: options.timeoutMs, ...(choice.key ? { apiKey: choice.key } : {}) };
  const client = spec.provider === 'anthropic' ? createAnthropicClient(config) : createOpenAiClient(spec.provider, config);
  const keyName = spec.provider === 'openai-compatible' ? spec.apiKeyEnv : choice.hint;
  const report: EndpointReport = {
    provider: spec.provider,
    baseUrl: spec.baseUrl,
    key: { ...(keyName ? { name: keyName } : {}), set: choice.key !== undefined, needed: spec.provider !== 'openai-compatible' && !isLoopback(spec.baseUrl) },
    models: [],
  };
  try {
    report.models = await client.listModels(signal);
  } catch (err) {
    if (!(err instanceof LlmCallError)) throw err;
    // Without a model to try, a failed listing is the whole answer.
    if (!query.model || err.kind === 'auth') throw redactor.redactError(err);
    report.modelsError = redactor.redact(err.message);
  }
  if (query.model) {
    report.model = query.model;
    report.modelListed = report.models.includes(query.model);
    const started = Date.now();
    try {
      const completion = await client.complete(
        { model: query.model, system: 'You are a connectivity check.', user: 'Reply with the single word OK.', maxTokens: 16, promptCache: false },
        signal,
        () => undefined,
      );
      const price = findPrice(query.model, DEFAULT_PRICES);
      report.ping = { reply: completion.text.trim(), ms: Date.now() - started, usage: toTokenUsage(spec.provider, query.model, completion.tokens, price) };
    } catch (err) {
      throw err instanceof Error ? redactor.redactError(err) : err;
    }
  }
  return report;
}
