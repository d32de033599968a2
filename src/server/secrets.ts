// API keys arrive from the extension's SecretStorage and stay in this module's memory; generators
// reach them through `secretLookup` (falling back to the environment). Never logged or journaled.
import { checkEndpoint } from '../generators/llm';
import type { RunConfig } from '../core/journal-events';
import type { JsonValue } from '../core/types';
import type { TestConnectionParams, TestConnectionResult } from '../messages/lsp';
import { registerSecret } from '../core/secrets';

export const SECRET_NAMES = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_COMPATIBLE_API_KEY'] as const;

const secrets = new Map<string, string>();

export function applySecrets(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(name)) throw new Error(`invalid secret name '${name}'`);
    if (typeof value !== 'string') throw new Error(`secret ${name} must be text`);
    if (value === '') secrets.delete(name);
    else secrets.set(name, value);
    // Keys are scrubbed from everything the server writes, even after the editor forgets them.
    registerSecret(value);
  }
}

export function secretLookup(name: string): string | undefined {
  return secrets.get(name) ?? process.env[name];
}

export const COMPATIBLE_KEY = 'OPENAI_COMPATIBLE_API_KEY';

type JsonObject = { [key: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function nameCompatibleKey(model: JsonObject): JsonObject {
  return model.provider === 'openai-compatible' && model.apiKeyEnv === undefined ? { ...model, apiKeyEnv: COMPATIBLE_KEY } : model;
}

/**
 * Models on an OpenAI-compatible server have no default key name (a local server may need none), so a
 * run would send no key even though "Set API Key" stored one and "Test LLM Connection" used it. When
 * that key is stored, the run's models name it, exactly as the connection test does. Only the name
 * enters the config (and the journal); the value stays in this process.
 */
export function withStoredKeys(config: RunConfig, lookup: (name: string) => string | undefined = secretLookup): RunConfig {
  if (!lookup(COMPATIBLE_KEY)) return config;
  const options = config.generator.options;
  const models = options.models;
  const next: JsonObject = { ...options };
  if (Array.isArray(models)) next.models = models.map((m) => (isObject(m) ? nameCompatibleKey(m) : m));
  const single = nameCompatibleKey(next);
  return { ...config, generator: { ...config.generator, options: single } };
}

function providerOf(generator: string, model: string | undefined, baseUrl: string | undefined): 'openai' | 'anthropic' | 'openai-compatible' {
  const explicit = /^(openai|anthropic|openai-compatible):/.exec(model ?? '')?.[1];
  if (explicit === 'openai' || explicit === 'anthropic' || explicit === 'openai-compatible') return explicit;
  if (generator === 'anthropic') return 'anthropic';
  if (baseUrl) return 'openai-compatible';
  return /^claude/i.test(model ?? '') ? 'anthropic' : 'openai';
}

/** Resolves the endpoint and lists its models with the stored key: proves the address and the key without spending tokens. */
export async function testConnection(params: TestConnectionParams, signal: AbortSignal): Promise<TestConnectionResult> {
  if (params.generator === 'mutate' || params.generator === '' || params.generator === 'replay') {
    return { ok: true, message: `generator '${params.generator || 'mutate'}' works offline; no connection needed` };
  }
  const provider = providerOf(params.generator, params.models[0], params.baseUrl);
  const wanted = params.models.map((m) => m.replace(/^[a-z-]+:/, '').replace(/@.*$/, ''));
  try {
    const report = await checkEndpoint(
      { provider, ...(params.baseUrl ? { baseUrl: params.baseUrl } : {}), ...(provider === 'openai-compatible' && secretLookup(COMPATIBLE_KEY) ? { apiKeyEnv: COMPATIBLE_KEY } : {}), timeoutMs: 10_000 },
      secretLookup,
      signal,
    );
    if (report.modelsError) return { ok: false, message: `${report.baseUrl}: ${report.modelsError}` };
    const missing = wanted.filter((m) => report.models.length > 0 && !report.models.includes(m));
    return missing.length
      ? { ok: false, message: `connected to ${report.baseUrl}, but it does not list ${missing.join(', ')}` }
      : { ok: true, message: `connected to ${report.baseUrl} (${report.models.length} model(s) available)` };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}
