// The RL export behind `policy-evolver export-rl <run>`: a run's prompts, responses and rewards as JSONL grouped per
// prompt, the shape GRPO-style fine-tuning consumes (one line per prompt, its sampled responses
// with a reward each), so a local model can be tuned on a user's own runs.
//
// One output line:
//   { "prompt": [{ "role": "system", "content": ... }, { "role": "user", "content": ... }],
//     "promptHash": "<sha256>", "run": "<run id>", "domain": "faas",
//     "responses": [{ "response": "...", "reward": 1, "model": "gpt-4.1-mini", "candidate": "c12",
//                     "index": 12, "ok": true, "score": 0.81, "parentScore": 0.78,
//                     "improvement": true, "duplicateOf": null, "error": null }] }
//
// Rewards (--reward): `improvement` (default) is 1 for a candidate that beat its parent on the
// search and validation sets, 0 for one that evaluated fine without improving, and the failure
// reward for one that failed; `score` is the candidate's search score; `delta` is its score minus
// its parent's. A failed candidate (invalid patch, evaluation error) gets --failure-reward
// (default -1) in every mode.

import type { EvalSummary, JournalEvent } from '../core/journal-events';
import { parseCanonicalPrompt, type ChatMessage } from '../core/prompt';

export type RewardKind = 'improvement' | 'score' | 'delta';

export interface RlResponse {
  response: string;
  reward: number;
  model: string;
  candidate: string;
  index: number;
  ok: boolean;
  score: number | null;
  parentScore: number | null;
  improvement: boolean;
  duplicateOf: string | null;
  error: string | null;
  /** Sampled by `--group-size` for the export, not part of the run. */
  sampled?: boolean;
}

export interface RlGroup {
  prompt: ChatMessage[] | string;
  promptHash: string;
  run: string;
  domain: string;
  responses: RlResponse[];
}

export interface RlExportOptions {
  reward: RewardKind;
  failureReward: number;
  /** Leave out groups with fewer responses (GRPO learns nothing from a group of one). */
  minGroup: number;
}

interface Exchange {
  model: string;
  promptHash: string;
  responseHash: string;
}

/** Whether a run recorded any model exchange (prompt and response) an export could hold. */
export function hasExchanges(events: readonly JournalEvent[]): boolean {
  return events.some((e) => (e.type === 'proposed' || e.type === 'proposal-failed') && exchangesOf(e).length > 0);
}

/** Exchanges of an event, read defensively (failed proposals may carry them in later journal versions). */
function exchangesOf(event: JournalEvent): Exchange[] {
  const list = (event as { exchanges?: unknown }).exchanges;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (x): x is Exchange =>
      typeof x === 'object' && x !== null && typeof (x as Exchange).model === 'string' && typeof (x as Exchange).promptHash === 'string' && typeof (x as Exchange).responseHash === 'string',
  );
}

function reward(kind: RewardKind, ok: boolean, score: number | null, parentScore: number | null, improvement: boolean, failure: number): number {
  if (!ok || score === null) return failure;
  if (kind === 'improvement') return improvement ? 1 : 0;
  if (kind === 'score') return score;
  return parentScore === null ? 0 : score - parentScore;
}

/**
 * Groups a run's model exchanges by prompt and attaches rewards. Candidates still waiting for
 * their evaluation are left out; `readBlob` reads a content-addressed prompt or response.
 */
export function buildRlGroups(events: readonly JournalEvent[], readBlob: (hash: string) => string, options: RlExportOptions): RlGroup[] {
  let run = '';
  let domain = '';
  const results = new Map<string, { result: EvalSummary; improvement: boolean; duplicateOf?: string }>();
  for (const e of events) {
    if (e.type === 'run-started') {
      run = e.runId;
      domain = e.domain;
    } else if (e.type === 'evaluated') {
      results.set(e.id, { result: e.result, improvement: e.improvement, ...(e.duplicateOf ? { duplicateOf: e.duplicateOf } : {}) });
    }
  }
  const groups = new Map<string, RlGroup>();
  const add = (x: Exchange, r: Omit<RlResponse, 'response' | 'model'>) => {
    let group = groups.get(x.promptHash);
    if (!group) {
      const text = readBlob(x.promptHash);
      group = { prompt: parseCanonicalPrompt(text) ?? text, promptHash: x.promptHash, run, domain, responses: [] };
      groups.set(x.promptHash, group);
    }
    group.responses.push({ response: readBlob(x.responseHash), model: x.model, ...r });
  };
  for (const e of events) {
    if (e.type === 'proposed') {
      const outcome = results.get(e.id);
      if (!outcome) continue;
      const parent = e.parentIds[0] ? results.get(e.parentIds[0]) : undefined;
      const score = outcome.result.ok ? outcome.result.score : null;
      const parentScore = parent?.result.ok ? parent.result.score : null;
      const ok = outcome.result.ok && score !== null;
      for (const x of exchangesOf(e)) {
        add(x, {
          reward: reward(options.reward, ok, score, parentScore, outcome.improvement, options.failureReward),
          candidate: e.id,
          index: e.index,
          ok,
          score,
          parentScore,
          improvement: outcome.improvement,
          duplicateOf: outcome.duplicateOf ?? null,
          error: outcome.result.error ?? null,
        });
      }
    } else if (e.type === 'proposal-failed') {
      const parent = e.parentIds[0] ? results.get(e.parentIds[0]) : undefined;
      for (const x of exchangesOf(e)) {
        add(x, {
          reward: options.failureReward,
          candidate: `c${e.index}`,
          index: e.index,
          ok: false,
          score: null,
          parentScore: parent?.result.ok ? parent.result.score : null,
          improvement: false,
          duplicateOf: null,
          error: `${e.stage}: ${e.error}`,
        });
      }
    }
  }
  return [...groups.values()].filter((g) => g.responses.length >= options.minGroup);
}
