import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunConfig } from '../../src/core/journal-events';
import { LocalEvaluationPool } from '../../src/core/local-pool';
import { DEFAULTS, loadRun, resumeRun, RunHandles, startRun } from '../../src/core/run-session';
import type { Evaluator, Generator } from '../../src/core/types';
import { tempDir } from '../helpers/tmp';
import { TOY_FILE, toyEvaluator, toyGenerator, toyValue, ToyOptions } from '../helpers/toy-domain';

function config(overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    file: '/virtual/toy.ts',
    fileName: 'toy.ts',
    evaluator: { id: 'toy', options: {} },
    generator: { id: 'toy', options: {} },
    ...DEFAULTS,
    evaluationConcurrency: 1,
    generationConcurrency: 1,
    budget: { maxCandidates: 60 },
    migrationInterval: 10,
    ...overrides,
  };
}

async function handlesFor(evaluator: Evaluator, generator: (onUsage: Parameters<RunHandles['makeGenerator']>[0]) => Generator, concurrency = 1): Promise<RunHandles> {
  return { evaluator: evaluator.info, workloads: await evaluator.workloads(), pool: new LocalEvaluationPool(evaluator, concurrency), makeGenerator: async (onUsage) => generator(onUsage) };
}

test('a run improves, journals every step and replays to the same state', async () => {
  const runsDir = tempDir();
  const handles = await handlesFor(toyEvaluator(), () => toyGenerator());
  const run = await startRun({ runsDir, code: TOY_FILE, config: config() }, handles, new AbortController().signal);
  const summary = await run.done;
  assert.equal(summary.reason, 'budget-candidates');
  assert.equal(summary.candidates, 60);
  assert.ok((summary.best.score as number) > (summary.initial.score as number), 'the best beats the start');
  assert.ok(summary.holdout && summary.holdout.best !== null && summary.holdout.best > (summary.holdout.initial as number), 'holdout is reported');
  const replayed = loadRun(run.store.dir).state;
  assert.deepEqual(replayed.population.snapshot(), run.state.population.snapshot());
  assert.equal(replayed.championId, run.state.championId);
  assert.equal(replayed.ended, 'budget-candidates');
  // Candidate sources are content-addressed.
  const best = replayed.champion()!;
  assert.equal(toyValue(readFileSync(join(run.store.dir, 'sources', best.sourceHash), 'utf8')), best.result?.metrics.x);
});

test('same seed, same run; another seed, another run', async () => {
  const once = async (seed: number) => {
    const run = await startRun({ runsDir: tempDir(), code: TOY_FILE, config: config({ seed }) }, await handlesFor(toyEvaluator(), () => toyGenerator()), new AbortController().signal);
    await run.done;
    return JSON.stringify(run.state.population.snapshot()) + run.state.championId;
  };
  assert.equal(await once(5), await once(5));
  assert.notEqual(await once(5), await once(6));
});

test('duplicates are evaluated once and stored once', async () => {
  const calls = new Map<string, string[][]>();
  const generator = toyGenerator({ repeat: true });
  const run = await startRun({ runsDir: tempDir(), code: TOY_FILE, config: config({ budget: { maxCandidates: 10 }, evaluationConcurrency: 3 }) }, await handlesFor(toyEvaluator({ calls }), () => generator, 3), new AbortController().signal);
  const summary = await run.done;
  assert.equal(generator.calls, 10);
  // c0 plus exactly one evaluation of `x = 1;` (search stages and validation), whatever the concurrency.
  const evaluatedIds = [...calls.keys()].filter((id) => id !== 'c0');
  assert.equal(evaluatedIds.length, 1, `evaluated: ${evaluatedIds.join(',')}`);
  assert.equal(summary.duplicates, 9);
  assert.equal(run.state.population.size(), 2);
});

