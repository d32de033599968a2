// The LLM generator inside the real engine: a run against the fake server improves the toy
// program, the journal records tokens, cost and exchanges, export-rl turns it into GRPO groups,
// and replaying the recorded cassette reproduces the run candidate for candidate.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildRlGroups } from '../../../src/app/rl-export';
import { readJournal, RunStore } from '../../../src/core/journal';
import type { JournalEvent, RunConfig } from '../../../src/core/journal-events';
import { LocalEvaluationPool } from '../../../src/core/local-pool';
import { DEFAULTS, loadRun, startRun, type RunHandles } from '../../../src/core/run-session';
import type { JsonValue } from '../../../src/core/types';
import { createLlmGenerator } from '../../../src/generators/llm';
import { createReplayGenerator } from '../../../src/generators/replay';
import type { GeneratorFactory } from '../../../src/generators/types';
import { startFakeLlmServer, type FakeReply, type FakeRequest } from '../../helpers/fake-llm-server';
import { TOY_FILE, toyEvaluator } from '../../helpers/toy-domain';
import { PROMPTS_DIR } from './fixtures';

/** Moves the parent's x one step towards 7; every fourth request, and its repair turn, gets a useless reply. */
function scripted(req: FakeRequest, n: number): FakeReply {
  const x = Number(/x = (-?[\d.]+);/.exec(req.user)?.[1]);
  const usage = { input: 1200, output: 80, cached: n > 0 ? 800 : 0 };
  if (n % 4 === 3 || req.user.includes('## Why it could not be used')) return { kind: 'text', text: 'I am not sure what to change here.', usage };
  const next = x < 7 ? x + 1 : x - 0.5;
  if (req.user.includes('<<<<<<< SEARCH')) {
    return { kind: 'text', text: `Move x towards the target.\n\n<<<<<<< SEARCH\nx = ${x};\n=======\nx = ${next};\n>>>>>>> REPLACE\n`, usage };
  }
  return { kind: 'text', text: `Rewrite with a better x.\n\n\`\`\`typescript\nx = ${next};\n\`\`\`\n`, usage };
}

function config(generator: { id: string; options: { [key: string]: JsonValue } }): RunConfig {
  return {
    file: '/virtual/toy.ts',
    fileName: 'toy.ts',
    evaluator: { id: 'toy', options: {} },
    generator,
    ...DEFAULTS,
    evaluationConcurrency: 1,
    generationConcurrency: 1,
    budget: { maxCandidates: 12 },
    islands: 2,
  };
}

const KEY = 'sk-proj-integration-SECRET-0123456789';

/** Every file under a folder, as text. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => readFileSync(join(d.parentPath ?? d.path, d.name), 'utf8'))
    .join('\n');
}

async function runWith(factory: GeneratorFactory, generator: { id: string; options: { [key: string]: JsonValue } }) {
  const evaluator = toyEvaluator();
  const handles: RunHandles = {
    evaluator: evaluator.info,
    workloads: await evaluator.workloads(),
    pool: new LocalEvaluationPool(evaluator, 1),
    makeGenerator: (onUsage) =>
      factory(generator.options, { promptsDir: PROMPTS_DIR, domain: evaluator.info.domain, secret: (name) => (name === 'OPENAI_API_KEY' ? KEY : undefined), onUsage }),
  };
  const runsDir = mkdtempSync(join(tmpdir(), 'pe-llm-run-'));
  const run = await startRun({ runsDir, code: TOY_FILE, config: config(generator), runId: 'run' }, handles, new AbortController().signal);
  const summary = await run.done;
  const { state } = loadRun(run.store.dir);
  const { events } = readJournal(join(run.store.dir, 'journal.jsonl'));
  return { summary, state, events, dir: run.store.dir };
}

/** The journal minus wall-clock fields, event numbers and the generator's own config and learnt state (a replay learns nothing). */
function comparable(events: JournalEvent[]): unknown[] {
  return events
    .filter((e) => e.type !== 'run-started' && e.type !== 'generator-state')
    .map((e) => {
      const { time: _t, seq: _s, ...rest } = e as JournalEvent & { time?: string; seq?: number };
      return rest;
    });
}

