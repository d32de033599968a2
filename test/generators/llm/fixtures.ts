// Shared inputs for the LLM generator tests: a small program with an EVOLVE-BLOCK, requests
// built around it, and a generator context that records usage and log lines.

import { join } from 'node:path';
import type { GenerationRequest, ProgramView, TokenUsage } from '../../../src/core/types';
import type { GeneratorFactoryContext } from '../../../src/generators/types';

export const PROMPTS_DIR = join(__dirname, '..', '..', '..', 'prompts');

export const PROGRAM = [
  '// Online bin packing: score each bin for the incoming item.',
  '// EVOLVE-BLOCK-START',
  'function priority(item, bins) {',
  '  return bins.map((b) => -(b - item));',
  '}',
  '// EVOLVE-BLOCK-END',
  'module.exports = { priority };',
  '',
].join('\n');

export const BLOCK = ['function priority(item, bins) {', '  return bins.map((b) => -(b - item));', '}', ''].join('\n');

export function program(overrides: Partial<ProgramView> = {}): ProgramView {
  return { id: 'c0', code: PROGRAM, score: -0.5, metrics: { bins: 212, waste: 0.125 }, feedback: 'Too many half-empty bins.', blocks: [BLOCK], ...overrides };
}

export function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return {
    runId: 'run-test',
    index: 1,
    seed: 42,
    fileName: 'pack.js',
    language: 'javascript',
    domain: 'command',
    parent: program(),
    inspirations: [],
    recentFailures: [],
    humanNotes: [],
    patchMode: 'search-replace',
    ...overrides,
  };
}

export interface RecordingContext extends GeneratorFactoryContext {
  usage: TokenUsage[];
  logs: string[];
}

export function context(secrets: Record<string, string> = {}, domain = 'command'): RecordingContext {
  const usage: TokenUsage[] = [];
  const logs: string[] = [];
  return {
    promptsDir: PROMPTS_DIR,
    domain,
    secret: (name) => secrets[name],
    onUsage: (u) => usage.push(u),
    log: (m) => logs.push(m),
    usage,
    logs,
  };
}

/** Options for one openai-compatible model on the fake server, with fast retries. */
export function fastRetry(): { retryBaseDelayMs: number; retryMaxDelayMs: number } {
  return { retryBaseDelayMs: 5, retryMaxDelayMs: 20 };
}

export function signal(): AbortSignal {
  return new AbortController().signal;
}