test('behavioural fingerprints keep equivalent programs out of the population', async () => {
  const fingerprint = (x: number) => String(Math.round(x / 5)); // everything within a band behaves alike
  const run = await startRun({ runsDir: tempDir(), code: TOY_FILE, config: config({ budget: { maxCandidates: 30 }, islands: 1 }) }, await handlesFor(toyEvaluator({ fingerprint }), () => toyGenerator()), new AbortController().signal);
  await run.done;
  const members = [...run.state.candidates.values()].filter((c) => c.admitted);
  const prints = members.map((c) => c.result?.fingerprint);
  assert.equal(new Set(prints).size, prints.length, 'no two stored programs share a fingerprint');
  assert.ok([...run.state.candidates.values()].some((c) => c.duplicateOf && c.result?.fingerprint), 'some candidate was recognised as a behavioural duplicate');
});

test('the cascade stops weak candidates after the cheap subset', async () => {
  const calls = new Map<string, string[][]>();
  const workloads = [
    { id: 'cheap', split: 'search' as const, cheap: true },
    { id: 'big1', split: 'search' as const },
    { id: 'big2', split: 'search' as const },
  ];
  const run = await startRun(
    { runsDir: tempDir(), code: TOY_FILE, config: config({ budget: { maxCandidates: 40 }, cascade: { enabled: true, cheapCount: 1, margin: 0.05 } }) },
    await handlesFor(toyEvaluator({ calls, workloads }), () => toyGenerator()),
    new AbortController().signal,
  );
  await run.done;
  const stopped = [...run.state.candidates.values()].filter((c) => c.cascadeStopped);
  assert.ok(stopped.length > 0, 'some candidates stopped early');
  for (const c of stopped) assert.deepEqual(calls.get(c.id), [['cheap']]);
  const full = [...run.state.candidates.values()].filter((c) => c.index > 0 && !c.cascadeStopped && !c.duplicateOf && c.result?.ok);
  assert.ok(full.length > 0);
  for (const c of full) assert.deepEqual(calls.get(c.id)?.[0], ['cheap']);
  for (const c of full) assert.deepEqual(calls.get(c.id)?.[1], ['big1', 'big2']);
  for (const c of stopped) assert.equal(c.admitted, false);
});

test('an improvement must also beat its parent on validation', async () => {
  // Validation rewards distance from 7, so every search gain is a validation loss.
  const evaluator = toyEvaluator({ validationSign: -1 });
  const run = await startRun({ runsDir: tempDir(), code: TOY_FILE, config: config({ budget: { maxCandidates: 40 } }) }, await handlesFor(evaluator, () => toyGenerator()), new AbortController().signal);
  const summary = await run.done;
  const searchBetter = [...run.state.candidates.values()].filter((c) => c.index > 0 && (c.result?.score ?? -Infinity) > (run.state.initial()?.result?.score as number));
  assert.ok(searchBetter.length > 0, 'some candidates beat the start on search');
  assert.equal(summary.best.id, 'c0', 'none of them counts as an improvement');
  assert.ok([...run.state.candidates.values()].every((c) => !c.improvement));
});

test('budgets: stagnation and money', async () => {
  const stagnant = await startRun({ runsDir: tempDir(), code: TOY_FILE, config: config({ budget: { stagnation: 5 } }) }, await handlesFor(toyEvaluator(), () => toyGenerator({ repeat: true })), new AbortController().signal);
  const s1 = await stagnant.done;
  assert.equal(s1.reason, 'stagnation');
  assert.ok(s1.candidates <= 7);
  const costly = await startRun(
    { runsDir: tempDir(), code: TOY_FILE, config: config({ budget: { maxCostUsd: 0.05, maxCandidates: 1000 } }) },
    await handlesFor(toyEvaluator(), (onUsage) => toyGenerator({ costUsd: 0.01, onUsage })),
    new AbortController().signal,
  );
  const s2 = await costly.done;
  assert.equal(s2.reason, 'budget-cost');
  assert.ok(Math.abs(s2.spendUsd - 0.05) < 1e-9, `spent ${s2.spendUsd}`);
  assert.equal(loadRun(costly.store.dir).state.spendUsd.toFixed(6), s2.spendUsd.toFixed(6), 'spend is journaled');
});

