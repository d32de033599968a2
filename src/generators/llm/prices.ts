// The price table behind the cost ledger. Defaults are list prices in USD per million tokens as
// published by the providers (checked 2025); they change, so every entry can be overridden by
// the `prices` option, and a model missing from the table costs 0 with a warning.

import type { TokenUsage } from '../../core/types';

export interface Price {
  /** USD per million uncached input tokens. */
  input: number;
  /** USD per million output tokens (reasoning tokens included). */
  output: number;
  /** USD per million input tokens read from the provider's prompt cache; defaults to `input`. */
  cachedInput?: number;
  /** USD per million input tokens written to the prompt cache (Anthropic); defaults to `input`. */
  cacheWrite?: number;
}

export type PriceTable = Record<string, Price>;

/** Keys are model ids or id prefixes; the longest prefix that matches wins (dated snapshots match their family). */
export const DEFAULT_PRICES: Readonly<PriceTable> = {
  // OpenAI
  'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  o1: { input: 15, output: 60, cachedInput: 7.5 },
  o3: { input: 2, output: 8, cachedInput: 0.5 },
  'o3-mini': { input: 1.1, output: 4.4, cachedInput: 0.55 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  // Anthropic: cache reads cost 0.1x input, 5-minute cache writes 1.25x.
  'claude-opus-4-5': { input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-1': { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 },
  'claude-opus-4': { input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
  'claude-3-7-sonnet': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08, cacheWrite: 1 },
  'claude-3-haiku': { input: 0.25, output: 1.25, cachedInput: 0.03, cacheWrite: 0.3 },
};

/** Longest key that equals the model id or prefixes it at a `-` boundary. */
export function findPrice(model: string, table: Readonly<PriceTable>): Price | undefined {
  const id = model.toLowerCase().replace(/^.*\//, '');
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    const k = key.toLowerCase();
    if ((id === k || id.startsWith(`${k}-`)) && (best === undefined || k.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/** Token counts as every provider's usage is normalised to. */
export interface NormalizedTokens {
  /** All prompt tokens, cached or not. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the cache (a subset of `inputTokens`). */
  cachedInputTokens: number;
  /** Prompt tokens written to the cache (a subset of `inputTokens`, Anthropic only). */
  cacheWriteTokens: number;
}

export function costUsd(tokens: NormalizedTokens, price: Price | undefined): number {
  if (!price) return 0;
  const plain = Math.max(0, tokens.inputTokens - tokens.cachedInputTokens - tokens.cacheWriteTokens);
  const usd =
    plain * price.input +
    tokens.cachedInputTokens * (price.cachedInput ?? price.input) +
    tokens.cacheWriteTokens * (price.cacheWrite ?? price.input) +
    tokens.outputTokens * price.output;
  return usd / 1e6;
}

export function toTokenUsage(provider: string, model: string, tokens: NormalizedTokens, price: Price | undefined): TokenUsage {
  return {
    provider,
    model,
    inputTokens: tokens.inputTokens,
    outputTokens: tokens.outputTokens,
    cachedInputTokens: tokens.cachedInputTokens,
    costUsd: costUsd(tokens, price),
  };
}
