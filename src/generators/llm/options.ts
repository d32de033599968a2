// The LLM generators' options: plain JSON from the CLI, a config file or editor settings,
// validated here into typed settings with one clear message per mistake.

import type { JsonValue } from '../../core/types';
import { LlmConfigError } from './errors';
import { DEFAULT_BASE_URL, defaultContextWindow, defaultMaxTokens } from './model-defaults';
import type { Price, PriceTable } from './prices';

export type ProviderKind = 'openai' | 'anthropic' | 'openai-compatible';
export const PROVIDERS: readonly ProviderKind[] = ['openai', 'anthropic', 'openai-compatible'];

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';
const EFFORTS: readonly ReasoningEffort[] = ['minimal', 'low', 'medium', 'high'];

/** One model the generator may call (JSON shape of an entry of `models`). */
export interface ModelOptions {
  provider: ProviderKind;
  /** Model id as the provider names it (`gpt-4.1-mini`, `claude-sonnet-4-5`, `qwen2.5-coder:7b`). */
  model: string;
  /** Endpoint; defaults to the provider's public API. Required for `openai-compatible`. */
  baseUrl?: string;
  /**
   * Name of the secret holding the key. Defaults to OPENAI_API_KEY / ANTHROPIC_API_KEY; an
   * `openai-compatible` endpoint gets a key only when this is set (your OpenAI key is never sent to
   * another server by default).
   */
  apiKeyEnv?: string;
  /** Relative share of calls with fixed weights (default 1); ignored when `bandit` is on. */
  weight?: number;
  temperature?: number;
  /** Reply token limit (default 16,384; 4,096 for openai-compatible). */
  maxTokens?: number;
  /** OpenAI reasoning models: `reasoning_effort`; Anthropic: extended thinking with a budget of 2k/4k/8k/24k tokens. */
  reasoningEffort?: ReasoningEffort;
  /** Context window in tokens, for the prompt budget (defaults from a table; 8,192 for openai-compatible). */
  contextWindow?: number;
  /** Name of this arm in the journal and the bandit (default `provider/model`). */
  label?: string;
}

export interface ProviderLimits {
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Requests started per minute; 0 for no limit (default 0). */
  rateLimitPerMinute?: number;
}

/** Options shared by every LLM generator. */
export interface LlmSharedOptions extends ProviderLimits {
  /** Learn which model yields the most improvements per dollar instead of using fixed weights. */
  bandit?: boolean;
  /** Cassette file (JSONL) to append every prompt and response to, for the `replay` generator. */
  record?: string;
  /** USD per million tokens by model id or id prefix; merged over the shipped table. */
  prices?: PriceTable;
  /** Per-provider overrides of `concurrency` and `rateLimitPerMinute`. */
  limits?: Partial<Record<ProviderKind, ProviderLimits>>;
  /** Retries after a failed attempt (429, 5xx, network, stalled stream); default 4. */
  retries?: number;
  /** First backoff delay (default 1,000 ms), doubling per retry up to `retryMaxDelayMs` (default 30,000). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Give up instead of waiting when a server's Retry-After exceeds this (default 300,000 ms). */
  maxRetryAfterMs?: number;
  /** Limit for one attempt, from request to last token (default 600,000 ms). */
  timeoutMs?: number;
  /** Abort and retry an attempt when the stream sends nothing for this long (default 180,000 ms). */
  stallTimeoutMs?: number;
  /** Mark the system prompt cacheable for Anthropic (default true); OpenAI caches automatically. */
  promptCache?: boolean;
  /**
   * Sampling temperatures to draw from, one per call (seeded by the candidate), for models that
   * do not set their own `temperature`: a mix of careful and bold proposals. Default: the provider's.
   */
  temperatures?: number[];
  /**
   * `adaptive` (default): each call asks for edits, a rewrite or a crossover of two parents, by
   * what has paid off for that model; `engine`: as the engine prefers (searchReplaceRatio).
   */
  patchTypes?: 'adaptive' | 'engine';
}

/** `llm` generator options: several models, fixed weights or a bandit. */
export interface LlmOptions extends LlmSharedOptions {
  /** Entries, or `provider:model` shorthands such as `"openai:gpt-4.1-mini"`. */
  models: (ModelOptions | string)[];
}

/** `openai` / `anthropic` generator options: one model, its fields at the top level. */
export type SingleModelOptions = Omit<ModelOptions, 'provider' | 'weight'> & LlmSharedOptions & { provider?: ProviderKind };

export interface ResolvedModel {
  provider: ProviderKind;
  model: string;
  baseUrl: string;
  apiKeyEnv?: string;
  weight: number;
  temperature?: number;
  maxTokens: number;
  reasoningEffort?: ReasoningEffort;
  contextWindow: number;
  /** Arm id: `GenerationResult.source`, the journal and the bandit use it. */
  source: string;
}

