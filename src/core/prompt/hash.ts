// One canonical text per prompt: the chat messages as JSON. It is what exchanges carry (so RL
// export recovers the messages) and what the record/replay cassette keys on.

import { createHash } from 'node:crypto';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export function promptMessages(system: string, user: string): ChatMessage[] {
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** JSON of the messages, keys in fixed order, no whitespace. */
export function canonicalPrompt(system: string, user: string): string {
  return JSON.stringify(promptMessages(system, user));
}

/** Hex SHA-256 of the canonical prompt. */
export function promptHash(system: string, user: string): string {
  return createHash('sha256').update(canonicalPrompt(system, user)).digest('hex');
}

/** Reads a canonical prompt back; returns undefined for any other text. */
export function parseCanonicalPrompt(text: string): ChatMessage[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return undefined;
    const out: ChatMessage[] = [];
    for (const m of value) {
      if (typeof m !== 'object' || m === null) return undefined;
      const { role, content } = m as { role?: unknown; content?: unknown };
      if ((role !== 'system' && role !== 'user') || typeof content !== 'string') return undefined;
      out.push({ role, content });
    }
    return out;
  } catch {
    return undefined;
  }
}
