// LLM generators: `openai`, `anthropic` (one model each) and `llm` (several models with fixed
// weights or a cost-aware bandit). Options are documented in ./options.ts.

import type { GeneratorFactory } from '../types';
import { buildLlmGenerator } from './llm-generator';
import { parseLlmOptions, parseSingleModelOptions } from './options';

/** `openai` generator: `{ model, baseUrl?, provider?: 'openai' | 'openai-compatible', ... }` (see SingleModelOptions). */
export const createOpenAiGenerator: GeneratorFactory = async (options, ctx) =>
  buildLlmGenerator('openai', parseSingleModelOptions(options, 'openai', 'openai generator'), ctx);

/** `anthropic` generator: `{ model, baseUrl?, ... }` (see SingleModelOptions). */
export const createAnthropicGenerator: GeneratorFactory = async (options, ctx) =>
  buildLlmGenerator('anthropic', parseSingleModelOptions(options, 'anthropic', 'anthropic generator'), ctx);

/** `llm` generator: `{ models: [...], bandit?, record?, prices?, ... }` (see LlmOptions). */
export const createLlmGenerator: GeneratorFactory = async (options, ctx) => buildLlmGenerator('llm', parseLlmOptions(options), ctx);

export { GenerationError } from './generation';
export { createTextModel, type TextModel, type TextModelContext } from './text-model';
export { checkEndpoint, type EndpointReport } from './connectivity';
export { LlmCallError, LlmConfigError, type CallErrorKind } from './errors';
export { CassetteError, CASSETTE_VERSION, readCassette, type CassetteEntry } from './cassette';
export { DEFAULT_PRICES, findPrice, costUsd, type Price, type PriceTable } from './prices';
export { resolveKey, type LlmGenerator } from './llm-generator';
export {
  parseLlmOptions,
  parseModelShorthand,
  parseSingleModelOptions,
  PROVIDERS,
  type LlmOptions,
  type LlmSharedOptions,
  type ModelOptions,
  type ProviderKind,
  type ProviderLimits,
  type ReasoningEffort,
  type ResolvedLlmOptions,
  type ResolvedModel,
  type SingleModelOptions,
} from './options';
