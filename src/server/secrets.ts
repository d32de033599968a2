// API keys arrive from the extension's SecretStorage and stay in this module's memory; generators
// reach them through `secretLookup` (falling back to the environment). Never logged or journaled.
import { checkEndpoint } from '../generators/llm/connectivity';
import type { TestConnectionParams, TestConnectionResult } from '../messages/lsp';

export const SECRET_NAMES = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_COMPATIBLE_API_KEY'] as const;

const secrets = new Map<string, string>();

export function applySecrets(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(name)) throw new Error(`invalid secret name '${name}'`);
    if (typeof value !== 'string') throw new Error(`secret ${name} must be text`);
    if (value === '') secrets.delete(name);
    else secrets.set(name, value);
  }
}

export function secretLookup(name: string): string | undefined {
  return secrets.get(name) ?? process.env[name];
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
      { provider, ...(params.baseUrl ? { baseUrl: params.baseUrl } : {}), ...(provider === 'openai-compatible' && secretLookup('OPENAI_COMPATIBLE_API_KEY') ? { apiKeyEnv: 'OPENAI_COMPATIBLE_API_KEY' } : {}), timeoutMs: 10_000 },
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