test('an LLM run improves the program, journals tokens and cost, exports RL groups and replays exactly', async () => {
  // The server insists on the key, so the run proves it was sent; the run folder must not hold it.
  const server = await startFakeLlmServer({ rules: [{ reply: scripted }], apiKey: KEY });
  const cassette = join(mkdtempSync(join(tmpdir(), 'pe-llm-cassette-')), 'run.cassette.jsonl');
  let live;
  try {
    live = await runWith(createLlmGenerator, {
      id: 'llm',
      options: {
        models: [{ provider: 'openai', model: 'fake-small', baseUrl: server.openaiBaseUrl }],
        prices: { 'fake-small': { input: 1, output: 4, cachedInput: 0.25 } },
        record: cassette,
      },
    });
  } finally {
    await server.close();
  }
  const { summary, state, events } = live;
  const stored = allText(live.dir) + readFileSync(cassette, 'utf8');
  assert.ok(stored.includes('x = 1;') && !stored.includes(KEY), 'the key is in neither the journal, the sources nor the cassette');
  assert.ok((summary.best.score as number) > (summary.initial.score as number), 'the run improved the program');

  const calls = events.filter((e): e is Extract<JournalEvent, { type: 'llm-call' }> => e.type === 'llm-call');
  const repairs = events.filter((e) => e.type === 'proposal-failed').length;
  assert.equal(calls.length, 12 + repairs, 'one journaled call per candidate, and one repair turn per unusable reply');
  assert.ok(calls.every((c) => c.index !== undefined && c.index > 0), 'every call carries its candidate');
  assert.ok(calls.every((c) => c.inputTokens === 1200 && c.outputTokens === 80 && c.model === 'fake-small' && c.provider === 'openai'));
  const expectedSpend = calls.reduce((sum, c) => sum + ((c.inputTokens - c.cachedInputTokens) * 1 + c.cachedInputTokens * 0.25 + c.outputTokens * 4) / 1e6, 0);
  assert.ok(Math.abs(state.spendUsd - expectedSpend) < 1e-12, `spend ${state.spendUsd} vs ${expectedSpend}`);
  const failed = events.filter((e) => e.type === 'proposal-failed');
  assert.ok(failed.length >= 2, 'the useless replies became failed proposals');
  assert.ok(failed.every((e) => e.type === 'proposal-failed' && /unusable reply: it contains no SEARCH\/REPLACE edit and no code/.test(e.error)));
  const proposed = events.filter((e): e is Extract<JournalEvent, { type: 'proposed' }> => e.type === 'proposed' && e.index > 0);
  assert.ok(proposed.length >= 6);
  assert.ok(proposed.every((e) => e.exchanges?.length === 1 && e.generator === 'openai/fake-small' && e.explanation), JSON.stringify(proposed.slice(0, 2)));

  const store = RunStore.open(live.dir);
  const groups = buildRlGroups(events, (h) => store.readSource(h), { reward: 'improvement', failureReward: -1, minGroup: 1 });
  const responses = groups.flatMap((g) => g.responses);
  assert.ok(failed.every((e) => e.type === 'proposal-failed' && e.exchanges?.length === 2), 'failed replies keep their exchanges, the repair turn included');
  assert.equal(responses.length, proposed.length + 2 * failed.length, 'every LLM reply is exported, failures as negative examples');
  assert.equal(responses.filter((r) => r.reward === -1).length >= failed.length, true);
  assert.ok(responses.every((r) => [1, 0, -1].includes(r.reward)));
  assert.ok(responses.some((r) => r.reward === 1));
  for (const g of groups) {
    assert.ok(Array.isArray(g.prompt) && g.prompt[0]?.role === 'system' && g.prompt[1]?.role === 'user');
    assert.equal(g.run, 'run');
  }
  const scored = buildRlGroups(events, (h) => store.readSource(h), { reward: 'delta', failureReward: -100, minGroup: 1 }).flatMap((g) => g.responses);
  for (const r of scored) if (r.ok && r.score !== null && r.parentScore !== null) assert.equal(r.reward, r.score - r.parentScore);

  // The CLI command writes the same groups as JSONL.
  const out = join(mkdtempSync(join(tmpdir(), 'pe-rl-')), 'rl.jsonl');
  const cli = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts'), 'export-rl', live.dir, '-o', out], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stderr, new RegExp(`^wrote ${groups.length} prompt groups? with ${responses.length} responses? to `));
  assert.deepEqual(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown), JSON.parse(JSON.stringify(groups)));
  const bad = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts'), 'export-rl', live.dir, '--reward', 'money'], { encoding: 'utf8' });
  assert.equal(bad.stderr, "policy-evolver: --reward must be improvement, score or delta (got 'money')\n");

  // Offline replay of the cassette: the same journal, event for event.
  const replayed = await runWith(createReplayGenerator, { id: 'replay', options: { cassette } });
  assert.deepEqual(comparable(replayed.events), comparable(events));
  assert.equal(replayed.state.championId, state.championId);
});
