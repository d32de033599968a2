// Anthropic messages through the official SDK, streamed. Usage arrives in two parts (input and
// cache counts in message_start, cumulative output in message_delta) and is normalised so that
// input counts every prompt token, cached or not, as OpenAI reports it.

import type AnthropicSdk from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import { classifyError, LlmCallError } from './errors';
import type { ReasoningEffort } from './options';
import type { NormalizedTokens } from './prices';
import { estimateUsage, NO_KEY, type ClientConfig, type Completion, type CompletionRequest, type ProviderClient } from './provider';

/** Extended-thinking budgets standing in for OpenAI's reasoning effort. */
const THINKING_BUDGET: Record<ReasoningEffort, number> = { minimal: 1024, low: 2048, medium: 8192, high: 24576 };

export function createAnthropicClient(config: ClientConfig): ProviderClient {
  // Required here, not imported: the SDK ships as its own file (scripts/build.mjs) that only a
  // process talking to Anthropic should parse.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Anthropic = (require('@anthropic-ai/sdk') as { default: typeof AnthropicSdk }).default;
  const client = new Anthropic({
    // Always explicit: without it the SDK would look for credentials in the environment and on disk.
    apiKey: config.apiKey ?? NO_KEY,
    webhookKey: null,
    baseURL: config.baseUrl,
    maxRetries: 0,
    timeout: config.timeoutMs,
    logLevel: 'off',
    openTelemetry: false,
  });
  const label = (model: string) => `anthropic model '${model}' at ${config.baseUrl}`;

  return {
    provider: 'anthropic',
    baseUrl: config.baseUrl,

    async complete(req: CompletionRequest, signal: AbortSignal, onActivity: () => void): Promise<Completion> {
      const thinking = req.reasoningEffort ? THINKING_BUDGET[req.reasoningEffort] : 0;
      const params: MessageCreateParamsStreaming = {
        model: req.model,
        // With thinking on, max_tokens covers thinking plus the answer.
        max_tokens: req.maxTokens + thinking,
        system: req.promptCache ? [{ type: 'text', text: req.system, cache_control: { type: 'ephemeral' } }] : req.system,
        messages: [{ role: 'user', content: req.user }],
        stream: true,
        ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
        ...(thinking ? { thinking: { type: 'enabled', budget_tokens: thinking } } : {}),
      };
      let text = '';
      let started = false;
      let finishReason: string | undefined;
      let usageSeen = false;
      let stopped = false;
      const tokens: NormalizedTokens = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 };
      let plainInput = 0;
      const settle = () => {
        tokens.inputTokens = plainInput + tokens.cachedInputTokens + tokens.cacheWriteTokens;
      };
      try {
        const stream = await client.messages.create(params, { signal });
        for await (const event of stream) {
          started = true;
          onActivity();
          switch (event.type) {
            case 'message_start': {
              const u = event.message.usage;
              usageSeen = true;
              plainInput = u.input_tokens ?? 0;
              tokens.cachedInputTokens = u.cache_read_input_tokens ?? 0;
              tokens.cacheWriteTokens = u.cache_creation_input_tokens ?? 0;
              tokens.outputTokens = u.output_tokens ?? 0;
              settle();
              break;
            }
            case 'content_block_delta':
              if (event.delta.type === 'text_delta') text += event.delta.text;
              break;
            case 'message_delta': {
              const u = event.usage;
              usageSeen = true;
              tokens.outputTokens = u.output_tokens ?? tokens.outputTokens;
              if (u.input_tokens != null) plainInput = u.input_tokens;
              if (u.cache_read_input_tokens != null) tokens.cachedInputTokens = u.cache_read_input_tokens;
              if (u.cache_creation_input_tokens != null) tokens.cacheWriteTokens = u.cache_creation_input_tokens;
              settle();
              if (event.delta.stop_reason) finishReason = event.delta.stop_reason === 'max_tokens' ? 'length' : event.delta.stop_reason;
              break;
            }
            case 'message_stop':
              stopped = true;
              break;
            default:
              break;
          }
        }
        // The SDK ends the iteration quietly when the request is aborted; a cut-short reply must not pass as complete.
        if (signal.aborted) throw new LlmCallError(`${label(req.model)}: request aborted`, 'network');
      } catch (err) {
        const e = classifyError(err, label(req.model), config.keyHint);
        if (!started) throw e;
        throw new LlmCallError(e.message, e.kind, { ...e.details, partialTokens: usageSeen ? { ...tokens, outputTokens: Math.max(tokens.outputTokens, estimateUsage(req, text).outputTokens) } : estimateUsage(req, text) });
      }
      if (!started) throw new LlmCallError(`${label(req.model)}: the stream ended without any data`, 'server');
      // A messages stream is complete only with message_stop; a clean close before it cut the reply short.
      if (!stopped) {
        throw new LlmCallError(`${label(req.model)}: the stream closed before message_stop (after ${text.length} characters)`, 'truncated', {
          partialTokens: usageSeen ? { ...tokens, outputTokens: Math.max(tokens.outputTokens, estimateUsage(req, text).outputTokens) } : estimateUsage(req, text),
        });
      }
      return { text, tokens: usageSeen ? tokens : estimateUsage(req, text), estimated: !usageSeen, ...(finishReason ? { finishReason } : {}) };
    },

    async listModels(signal: AbortSignal): Promise<string[]> {
      const ids: string[] = [];
      try {
        for await (const m of client.models.list({ limit: 100 }, { signal })) {
          ids.push(m.id);
          if (ids.length >= 2000) break;
        }
      } catch (err) {
        throw classifyError(err, `anthropic endpoint ${config.baseUrl}`, config.keyHint);
      }
      return ids.sort();
    },
  };
}

