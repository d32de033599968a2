// More responses per prompt for group-relative RL (GRPO): a run answers each prompt once, and a
// group of one teaches nothing. For every exported prompt with fewer than K responses, the run's
// own model is asked the same prompt again; each new reply is parsed against the same parent,
// applied, scored on the run's search set like a candidate, and rewarded like the recorded ones.
import { dirname } from 'node:path';
import { blockTexts, parseBlocks } from '../core/evolve-blocks';
import type { JournalEvent, RunConfig } from '../core/journal-events';
import { languageOf } from '../core/language';
import { codeHash } from '../core/normalize';
import { applyPatch } from '../core/patch';
import { parseReply } from '../core/prompt';
import { scoreOn } from '../core/scoring';
import type { JsonValue, ProgramView, TokenUsage } from '../core/types';
import { UserError } from '../core/user-error';
import { createTextModel, type TextModel } from '../generators/llm';
import { buildEvaluator } from './compose';
import type { RlResponse } from './rl-export';

export interface SampleGroup {
  prompt: { role: string; content: string }[] | string;
  responses: RlResponse[];
}

export interface SamplingOptions {
  groupSize: number;
  reward: 'improvement' | 'score' | 'delta';
  failureReward: number;
  secret: (name: string) => string | undefined;
  log: (message: string) => void;
  signal: AbortSignal;
}

export interface SamplingReport {
  sampled: number;
  spendUsd: number;
}

type JsonObject = { [key: string]: JsonValue };
const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `provider:model` and endpoint of the run's arm that answered with `model`. */
function armFor(config: RunConfig, model: string): { spec: string; baseUrl?: string } {
  const options = config.generator.options;
  const entries: JsonValue[] = config.generator.id === 'llm' && Array.isArray(options.models) ? options.models : [{ ...options, provider: options.provider ?? config.generator.id }];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      const colon = entry.indexOf(':');
      if (colon > 0 && entry.slice(colon + 1).split('@')[0] === model) return { spec: `${entry.slice(0, colon)}:${model}` };
    } else if (isObject(entry) && entry.model === model && typeof entry.provider === 'string') {
      return { spec: `${entry.provider}:${model}`, ...(typeof entry.baseUrl === 'string' ? { baseUrl: entry.baseUrl } : {}) };
    }
  }
  throw new UserError(`--group-size: the run's generator settings do not name model '${model}', so it cannot be asked again`);
}

function reward(kind: SamplingOptions['reward'], ok: boolean, score: number | null, parentScore: number | null, improvement: boolean, failure: number): number {
  if (!ok || score === null) return failure;
  if (kind === 'improvement') return improvement ? 1 : 0;
  if (kind === 'score') return score;
  return parentScore === null ? 0 : score - parentScore;
}

/**
 * Tops every group up to `groupSize` responses (in place). Replies are scored on the search set
 * only (a sampled reply has no validation of its own), so `improvement` means a better search score.
 */
export async function sampleGroups(groups: SampleGroup[], events: readonly JournalEvent[], config: RunConfig, readSource: (hash: string) => string, options: SamplingOptions): Promise<SamplingReport> {
  const proposals = new Map<string, { parentId?: string }>();
  const scores = new Map<string, number | null>();
  for (const e of events) {
    if (e.type === 'proposed') proposals.set(e.id, e.parentIds[0] ? { parentId: e.parentIds[0] } : {});
    else if (e.type === 'proposal-failed') proposals.set(`c${e.index}`, e.parentIds[0] ? { parentId: e.parentIds[0] } : {});
    else if (e.type === 'evaluated') scores.set(e.id, e.result.ok ? e.result.score : null);
  }
  const sources = new Map<string, string>();
  for (const e of events) if (e.type === 'proposed') sources.set(e.id, e.sourceHash);
  const startHash = events.find((e): e is Extract<JournalEvent, { type: 'run-started' }> => e.type === 'run-started')?.sourceHash;
  if (startHash) sources.set('c0', startHash);

  let spendUsd = 0;
  let sampled = 0;
  const models = new Map<string, TextModel>();
  const modelFor = (name: string): TextModel => {
    let m = models.get(name);
    if (!m) {
      const arm = armFor(config, name);
      m = createTextModel(arm.spec, { secret: options.secret, log: options.log, onUsage: (u: TokenUsage) => (spendUsd += u.costUsd), ...(arm.baseUrl ? { baseUrl: arm.baseUrl } : {}) }, 'the run model');
      models.set(name, m);
    }
    return m;
  };
  const { evaluator, close } = await buildEvaluator(config, dirname(config.file), undefined, options.log);
  try {
    const search = (await evaluator.workloads()).filter((w) => w.split === 'search');
    for (const group of groups) {
      const first = group.responses[0];
      if (!first || group.responses.length >= options.groupSize || !Array.isArray(group.prompt)) continue;
      const system = group.prompt.find((m) => m.role === 'system')?.content ?? '';
      const user = group.prompt.find((m) => m.role === 'user')?.content ?? '';
      const parentId = proposals.get(first.candidate)?.parentId;
      const parentHash = parentId ? sources.get(parentId) : undefined;
      if (!parentId || !parentHash) continue;
      const parentCode = readSource(parentHash);
      let blocks: string[];
      try {
        blocks = blockTexts(parentCode, parseBlocks(parentCode));
      } catch {
        blocks = [parentCode];
      }
      const parent: ProgramView = { id: parentId, code: parentCode, score: scores.get(parentId) ?? 0, metrics: {}, feedback: '', blocks };
      const parentScore = scores.get(parentId) ?? null;
      const model = modelFor(first.model);
      for (let n = group.responses.length; n < options.groupSize; n++) {
        const text = await model.complete(system, user, options.signal);
        sampled++;
        let ok = false;
        let score: number | null = null;
        let error: string | null = null;
        try {
          const patch = parseReply(text, { parent, language: languageOf(config.fileName) }).patch;
          const code = applyPatch(parentCode, patch);
          const id = `${first.candidate}-s${n}`;
          const result = scoreOn(await evaluator.evaluate({ id, code, fileName: config.fileName, hash: codeHash(code, config.fileName) }, search, options.signal), search, config.aggregation);
          ok = result.ok;
          score = result.ok ? result.score : null;
          error = result.ok ? null : (result.error ?? 'evaluation failed');
        } catch (err) {
          if (options.signal.aborted) throw err;
          error = err instanceof Error ? err.message : String(err);
        }
        const improvement = ok && score !== null && parentScore !== null && score > parentScore;
        group.responses.push({
          response: text,
          reward: reward(options.reward, ok, score, parentScore, improvement, options.failureReward),
          model: first.model,
          candidate: `${first.candidate}-s${n}`,
          index: first.index,
          ok,
          score,
          parentScore,
          improvement,
          duplicateOf: null,
          error,
          sampled: true,
        });
      }
    }
  } finally {
    await close();
  }
  return { sampled, spendUsd };
}
