// Token estimates without a tokenizer. Exact counts differ per model family and would tie core
// to a vendor library; a conservative characters-per-token ratio keeps prompts under the window,
// and the context-length retry covers the rare miss.

/** Code and markdown average 3-4 characters per token in current tokenizers; 3 errs on the safe side. */
const CHARS_PER_TOKEN = 3;
/** Per-message overhead of chat formats (role tags, separators). */
const MESSAGE_OVERHEAD = 8;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimatePromptTokens(system: string, user: string): number {
  return estimateTokens(system) + estimateTokens(user) + 2 * MESSAGE_OVERHEAD;
}

/**
 * Tokens the prompt may use: the window minus the reply's reservation and a margin for the
 * estimate's error. Never below 1,024 so a tiny configured window still sends the parent.
 */
export function promptBudget(contextWindow: number, maxOutputTokens: number): number {
  const margin = Math.ceil(contextWindow * 0.05) + 256;
  return Math.max(1024, contextWindow - maxOutputTokens - margin);
}

/**
 * The budget to retry with after a context-length rejection of a prompt estimated at `sent`
 * tokens. When the server said how many tokens it got and how many fit, scale by that ratio
 * (with a margin, since servers count the reply's reservation differently); otherwise halve.
 */
export function shrunkBudget(sent: number, reported?: { limit?: number; actual?: number }): number {
  if (reported?.limit && reported.actual && reported.actual > reported.limit) {
    return Math.max(256, Math.floor(((sent * reported.limit) / reported.actual) * 0.85));
  }
  return Math.max(256, Math.floor(sent / 2));
}