test('cancel mid-run, resume, and end with the population of an uninterrupted run', async () => {
  const budget = { maxCandidates: 80 };
  const uninterrupted = await startRun({ runsDir: tempDir(), code: TOY_FILE, config: config({ budget }) }, await handlesFor(toyEvaluator(), () => toyGenerator()), new AbortController().signal);
  await uninterrupted.done;

  const runsDir = tempDir();
  const controller = new AbortController();
  const slow: ToyOptions = { delayMs: 2 };
  const handles = await handlesFor(toyEvaluator(slow), () => toyGenerator());
  let seen = 0;
  handles.onEvent = (e) => {
    if (e.kind === 'candidate' && ++seen === 25) controller.abort();
  };
  const first = await startRun({ runsDir, code: TOY_FILE, config: config({ budget }) }, handles, controller.signal);
  const s1 = await first.done;
  assert.equal(s1.reason, 'cancelled');
  assert.ok(s1.candidates < 80);
  // A crash can also cut the last journal line in half.
  appendFileSync(join(first.store.dir, 'journal.jsonl'), '{"type":"proposed","ind');
  const resumed = await resumeRun(first.store.dir, undefined, await handlesFor(toyEvaluator(), () => toyGenerator()), new AbortController().signal);
  assert.equal(resumed.skipped, 1);
  const s2 = await resumed.done;
  assert.equal(s2.reason, 'budget-candidates');
  assert.deepEqual(resumed.state.population.snapshot(), uninterrupted.state.population.snapshot());
  assert.equal(resumed.state.championId, uninterrupted.state.championId);
});

test('the starting program must evaluate', async () => {
  await assert.rejects(async () => {
    const run = await startRun({ runsDir: tempDir(), code: TOY_FILE.replace('x = 0;', 'y = 0;'), config: config() }, await handlesFor(toyEvaluator(), () => toyGenerator()), new AbortController().signal);
    await run.done;
  }, /the starting program failed its evaluation: cannot read x/);
});

test('generator and patch failures are journaled and the run goes on', async () => {
  let n = 0;
  const flaky: Generator = {
    id: 'flaky',
    async generate(req) {
      n++;
      if (n % 3 === 0) throw new Error('model said nothing useful');
      if (n % 3 === 1) return { patch: { kind: 'search-replace', edits: [{ search: 'nope', replace: 'x' }] } };
      return { patch: { kind: 'block', index: 0, code: `x = ${toyValue(req.parent.code) + 1};` } };
    },
  };
  const run = await startRun({ runsDir: tempDir(), code: TOY_FILE, config: config({ budget: { maxCandidates: 9 } }) }, await handlesFor(toyEvaluator(), () => flaky), new AbortController().signal);
  const summary = await run.done;
  assert.equal(summary.candidates, 9);
  assert.equal(summary.failed, 6);
  assert.ok(run.state.failures.some((f) => /SEARCH text did not match/.test(f.error)));
  assert.ok(run.state.failures.some((f) => /model said nothing useful/.test(f.error)));
  assert.ok((summary.best.score as number) > (summary.initial.score as number));
});

test('progress reports the remote workers a pool has attached', async () => {
  const evaluator = toyEvaluator();
  const local = new LocalEvaluationPool(evaluator, 1);
  const remote = Object.assign(local, { workers: () => ({ evaluators: 3, samplers: 1 }) });
  const seen: unknown[] = [];
  const handles: RunHandles = { evaluator: evaluator.info, workloads: await evaluator.workloads(), pool: remote, makeGenerator: async () => toyGenerator(), onEvent: (e) => e.kind === 'progress' && seen.push(e.progress.workers) };
  const run = await startRun({ runsDir: tempDir(), code: TOY_FILE, config: config({ budget: { maxCandidates: 3 } }) }, handles, new AbortController().signal);
  await run.done;
  assert.ok(seen.length > 0);
  assert.ok(seen.every((w) => JSON.stringify(w) === '{"evaluators":3,"samplers":1}'));
});
