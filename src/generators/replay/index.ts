// The `replay` generator: answers every request from a cassette recorded by an LLM generator's
// `record` option, offline. It builds the prompt exactly as the live generator did, looks the
// response up by the prompt's hash, and parses it through the same code, so a recorded run
// replays to the same candidates.
//
// Options: { "cassette": "path/to/run.cassette.jsonl", "usage": "recorded" | "none" }
//  - cassette: the recorded file (relative paths resolve against the working directory).
//  - usage: "recorded" (default) reports the recorded tokens and cost again, so budgets and
//    spend displays behave as in the original run; "none" reports nothing.

import { resolve } from 'node:path';
import { assemblePrompt, loadPromptTemplates, promptHash } from '../../core/prompt';
import type { GenerationRequest, GenerationResult, Generator, JsonValue } from '../../core/types';
import { UserError } from '../../core/user-error';
import { CassetteIndex, readCassette } from '../llm/cassette';
import { LlmCallError, LlmConfigError, throwIfAborted } from '../llm/errors';
import { generateThrough, type Transport } from '../llm/generation';
import { PATCH_TYPES } from '../llm/patch-types';
import type { GeneratorFactory } from '../types';

export interface ReplayOptions {
  cassette: string;
  usage?: 'recorded' | 'none';
}

/** The run left the recording: every later request would miss too, so this is the user's to fix. */
export class ReplayMissError extends UserError {
  constructor(
    message: string,
    readonly hash: string,
  ) {
    super(message);
    this.name = 'ReplayMissError';
  }
}

export function parseReplayOptions(options: { [key: string]: JsonValue }): ReplayOptions {
  for (const key of Object.keys(options)) {
    if (key !== 'cassette' && key !== 'usage') throw new LlmConfigError(`replay generator options: ${key} is not an option (known: cassette, usage)`);
  }
  const cassette = options.cassette;
  if (typeof cassette !== 'string' || !cassette.trim()) {
    throw new LlmConfigError('replay generator options: cassette is required: the path of a cassette recorded with the llm generator\'s "record" option');
  }
  const usage = options.usage ?? 'recorded';
  if (usage !== 'recorded' && usage !== 'none') throw new LlmConfigError(`replay generator options: usage must be 'recorded' or 'none' (got ${JSON.stringify(usage)})`);
  return { cassette: cassette.trim(), usage };
}

export const createReplayGenerator: GeneratorFactory = async (options, ctx) => {
  const opts = parseReplayOptions(options);
  const path = resolve(opts.cassette);
  const { entries, tornTail } = readCassette(path);
  if (tornTail) ctx.log?.(`cassette ${path}: skipped a last line cut short (the recording run was interrupted)`);
  if (!entries.length) throw new LlmConfigError(`cassette ${path} holds no recorded calls`);
  const index = new CassetteIndex(entries);
  const budgets = index.initialBudgets();
  const templates = loadPromptTemplates(ctx.promptsDir, ctx.domain);
  const log = (message: string) => ctx.log?.(message);

  /**
   * The budget and patch type the recording used for this request: the ones whose prompt it has,
   * for this candidate if possible (the live generator may have asked for another type than the
   * engine preferred).
   */
  function variantFor(request: GenerationRequest): { budget: number; request: GenerationRequest } {
    const modes = [...new Set([request.patchMode, ...PATCH_TYPES])];
    const variants = modes.flatMap((patchMode) => budgets.map((budget) => ({ budget, request: { ...request, patchMode } })));
    // Prompts are assembled only as far as needed: usually the first one is this candidate's.
    const hashes: string[] = [];
    const hashAt = (k: number): string => {
      const v = variants[k] as { budget: number; request: GenerationRequest };
      if (hashes[k] === undefined) {
        const p = assemblePrompt(v.request, templates, v.budget);
        hashes[k] = promptHash(p.system, p.user);
      }
      return hashes[k];
    };
    const i = variants.findIndex((_, k) => index.has(hashAt(k), request.index));
    const j = i >= 0 ? i : variants.findIndex((_, k) => index.has(hashAt(k)));
    return variants[Math.max(0, j)] as { budget: number; request: GenerationRequest };
  }

  async function generate(request: GenerationRequest, signal: AbortSignal): Promise<GenerationResult> {
    throwIfAborted(signal);
    const transport: Transport = async (_prompt, hash) => {
      throwIfAborted(signal);
      const entry = index.take(hash, request.index);
      if (!entry) {
        throw new ReplayMissError(
          `replay: no recorded response for prompt ${hash} (candidate ${request.index}) in ${path}; the prompt differs from every recorded one, so the program, the run settings (seed, islands, inspirations) or the prompt templates changed since recording`,
          hash,
        );
      }
      if (entry.error) {
        const { kind, message, limit, actual } = entry.error;
        throw new LlmCallError(message, kind, { ...(limit !== undefined ? { limit } : {}), ...(actual !== undefined ? { actual } : {}) });
      }
      const usage = opts.usage === 'recorded' ? entry.usage : undefined;
      if (usage) ctx.onUsage?.(usage, request.index);
      return {
        text: entry.response ?? '',
        model: entry.model,
        source: entry.source,
        ...(usage ? { usage } : {}),
        ...(entry.finishReason ? { finishReason: entry.finishReason } : {}),
      };
    };
    const variant = variantFor(request);
    return generateThrough(variant.request, templates, variant.budget, transport, log);
  }

  const generator: Generator = { id: 'replay', generate };
  return generator;
};
