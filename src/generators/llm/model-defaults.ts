// Context windows and reply reservations used when the options do not say. The prompt budget
// depends on them, so they are conservative: a local server's real window is often smaller than
// the model's nominal one (Ollama truncates silently at its num_ctx), so set `contextWindow`.

import type { ProviderKind } from './options';

const WINDOWS: [prefix: string, tokens: number][] = [
  ['gpt-5', 400_000],
  ['gpt-4.1', 1_047_576],
  ['gpt-4o', 128_000],
  ['gpt-4-turbo', 128_000],
  ['o1', 200_000],
  ['o3', 200_000],
  ['o4', 200_000],
  ['claude', 200_000],
];

export function defaultContextWindow(provider: ProviderKind, model: string): number {
  const id = model.toLowerCase().replace(/^.*\//, '');
  let best: [string, number] | undefined;
  for (const entry of WINDOWS) if (id.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  if (best) return best[1];
  if (provider === 'anthropic') return 200_000;
  if (provider === 'openai') return 128_000;
  return 8_192;
}

export function defaultMaxTokens(provider: ProviderKind): number {
  return provider === 'openai-compatible' ? 4_096 : 16_384;
}

export const DEFAULT_BASE_URL: Record<Exclude<ProviderKind, 'openai-compatible'>, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

export const DEFAULT_KEY_NAME: Record<Exclude<ProviderKind, 'openai-compatible'>, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
};

/** Loopback endpoints (local servers) never need a key. */
export function isLoopback(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}
