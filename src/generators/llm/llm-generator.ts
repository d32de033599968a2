// The LLM generator: one or more model arms behind a selector, sharing prompt templates, the
// per-endpoint limiters, the cost ledger and the optional cassette recorder.

import { loadPromptTemplates } from '../../core/prompt';
import { budgetFor, windowProblem } from './context-plan';
import type { GenerationRequest, GenerationResult, Generator, JsonValue, PatchMode, TokenUsage } from '../../core/types';
import type { GeneratorFactoryContext } from '../types';
import { createAnthropicClient } from './anthropic-client';
import { callModel, type Arm, type CallHooks, type CallSettings } from './call';
import { CassetteWriter } from './cassette';
import { LlmCallError, LlmConfigError, throwIfAborted } from './errors';
import { generateThrough, type Transport } from './generation';
import { EndpointLimiter } from './limiter';
import { DEFAULT_KEY_NAME, isLoopback } from './model-defaults';
import { createOpenAiClient } from './openai-client';
import type { ResolvedLlmOptions, ResolvedModel } from './options';
import { DEFAULT_PRICES, findPrice } from './prices';
import type { ProviderClient } from './provider';
import { Redactor } from './redact';
import { ArmSelector, type ArmStats } from './selection';
import { rngFor } from '../../core/rng';
import { PatchTypeSelector } from './patch-types';

const PROVIDER_NAMES = { openai: 'OpenAI', anthropic: 'Anthropic', 'openai-compatible': 'OpenAI-compatible endpoint' } as const;

interface KeyChoice {
  key?: string;
  /** The secret to mention when the server rejects the key. */
  hint: string;
  missing?: string;
}

/** Finds the key a model needs; only the providers in use are asked for one. */
/** `nameModel`: say which model needs the key (off when the model is a placeholder the user never gave). */
export function resolveKey(spec: ResolvedModel, secret: (name: string) => string | undefined, nameModel = true): KeyChoice {
  if (spec.provider === 'openai-compatible') {
    if (!spec.apiKeyEnv) return { hint: 'apiKeyEnv (no key was sent; name the secret holding the key)' };
    const key = secret(spec.apiKeyEnv);
    return key
      ? { key, hint: spec.apiKeyEnv }
      : { hint: spec.apiKeyEnv, missing: `${PROVIDER_NAMES[spec.provider]} ${spec.baseUrl} needs the key named by apiKeyEnv: set the ${spec.apiKeyEnv} environment variable` };
  }
  const name = spec.apiKeyEnv ?? DEFAULT_KEY_NAME[spec.provider];
  const key = secret(name);
  if (key) return { key, hint: name };
  // A local proxy or server on loopback may legitimately need no key.
  if (isLoopback(spec.baseUrl)) return { hint: name };
  return {
    hint: name,
    missing: `${PROVIDER_NAMES[spec.provider]} API key missing${nameModel ? ` (needed for model '${spec.model}')` : ''}: set the ${name} environment variable, or store it with the editor command "Policy Evolver: Set API Key"`,
  };
}

/** Arm statistics from a journaled state, read defensively (a journal is user-reachable data). */
function armStatsOf(state: JsonValue): ArmStats[] {
  if (typeof state !== 'object' || state === null || Array.isArray(state) || !Array.isArray(state.arms)) return [];
  const n = (v: JsonValue | undefined): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  return state.arms.flatMap((a) =>
    typeof a === 'object' && a !== null && !Array.isArray(a) && typeof a.source === 'string'
      ? [{ source: a.source, calls: n(a.calls), costUsd: n(a.costUsd), trials: n(a.trials), improvements: n(a.improvements) }]
      : [],
  );
}

export interface LlmGenerator extends Generator {
  /** Calls, spend and outcomes per model arm (for progress displays and tests). */
  armStats(): ReturnType<ArmSelector['snapshot']>;
}

