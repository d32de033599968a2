// `policy-evolver export-rl <run>`: the run's prompts, responses and rewards as JSONL grouped per
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

import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { readJournal, RunStore } from '../../core/journal';
import { writeFileAtomic } from '../../core/store-fs';
import type { EvalSummary, JournalEvent } from '../../core/journal-events';
import { parseCanonicalPrompt, type ChatMessage } from '../../core/prompt';
import { ExitCode, UserError } from '../errors';
import { findRunDir } from '../runs-dir';
import { scrubValue } from '../../core/secrets';
import { sampleGroups } from '../../app/rl-sampling';

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

interface ExportFlags {
  out?: string;
  groupSize?: string;
  reward: string;
  failureReward: string;
  minGroup: string;
  runsDir?: string;
}

export function registerExportRlCommands(program: Command): void {
  program
    .command('export-rl')
    .description('write a run\'s prompts, responses and rewards as JSONL grouped per prompt (for GRPO-style fine-tuning)')
    .argument('<run>', 'run id, id prefix, run folder or "latest"')
    .option('-o, --out <file>', 'output file (default: stdout)')
    .option('--reward <kind>', 'improvement (1 / 0 / failure), score, or delta (score minus parent score)', 'improvement')
    .option('--failure-reward <n>', 'reward of a candidate that failed (bad patch, evaluation error)', '-1')
    .option('--min-group <n>', 'leave out prompts with fewer responses than this', '1')
    .option('--group-size <k>', "ask the run's model each prompt again until it has K responses, scoring each new reply like a candidate (costs model calls)")
    .option('--runs-dir <dir>', 'where runs are stored')
    .action(async (ref: string, flags: ExportFlags) => {
      if (!['improvement', 'score', 'delta'].includes(flags.reward)) {
        throw new UserError(`--reward must be improvement, score or delta (got '${flags.reward}')`, ExitCode.usage);
      }
      const failureReward = Number(flags.failureReward);
      if (!Number.isFinite(failureReward)) throw new UserError(`--failure-reward must be a number (got '${flags.failureReward}')`, ExitCode.usage);
      const minGroup = Number(flags.minGroup);
      if (!Number.isInteger(minGroup) || minGroup < 1) throw new UserError(`--min-group must be a whole number of at least 1 (got '${flags.minGroup}')`, ExitCode.usage);
      const groupSize = flags.groupSize === undefined ? undefined : Number(flags.groupSize);
      if (groupSize !== undefined && (!Number.isInteger(groupSize) || groupSize < 2 || groupSize > 64)) {
        throw new UserError(`--group-size must be a whole number from 2 to 64 (got '${flags.groupSize}')`, ExitCode.usage);
      }
      const dir = findRunDir(ref, flags.runsDir);
      const { events } = readJournal(join(dir, 'journal.jsonl'));
      const store = RunStore.open(dir);
      const groups = buildRlGroups(
        events,
        (hash) => {
          try {
            return store.readSource(hash);
          } catch (err) {
            throw new UserError(`run ${dir} is missing the stored text ${hash}: ${(err as Error).message}`);
          }
        },
        { reward: flags.reward as RewardKind, failureReward, minGroup: groupSize === undefined ? minGroup : 1 },
      );
      if (groupSize !== undefined) {
        const started = events.find((e): e is Extract<JournalEvent, { type: 'run-started' }> => e.type === 'run-started');
        if (!started) throw new UserError(`run ${dir} has no run-started event`);
        const controller = new AbortController();
        const stop = (): void => controller.abort(new Error('interrupted'));
        process.once('SIGINT', stop);
        try {
          const report = await sampleGroups(groups, events, started.config, (hash) => store.readSource(hash), {
            groupSize,
            reward: flags.reward as RewardKind,
            failureReward,
            secret: (name) => process.env[name],
            log: (message) => process.stderr.write(`${message}\n`),
            signal: controller.signal,
          });
          process.stderr.write(`sampled ${report.sampled} more response${report.sampled === 1 ? '' : 's'} for groups of ${groupSize} (spend $${report.spendUsd.toFixed(4)})\n`);
        } finally {
          process.off('SIGINT', stop);
        }
        groups.splice(0, groups.length, ...groups.filter((g) => g.responses.length >= minGroup));
      }
      store.close();
      // Runs recorded before secrets were scrubbed at write time may hold keys; an export never does.
      const text = groups.map((g) => JSON.stringify(scrubValue(g))).join('\n') + (groups.length ? '\n' : '');
      const responses = groups.reduce((n, g) => n + g.responses.length, 0);
      if (flags.out) {
        writeFileAtomic(resolve(flags.out), text);
        process.stderr.write(`wrote ${groups.length} prompt group${groups.length === 1 ? '' : 's'} with ${responses} response${responses === 1 ? '' : 's'} to ${resolve(flags.out)}\n`);
      } else {
        process.stdout.write(text);
      }
      if (groups.length === 0) process.stderr.write(`run ${dir} has no recorded model exchanges (was it run with an LLM generator?)\n`);
    });
}
