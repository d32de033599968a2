// The context planner: how a model's window is shared between the prompt and the reply. Context
// (history, inspirations, failures) is trimmed to leave the configured reply reservation; when the
// program and the task alone need more, the reply reservation shrinks down to what a reply
// must hold (a rewrite of the evolvable code) before the call is refused.

import { assemblePrompt, estimateTokens, promptBudget, type PromptTemplates } from '../../core/prompt';
import { FEEDBACK_CHARS_MINIMAL } from '../../core/prompt/assemble';
import { blockTexts, parseBlocks } from '../../core/evolve-blocks';
import { languageOf } from '../../core/language';
import type { GenerationRequest } from '../../core/types';

export interface ContextWindow {
  /** Tokens the model accepts, prompt and reply together. */
  contextWindow: number;
  /** Reply tokens asked for when the window allows it. */
  maxTokens: number;
}

/** Characters set aside for the parent's metrics when checking a window at the start: a FaaS parent's fourteen metrics take about 550, per cascade stage more. */
const METRICS_CHARS = 800;

/** Safety margin for the token estimate (the same as `promptBudget`'s). */
export function estimateMargin(contextWindow: number): number {
  return Math.ceil(contextWindow * 0.05) + 256;
}

/** The smallest useful reply: room to rewrite the evolvable code, plus the explanation. */
export function minimumReply(code: string, maxTokens: number): number {
  let evolvable = code;
  try {
    evolvable = blockTexts(code, parseBlocks(code)).join('\n');
  } catch {
    // Broken markers: the whole file is what a rewrite would send.
  }
  return Math.min(maxTokens, estimateTokens(evolvable) + 512);
}

/** Reply tokens for a prompt of `promptTokens`: the configured reservation, or what is left of the window; undefined when too little is left. */
export function replyTokensFor(window: ContextWindow, promptTokens: number, minReply: number): number | undefined {
  const room = window.contextWindow - estimateMargin(window.contextWindow) - promptTokens;
  if (room < minReply) return undefined;
  return Math.min(window.maxTokens, room);
}

export function budgetFor(window: ContextWindow): number {
  return promptBudget(window.contextWindow, window.maxTokens);
}

/**
 * Why a model cannot work on this program at all (the prompt with the program and the task alone,
 * plus the smallest useful reply, exceed its window), or undefined when it can.
 */
export function windowProblem(window: ContextWindow, templates: PromptTemplates, code: string, fileName: string, domain: string): string | undefined {
  const request: GenerationRequest = {
    runId: '',
    index: 0,
    seed: 0,
    fileName,
    language: languageOf(fileName),
    domain,
    // Room for what every later parent brings: the shortest feedback the planner keeps, and metrics.
    parent: { id: 'c0', code, score: 0, metrics: {}, feedback: 'x'.repeat(FEEDBACK_CHARS_MINIMAL + METRICS_CHARS), blocks: [] },
    inspirations: [],
    recentFailures: [],
    humanNotes: [],
    patchMode: 'search-replace',
  };
  const prompt = assemblePrompt(request, templates, budgetFor(window));
  const minReply = minimumReply(code, window.maxTokens);
  if (replyTokensFor(window, prompt.estimatedTokens, minReply) !== undefined) return undefined;
  const needed = prompt.estimatedTokens + minReply + estimateMargin(window.contextWindow);
  return `the prompt with ${fileName} alone is about ${prompt.estimatedTokens} tokens and a reply needs about ${minReply} more, but the context window is ${window.contextWindow} tokens: set contextWindow to at least ${needed} if the server allows it (for Ollama, its num_ctx), or use a model with a larger window`;
}
