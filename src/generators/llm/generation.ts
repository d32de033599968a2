// The path from a request to a result that live calls and replay share: assemble the prompt,
// send it through a transport, shrink it once after a context-length rejection, parse the reply.
// Replay swaps only the transport, so a recorded run replays through exactly this code.

import {
  assemblePrompt,
  canonicalPrompt,
  estimatePromptTokens,
  parseReply,
  promptHash,
  ReplyParseError,
  shrunkBudget,
  type AssembledPrompt,
  type ParsedReply,
  type PromptTemplates,
} from '../../core/prompt';
import { capText, fence } from '../../core/prompt/format';
import { BlockError, PatchError, applyPatch } from '../../core/patch';
import type { GenerationRequest, GenerationResult, TokenUsage } from '../../core/types';
import { minimumReply, replyTokensFor, type ContextWindow } from './context-plan';
import { LlmCallError } from './errors';
import { duplicateProblem } from './novelty';

export interface Reply {
  text: string;
  model: string;
  source: string;
  usage?: TokenUsage;
  finishReason?: string;
  /** The reply token limit, to explain a cut-off reply. */
  maxTokens?: number;
}

export interface Attempt {
  budget: number;
  /** Hash of the prompt this one replaces after a context-length rejection. */
  retryOf?: string;
  /** Hash of the prompt whose reply could not be used, for a repair turn. */
  repairOf?: string;
  /** Reply tokens to ask for when the window leaves less than the model's maxTokens. */
  maxTokens?: number;
}

/** Sends one assembled prompt; throws LlmCallError as a live call would. */
export type Transport = (prompt: AssembledPrompt, hash: string, attempt: Attempt) => Promise<Reply>;

type Exchange = NonNullable<GenerationResult['exchanges']>[number];

/** A generation that reached a model but produced nothing usable; carries what was spent. */
export class GenerationError extends Error {
  constructor(
    message: string,
    readonly source: string | undefined,
    readonly exchanges: Exchange[],
    readonly usage: TokenUsage[],
  ) {
    super(message);
    this.name = 'GenerationError';
  }
}

function describeTrim(prompt: AssembledPrompt): string {
  return prompt.trimmed.length ? prompt.trimmed.join(', ') : 'nothing';
}

export async function generateThrough(
  request: GenerationRequest,
  templates: PromptTemplates,
  budget: number,
  transport: Transport,
  log: (message: string) => void,
  window?: ContextWindow,
): Promise<GenerationResult> {
  let prompt = assemblePrompt(request, templates, budget);
  // The planner: when even the trimmed prompt overruns its share, the reply gives up room, down to what a rewrite needs.
  let replyCap: { maxTokens?: number } = {};
  if (prompt.overBudget && window) {
    const minReply = minimumReply(request.parent.code, window.maxTokens);
    const reply = replyTokensFor(window, prompt.estimatedTokens, minReply);
    if (reply === undefined) {
      throw new GenerationError(
        `the prompt for candidate ${request.index} is about ${prompt.estimatedTokens} tokens even without context, which leaves less than the ${minReply} tokens a reply needs in the ${window.contextWindow}-token context window: raise contextWindow if the server allows it, or use a model with a larger window`,
        undefined,
        [],
        [],
      );
    }
    replyCap = { maxTokens: reply };
    log(`candidate ${request.index}: the prompt (about ${prompt.estimatedTokens} tokens) needs more than its share of the ${window.contextWindow}-token window; the reply is limited to ${reply} tokens`);
  } else if (prompt.overBudget) {
    log(`candidate ${request.index}: the prompt (about ${prompt.estimatedTokens} tokens) exceeds the budget of ${budget} tokens even without context; sending it anyway`);
  } else if (prompt.trimmed.length) {
    log(`candidate ${request.index}: left out ${describeTrim(prompt)} to fit the context budget of ${budget} tokens`);
  }
  let hash = promptHash(prompt.system, prompt.user);
  let reply: Reply;
  try {
    reply = await transport(prompt, hash, { budget, ...replyCap });
  } catch (err) {
    if (!(err instanceof LlmCallError) || err.kind !== 'context-length') throw err;
    const smallerBudget = shrunkBudget(prompt.estimatedTokens, err.details);
    const smaller = assemblePrompt(request, templates, smallerBudget);
    if (smaller.estimatedTokens >= prompt.estimatedTokens) {
      throw new LlmCallError(
        `${err.message}. Nothing is left to trim (the program and task alone are about ${smaller.estimatedTokens} tokens): use a model with a larger context window, or set contextWindow if the server's window is larger than assumed`,
        'context-length',
        err.details,
      );
    }
    log(`candidate ${request.index}: the model rejected the prompt as too long; retrying once with about ${smaller.estimatedTokens} tokens (left out ${describeTrim(smaller)})`);
    const smallerHash = promptHash(smaller.system, smaller.user);
    try {
      reply = await transport(smaller, smallerHash, { budget: smallerBudget, retryOf: hash });
    } catch (again) {
      if (again instanceof LlmCallError && again.kind === 'context-length') {
        throw new LlmCallError(`${again.message} (even after trimming the prompt to about ${smaller.estimatedTokens} tokens)`, 'context-length', again.details);
      }
      throw again;
    }
    prompt = smaller;
    hash = smallerHash;
  }
  const exchanges: Exchange[] = [{ prompt: canonicalPrompt(prompt.system, prompt.user), response: reply.text, model: reply.model }];
  const usage = reply.usage ? [reply.usage] : [];
  const first = usable(reply, request);
  if (first.ok) return result(first.parsed, reply, usage, exchanges);
  // One repair turn: the model sees its own reply and the exact reason it could not be used.
  const repair = repairPrompt(prompt, reply.text, first.error);
  log(`candidate ${request.index}: ${reply.source}'s reply could not be used (${first.error.split('\n')[0]}); asking once for a corrected reply`);
  const repairHash = promptHash(repair.system, repair.user);
  let second: Reply;
  try {
    second = await transport(repair, repairHash, { budget, repairOf: hash, ...replyCap });
  } catch (err) {
    if (err instanceof LlmCallError && !err.fatal) throw new GenerationError(`${reply.source}: ${first.error}; the repair turn failed: ${err.message}`, reply.source, exchanges, usage);
    throw err;
  }
  exchanges.push({ prompt: canonicalPrompt(repair.system, repair.user), response: second.text, model: second.model });
  if (second.usage) usage.push(second.usage);
  const again = usable(second, request);
  if (again.ok) return result(again.parsed, second, usage, exchanges);
  throw new GenerationError(`${reply.source}: ${first.error}; after one repair turn: ${again.error}`, reply.source, exchanges, usage);
}