export interface ResolvedLlmOptions {
  models: ResolvedModel[];
  bandit: boolean;
  record?: string;
  prices: PriceTable;
  limits: Record<ProviderKind, Required<ProviderLimits>>;
  retries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
  timeoutMs: number;
  stallTimeoutMs: number;
  promptCache: boolean;
  temperatures: number[];
  patchTypes: 'adaptive' | 'engine';
}

type JsonObject = { [key: string]: JsonValue };

const MODEL_KEYS = ['provider', 'model', 'baseUrl', 'apiKeyEnv', 'weight', 'temperature', 'maxTokens', 'reasoningEffort', 'contextWindow', 'label'];
const SHARED_KEYS = [
  'bandit',
  'record',
  'prices',
  'concurrency',
  'rateLimitPerMinute',
  'limits',
  'retries',
  'retryBaseDelayMs',
  'retryMaxDelayMs',
  'maxRetryAfterMs',
  'timeoutMs',
  'stallTimeoutMs',
  'promptCache',
  'temperatures',
  'patchTypes',
];

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

class Reader {
  constructor(
    private readonly what: string,
    private readonly obj: JsonObject,
    private readonly path: string,
  ) {}

  private fail(message: string): never {
    throw new LlmConfigError(`${this.what} options: ${this.path ? `${this.path}.` : ''}${message}`);
  }

  rejectUnknown(known: readonly string[]): void {
    for (const key of Object.keys(this.obj)) {
      if (known.includes(key)) continue;
      const near = known.filter((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
      this.fail(`${key} is not an option${near.length ? ` (did you mean ${near.join(' or ')}?)` : ` (known: ${known.join(', ')})`}`);
    }
  }

  string(key: string, required: true): string;
  string(key: string, required?: false): string | undefined;
  string(key: string, required = false): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return required ? this.fail(`${key} is required`) : undefined;
    if (typeof v !== 'string' || !v.trim()) this.fail(`${key} must be a non-empty string (got ${JSON.stringify(v)})`);
    return v.trim();
  }

  number(key: string, min: number, max: number, integer = false): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      this.fail(`${key} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got ${JSON.stringify(v)})`);
    }
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(`${key} must be true or false (got ${JSON.stringify(v)})`);
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) this.fail(`${key} must be one of ${allowed.join(', ')} (got '${v}')`);
    return v as T;
  }

  object(key: string): Reader | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(`${key} must be an object (got ${JSON.stringify(v)})`);
    return new Reader(this.what, v, this.path ? `${this.path}.${key}` : key);
  }

  keys(): string[] {
    return Object.keys(this.obj);
  }

  value(key: string): JsonValue | undefined {
    return this.obj[key];
  }

  child(key: string, v: JsonObject): Reader {
    return new Reader(this.what, v, this.path ? `${this.path}.${key}` : key);
  }

  error(message: string): never {
    return this.fail(message);
  }
}

/**
 * The base URL each SDK wants, whatever form the user gave: the Anthropic SDK appends
 * `/v1/messages` itself, so a trailing `/v1` is dropped for it (one URL can serve a mixed run
 * without `/v1/v1`); OpenAI-style servers take their `/v1` prefix in the base URL, so a bare
 * host gets one.
 */
export function endpointFor(provider: ProviderKind, url: string): string {
  const parsed = new URL(url);
  let path = parsed.pathname.replace(/\/+$/, '');
  if (provider === 'anthropic') path = path.replace(/\/v1$/i, '');
  else if (path === '') path = '/v1';
  return `${parsed.protocol}//${parsed.host}${path}${parsed.search}`;
}