export async function buildLlmGenerator(id: string, options: ResolvedLlmOptions, ctx: GeneratorFactoryContext): Promise<LlmGenerator> {
  const redactor = new Redactor();
  const keys = options.models.map((m) => resolveKey(m, (name) => ctx.secret(name)));
  for (const k of keys) redactor.add(k.key);
  const missing = [...new Set(keys.flatMap((k) => (k.missing ? [k.missing] : [])))];
  if (missing.length) throw new LlmConfigError(missing.join('; '));

  const templates = loadPromptTemplates(ctx.promptsDir, ctx.domain);
  if (ctx.startingCode !== undefined) {
    // Refuse at the start, in one line, rather than fail every candidate on a window too small for the program.
    const problems = options.models.flatMap((m) => {
      const problem = windowProblem(m, templates, ctx.startingCode as string, ctx.fileName ?? 'program', ctx.domain);
      return problem ? [`${m.source}: ${problem}`] : [];
    });
    if (problems.length) throw new LlmConfigError(problems.join('; '));
  }
  const writer = options.record ? new CassetteWriter(options.record, redactor) : undefined;
  const log = (message: string) => ctx.log?.(redactor.redact(message));

  const clients = new Map<string, ProviderClient>();
  const limiters = new Map<string, EndpointLimiter>();
  const arms: Arm[] = options.models.map((spec, i) => {
    const key = keys[i] as KeyChoice;
    const clientKey = `${spec.provider}|${spec.baseUrl}|${key.hint}`;
    let client = clients.get(clientKey);
    if (!client) {
      const config = { baseUrl: spec.baseUrl, keyHint: key.hint, timeoutMs: options.timeoutMs, ...(key.key ? { apiKey: key.key } : {}) };
      client = spec.provider === 'anthropic' ? createAnthropicClient(config) : createOpenAiClient(spec.provider, config);
      clients.set(clientKey, client);
    }
    const limiterKey = `${spec.provider}|${spec.baseUrl}`;
    let limiter = limiters.get(limiterKey);
    if (!limiter) {
      const l = options.limits[spec.provider];
      limiter = new EndpointLimiter(l.concurrency, l.rateLimitPerMinute);
      limiters.set(limiterKey, limiter);
    }
    return { spec, client, limiter };
  });
  const patchTypes = new PatchTypeSelector(options.patchTypes === 'adaptive');
  /** The arm and patch type of each candidate in flight, until its outcome is observed. */
  const choices = new Map<number, { source: string; type: PatchMode }>();
  const selector = new ArmSelector(
    arms.map((a) => ({ source: a.spec.source, weight: a.spec.weight })),
    options.bandit,
  );
  const settings: CallSettings = {
    retry: {
      retries: options.retries,
      baseDelayMs: options.retryBaseDelayMs,
      maxDelayMs: options.retryMaxDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs,
    },
    timeoutMs: options.timeoutMs,
    stallTimeoutMs: options.stallTimeoutMs,
    promptCache: options.promptCache,
    prices: { ...DEFAULT_PRICES, ...options.prices },
  };
  if (ctx.maxCostUsd !== undefined) {
    // A cap that cannot see a model's spend would let it run unbounded: refuse before any request.
    const unpriced = options.models.filter((m) => !findPrice(m.model, settings.prices));
    if (unpriced.length) {
      const names = unpriced.map((m) => m.model);
      throw new LlmConfigError(
        `--max-cost needs the price of ${names.map((n) => `'${n}'`).join(', ')}, which is not in the price table: add ${names.map((n) => `--price ${n}=IN,OUT`).join(' ')} (USD per million input and output tokens; 0,0 for a free local model) or a "prices" entry`,
      );
    }
  }

  async function generate(request: GenerationRequest, outer: AbortSignal): Promise<GenerationResult> {
    throwIfAborted(outer);
    // One listener on the caller's signal per call, however many waits and attempts follow.
    const local = new AbortController();
    const forward = () => local.abort(outer.reason);
    outer.addEventListener('abort', forward, { once: true });
    try {
      return await generateWith(request, local.signal);
    } finally {
      outer.removeEventListener('abort', forward);
    }
  }

  async function generateWith(request: GenerationRequest, signal: AbortSignal): Promise<GenerationResult> {
    const arm = arms[selector.pick(request.seed, request.index)] as Arm;
    const { spec } = arm;
    const type = patchTypes.pick(spec.source, request.patchMode, request.inspirations.some((p) => p.id !== request.parent.id), rngFor(request.seed, 'patch-type', request.index));
    choices.set(request.index, { source: spec.source, type });
    request = { ...request, patchMode: type };
    // A model's own temperature wins; otherwise one is drawn from the list, seeded by the candidate (extended thinking takes none).
    const temperature =
      spec.temperature ?? (options.temperatures.length && !(spec.provider === 'anthropic' && spec.reasoningEffort) ? rngFor(request.seed, 'temperature', request.index).pick(options.temperatures) : undefined);
    let spent = 0;
    const hooks: CallHooks = {
      redactor,
      log,
      onUsage(usage: TokenUsage) {
        spent += usage.costUsd;
        ctx.onUsage?.(usage, request.index);
      },
    };
    const transport: Transport = async (prompt, hash, attempt) => {
      const base = {
        type: 'call' as const,
        hash,
        index: request.index,
        budget: attempt.budget,
        ...(attempt.retryOf ? { retryOf: attempt.retryOf } : {}),
        ...(attempt.repairOf ? { repairOf: attempt.repairOf } : {}),
        source: spec.source,
        provider: spec.provider,
        model: spec.model,
        system: prompt.system,
        user: prompt.user,
      };
      try {
        const { completion, usage } = await callModel(arm, prompt.system, prompt.user, settings, hooks, signal, attempt.maxTokens ?? spec.maxTokens, temperature);
        const finish = completion.finishReason ? { finishReason: completion.finishReason } : {};
        writer?.append({ ...base, response: completion.text, ...finish, usage });
        return { text: completion.text, model: spec.model, source: spec.source, usage, maxTokens: attempt.maxTokens ?? spec.maxTokens, ...finish };
      } catch (err) {
        if (writer && !signal.aborted && err instanceof LlmCallError) {
          const { limit, actual } = err.details;
          writer.append({
            ...base,
            error: { kind: err.kind, message: err.message, ...(limit !== undefined ? { limit } : {}), ...(actual !== undefined ? { actual } : {}) },
          });
        }
        throw err;
      }
    };
    try {
      return await generateThrough(request, templates, budgetFor(spec), transport, log, spec);
    } catch (err) {
      if (!signal.aborted) {
        selector.recordOutcome(spec.source, false);
        patchTypes.record(spec.source, type, false);
      }
      choices.delete(request.index);
      throw err instanceof Error ? redactor.redactError(err) : err;
    } finally {
      selector.recordCall(spec.source, spent);
    }
  }

  return {
    id,
    generate,
    observe(source, outcome) {
      // Failed generations were counted when they failed; the engine reports them without a source.
      if (source !== undefined) selector.recordOutcome(source, outcome.improved);
      const choice = outcome.index !== undefined ? choices.get(outcome.index) : undefined;
      if (choice && outcome.index !== undefined) {
        choices.delete(outcome.index);
        patchTypes.record(choice.source, choice.type, outcome.improved);
      }
    },
    armStats: () => selector.snapshot(),
    snapshotState: () => ({ version: 1, arms: selector.snapshot().map((a) => ({ ...a })), patchTypes: patchTypes.snapshot() }),
    restoreState(state) {
      selector.restore(armStatsOf(state));
      if (typeof state === 'object' && state !== null && !Array.isArray(state)) patchTypes.restore(state.patchTypes);
    },
    async dispose() {
      // Clients hold no sockets between calls (fetch keep-alive is managed by undici).
    },
  };
}