type Usability = { ok: true; parsed: ParsedReply } | { ok: false; error: string };

/** Parses the reply and applies it to the parent, as the engine will; says why when either fails. */
function usable(reply: Reply, request: GenerationRequest): Usability {
  let parsed: ParsedReply;
  try {
    parsed = parseReply(reply.text, { parent: request.parent, language: request.language });
  } catch (err) {
    if (!(err instanceof ReplyParseError)) throw err;
    const cut = reply.finishReason === 'length' ? ` The reply stopped at the token limit${reply.maxTokens ? ` (maxTokens ${reply.maxTokens})` : ''}; raise maxTokens.` : '';
    return { ok: false, error: `${err.message}.${cut}` };
  }
  let code: string;
  try {
    code = applyPatch(request.parent.code, parsed.patch);
  } catch (err) {
    if (!(err instanceof PatchError) && !(err instanceof BlockError)) throw err;
    return { ok: false, error: `the reply did not apply: ${err.message}` };
  }
  const duplicate = duplicateProblem(code, request, NEAR_DUPLICATE);
  if (duplicate) return { ok: false, error: `near-duplicate proposal: ${duplicate}` };
  return { ok: true, parsed };
}

function result(parsed: ParsedReply, reply: Reply, usage: TokenUsage[], exchanges: Exchange[]): GenerationResult {
  return { patch: parsed.patch, ...(parsed.explanation ? { explanation: parsed.explanation } : {}), usage, source: reply.source, exchanges };
}

const REPAIR_REPLY_CHARS = 8000;
/**
 * Normalised-line similarity from which a proposal counts as a copy of a program the prompt
 * showed. Fixed rather than configurable: replay must take the same path as the recording.
 */
const NEAR_DUPLICATE = 0.98;

/** The original prompt plus the model's reply and why it could not be used. */
function repairPrompt(prompt: AssembledPrompt, replyText: string, error: string): AssembledPrompt {
  const user = [
    prompt.user,
    '',
    '## Your previous reply',
    '',
    fence(capText(replyText, REPAIR_REPLY_CHARS) || '(empty)', 'text'),
    '',
    '## Why it could not be used',
    '',
    error,
    '',
    'Reply again in full, in the format asked for above: a short explanation, then the edits or the code. Fix exactly this problem; SEARCH text must be copied from the current program and match one place.',
  ].join('\n');
  return { ...prompt, user, estimatedTokens: estimatePromptTokens(prompt.system, user), trimmed: prompt.trimmed };
}