function checkBaseUrl(r: Reader, url: string, provider: ProviderKind): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return r.error(`baseUrl is not a URL: '${url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') r.error(`baseUrl must be http or https (got '${url}')`);
  return endpointFor(provider, url);
}

/** A model written as `provider:model[@weight][@URL]`; the provider is optional. */
export interface ModelShorthand {
  provider?: ProviderKind;
  model: string;
  weight?: number;
  baseUrl?: string;
}

/** Parses the shorthand; undefined when it does not have that shape. */
export function parseModelShorthand(text: string): ModelShorthand | undefined {
  let rest = text.trim();
  let baseUrl: string | undefined;
  const at = rest.search(/@https?:\/\//i);
  if (at >= 0) {
    baseUrl = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A provider with nothing after it ("openai:") names no model; it is not a model called "openai:".
  if (/^(openai|anthropic|openai-compatible):(@|$)/.test(rest)) return undefined;
  const m = /^(?:(openai|anthropic|openai-compatible):)?([^@\s]+)(?:@(\d+(?:\.\d+)?))?$/.exec(rest);
  if (!m) return undefined;
  return {
    ...(m[1] ? { provider: m[1] as ProviderKind } : {}),
    model: m[2] as string,
    ...(m[3] ? { weight: Number(m[3]) } : {}),
    ...(baseUrl ? { baseUrl } : {}),
  };
}

function readModel(r: Reader, shorthandProvider?: ProviderKind): Omit<ResolvedModel, 'source'> & { label?: string } {
  const provider = r.oneOf('provider', PROVIDERS) ?? shorthandProvider ?? r.error(`provider is required (one of ${PROVIDERS.join(', ')})`);
  const model = r.string('model', true);
  const rawUrl = r.string('baseUrl');
  if (provider === 'openai-compatible' && !rawUrl) {
    r.error(`baseUrl is required for openai-compatible models (e.g. http://127.0.0.1:11434/v1 for Ollama, http://127.0.0.1:8000/v1 for vLLM)`);
  }
  const baseUrl = rawUrl ? checkBaseUrl(r, rawUrl, provider) : DEFAULT_BASE_URL[provider as Exclude<ProviderKind, 'openai-compatible'>];
  const apiKeyEnv = r.string('apiKeyEnv');
  const weight = r.number('weight', 0, 1e6) ?? 1;
  const temperature = r.number('temperature', 0, 2);
  const contextWindow = r.number('contextWindow', 1024, 100_000_000, true) ?? defaultContextWindow(provider, model);
  // A small window (a local model) gets at most half of it reserved for the reply unless told otherwise.
  const maxTokens = r.number('maxTokens', 16, 1_000_000, true) ?? Math.min(defaultMaxTokens(provider), Math.floor(contextWindow / 2));
  const reasoningEffort = r.oneOf('reasoningEffort', EFFORTS);
  if (maxTokens >= contextWindow) r.error(`maxTokens (${maxTokens}) must be smaller than contextWindow (${contextWindow})`);
  if (provider === 'anthropic' && reasoningEffort && temperature !== undefined) {
    r.error('temperature cannot be combined with reasoningEffort for anthropic models (extended thinking requires the default temperature)');
  }
  const label = r.string('label');
  return {
    provider,
    model,
    baseUrl,
    ...(apiKeyEnv ? { apiKeyEnv } : {}),
    weight,
    ...(temperature !== undefined ? { temperature } : {}),
    maxTokens,
    ...(reasoningEffort ? { reasoningEffort } : {}),
    contextWindow,
    ...(label ? { label } : {}),
  };
}

function readShorthand(what: string, text: string, path: string): JsonObject {
  const m = parseModelShorthand(text);
  if (!m?.provider) {
    throw new LlmConfigError(`${what} options: ${path} must be an object or 'provider:model' such as 'openai:gpt-4.1-mini' (got '${text}')`);
  }
  return { provider: m.provider, model: m.model, ...(m.weight !== undefined ? { weight: m.weight } : {}), ...(m.baseUrl ? { baseUrl: m.baseUrl } : {}) };
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readPrices(prices: Reader | undefined): PriceTable {
  const out: PriceTable = {};
  if (!prices) return out;
  const r: Reader = prices;
  for (const key of r.keys()) {
    const v = r.value(key);
    if (!isObject(v)) return r.error(`${key} must be an object like { "input": 2.5, "output": 10 } (USD per million tokens)`);
    const p: Reader = r.child(key, v);
    p.rejectUnknown(['input', 'output', 'cachedInput', 'cacheWrite']);
    const input = p.number('input', 0, 1e6);
    const output = p.number('output', 0, 1e6);
    if (input === undefined || output === undefined) p.error('input and output prices are required (USD per million tokens)');
    const price: Price = { input, output };
    const cachedInput = p.number('cachedInput', 0, 1e6);
    const cacheWrite = p.number('cacheWrite', 0, 1e6);
    if (cachedInput !== undefined) price.cachedInput = cachedInput;
    if (cacheWrite !== undefined) price.cacheWrite = cacheWrite;
    out[key] = price;
  }
  return out;
}

function readTemperatures(r: Reader): number[] {
  const v = r.value('temperatures');
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length === 0 || v.length > 16 || !v.every((t) => typeof t === 'number' && Number.isFinite(t) && t >= 0 && t <= 2)) {
    return r.error(`temperatures must be a list of 1 to 16 numbers from 0 to 2, such as [0.2, 0.7, 1.0] (got ${JSON.stringify(v)})`);
  }
  return v as number[];
}

