// What the generator needs from a provider: one streamed completion and the model list. Each
// SDK sits behind this so retries, limits, cost and recording are written once.

import { estimatePromptTokens, estimateTokens } from '../../core/prompt';
import type { ReasoningEffort, ProviderKind } from './options';
import type { NormalizedTokens } from './prices';

export interface CompletionRequest {
  model: string;
  system: string;
  user: string;
  maxTokens: number;
  temperature?: number;
  reasoningEffort?: ReasoningEffort;
  /** Ask the provider to cache the system prompt where that is opt-in (Anthropic). */
  promptCache: boolean;
}

export interface Completion {
  text: string;
  tokens: NormalizedTokens;
  /** True when the server reported no usage and the counts are estimates. */
  estimated: boolean;
  /** `stop`, `length` (cut by the token limit) or the provider's own word. */
  finishReason?: string;
}

export interface ProviderClient {
  readonly provider: ProviderKind;
  readonly baseUrl: string;
  /** Streams one completion; `onActivity` is called for every chunk so stalls can be detected. */
  complete(request: CompletionRequest, signal: AbortSignal, onActivity: () => void): Promise<Completion>;
  /** Model ids the endpoint offers. */
  listModels(signal: AbortSignal): Promise<string[]>;
}

export interface ClientConfig {
  baseUrl: string;
  /** Undefined for keyless local endpoints. */
  apiKey?: string;
  /** Says which secret to check when the server rejects the key. */
  keyHint: string;
  timeoutMs: number;
}

/** Placeholder credential for endpoints that need none; the SDKs refuse to start without one. */
export const NO_KEY = 'no-key';

/** Token counts for a server that reports none (some local servers), from the text sizes. */
export function estimateUsage(req: CompletionRequest, text: string): NormalizedTokens {
  return { inputTokens: estimatePromptTokens(req.system, req.user), outputTokens: estimateTokens(text), cachedInputTokens: 0, cacheWriteTokens: 0 };
}
