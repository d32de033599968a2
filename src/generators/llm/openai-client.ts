// OpenAI chat completions through the official SDK: OpenAI itself and any server speaking the
// same wire format (Ollama, vLLM, LM Studio, llama.cpp, Azure's v1 endpoint).

import type OpenAiSdk from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { classifyError, LlmCallError } from './errors';
import type { NormalizedTokens } from './prices';
import { estimateUsage, NO_KEY, type ClientConfig, type Completion, type CompletionRequest, type ProviderClient } from './provider';

export function createOpenAiClient(provider: 'openai' | 'openai-compatible', config: ClientConfig): ProviderClient {
  // Required here, not imported: the SDK ships as its own file (scripts/build.mjs) that only a
  // process talking to an OpenAI-style server should parse.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const OpenAI = (require('openai') as { default: typeof OpenAiSdk }).default;
  const client = new OpenAI({
    apiKey: config.apiKey ?? NO_KEY,
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL: config.baseUrl,
    maxRetries: 0,
    timeout: config.timeoutMs,
    logLevel: 'off',
  });
  const label = (model: string) => `${provider} model '${model}' at ${config.baseUrl}`;

  return {
    provider,
    baseUrl: config.baseUrl,

    async complete(req: CompletionRequest, signal: AbortSignal, onActivity: () => void): Promise<Completion> {
      const params: ChatCompletionCreateParamsStreaming = {
        model: req.model,
        messages: [
          { role: 'system', content: req.system },
          { role: 'user', content: req.user },
        ],
        stream: true,
        stream_options: { include_usage: true },
        // OpenAI renamed the limit for reasoning models; compatible servers mostly know the old name.
        ...(provider === 'openai' ? { max_completion_tokens: req.maxTokens } : { max_tokens: req.maxTokens }),
        ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
        ...(req.reasoningEffort ? { reasoning_effort: req.reasoningEffort } : {}),
      };
      let text = '';
      let started = false;
      let finishReason: string | undefined;
      let tokens: NormalizedTokens | undefined;
      try {
        const stream = await client.chat.completions.create(params, { signal });
        for await (const chunk of stream) {
          started = true;
          onActivity();
          const choice = chunk.choices[0];
          if (choice?.delta?.content) text += choice.delta.content;
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          if (chunk.usage) {
            tokens = {
              inputTokens: chunk.usage.prompt_tokens ?? 0,
              outputTokens: chunk.usage.completion_tokens ?? 0,
              cachedInputTokens: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0,
              cacheWriteTokens: 0,
            };
          }
        }
        // The SDK ends the iteration quietly when the request is aborted; a cut-short reply must not pass as complete.
        if (signal.aborted) throw new LlmCallError(`${label(req.model)}: request aborted`, 'network');
      } catch (err) {
        const e = classifyError(err, label(req.model), config.keyHint);
        if (!started) throw e;
        throw new LlmCallError(e.message, e.kind, {
          ...e.details,
          partialTokens: tokens ?? estimateUsage(req, text),
        });
      }
      if (!started) throw new LlmCallError(`${label(req.model)}: the stream ended without any data`, 'server');
      // Every complete chat-completions stream ends its choice with a finish reason; a connection
      // closed cleanly before it is a cut-off reply, and retried as one.
      if (finishReason === undefined) {
        throw new LlmCallError(`${label(req.model)}: the stream closed before the reply was complete (no finish reason after ${text.length} characters)`, 'truncated', {
          partialTokens: tokens ?? estimateUsage(req, text),
        });
      }
      return { text, tokens: tokens ?? estimateUsage(req, text), estimated: tokens === undefined, ...(finishReason ? { finishReason } : {}) };
    },

    async listModels(signal: AbortSignal): Promise<string[]> {
      const ids: string[] = [];
      try {
        for await (const m of client.models.list({ signal })) {
          ids.push(m.id);
          if (ids.length >= 2000) break;
        }
      } catch (err) {
        throw classifyError(err, `${provider} endpoint ${config.baseUrl}`, config.keyHint);
      }
      return ids.sort();
    },
  };
}