function readLimits(r: Reader): Required<ProviderLimits> {
  return {
    concurrency: r.number('concurrency', 1, 1000, true) ?? 4,
    rateLimitPerMinute: r.number('rateLimitPerMinute', 0, 1e6, true) ?? 0,
  };
}

function readShared(r: Reader, models: ResolvedModel[]): ResolvedLlmOptions {
  const defaults = readLimits(r);
  const limitsReader = r.object('limits');
  limitsReader?.rejectUnknown(PROVIDERS);
  const limits = {} as Record<ProviderKind, Required<ProviderLimits>>;
  for (const p of PROVIDERS) {
    const sub = limitsReader?.object(p);
    sub?.rejectUnknown(['concurrency', 'rateLimitPerMinute']);
    const own = sub ? readLimits(sub) : undefined;
    limits[p] = {
      concurrency: sub?.value('concurrency') !== undefined && own ? own.concurrency : defaults.concurrency,
      rateLimitPerMinute: sub?.value('rateLimitPerMinute') !== undefined && own ? own.rateLimitPerMinute : defaults.rateLimitPerMinute,
    };
  }
  const bandit = r.boolean('bandit') ?? false;
  if (!bandit && models.every((m) => m.weight === 0)) r.error('at least one model needs a weight above 0');
  const record = r.string('record');
  const retryBaseDelayMs = r.number('retryBaseDelayMs', 0, 600_000, true) ?? 1000;
  const retryMaxDelayMs = r.number('retryMaxDelayMs', 0, 3_600_000, true) ?? 30_000;
  return {
    models,
    bandit,
    ...(record ? { record } : {}),
    prices: readPrices(r.object('prices')),
    limits,
    retries: r.number('retries', 0, 20, true) ?? 4,
    retryBaseDelayMs,
    retryMaxDelayMs: Math.max(retryBaseDelayMs, retryMaxDelayMs),
    maxRetryAfterMs: r.number('maxRetryAfterMs', 0, 86_400_000, true) ?? 300_000,
    timeoutMs: r.number('timeoutMs', 100, 86_400_000, true) ?? 600_000,
    stallTimeoutMs: r.number('stallTimeoutMs', 100, 86_400_000, true) ?? 180_000,
    promptCache: r.boolean('promptCache') ?? true,
    temperatures: readTemperatures(r),
    patchTypes: r.oneOf('patchTypes', ['adaptive', 'engine'] as const) ?? 'adaptive',
  };
}

function withSources(models: (Omit<ResolvedModel, 'source'> & { label?: string })[], what: string): ResolvedModel[] {
  const out = models.map(({ label, ...m }) => ({ ...m, source: label ?? `${m.provider}/${m.model}` }));
  const seen = new Map<string, number>();
  for (const m of out) seen.set(m.source, (seen.get(m.source) ?? 0) + 1);
  const counters = new Map<string, number>();
  for (const m of out) {
    if ((seen.get(m.source) ?? 0) < 2) continue;
    const n = (counters.get(m.source) ?? 0) + 1;
    counters.set(m.source, n);
    m.source = `${m.source}#${n}`;
  }
  if (new Set(out.map((m) => m.source)).size !== out.length) throw new LlmConfigError(`${what} options: model labels must be unique`);
  return out;
}

/** Validates `llm` generator options. */
export function parseLlmOptions(options: JsonObject, what = 'llm generator'): ResolvedLlmOptions {
  const r: Reader = new Reader(what, options, '');
  r.rejectUnknown(['models', ...SHARED_KEYS]);
  const list = options.models;
  if (!Array.isArray(list) || list.length === 0) {
    r.error(`models is required: a list such as [{ "provider": "openai", "model": "gpt-4.1-mini" }] or ["anthropic:claude-sonnet-4-5"]`);
  }
  const models = list.map((entry, i) => {
    const path = `models[${i}]`;
    const obj = typeof entry === 'string' ? readShorthand(what, entry, path) : entry;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) r.error(`${path} must be an object or 'provider:model'`);
    const mr = r.child(path, obj);
    mr.rejectUnknown(MODEL_KEYS);
    return readModel(mr);
  });
  return readShared(r, withSources(models, what));
}

/** Validates `openai` / `anthropic` generator options (one model, fields at the top level). */
export function parseSingleModelOptions(options: JsonObject, provider: ProviderKind, what: string): ResolvedLlmOptions {
  const r: Reader = new Reader(what, options, '');
  r.rejectUnknown([...MODEL_KEYS.filter((k) => k !== 'weight'), ...SHARED_KEYS]);
  const allowed: ProviderKind[] = provider === 'anthropic' ? ['anthropic'] : ['openai', 'openai-compatible'];
  const chosen = r.oneOf('provider', allowed) ?? provider;
  const model = readModel(r, chosen);
  return readShared(r, withSources([model], what));
}
