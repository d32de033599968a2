// Defect 1 of issue 16: a rejected candidate is excluded everywhere. Through the real CLI and the
// OpenAI SDK against the loopback fake: after `reject <run> best`, `show` no longer calls it best,
// `apply <run> best` writes another candidate, and after `resume` it is never a parent or an
// inspiration; `unreject` makes it best again.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRun } from '../../../src/core/run-session';
import { ROOT } from '../../helpers/cli';
import { searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { tempDir } from '../../helpers/tmp';
import { runCli } from './cli-run';

test('reject excludes a candidate from best, apply and parents; unreject reverses it', { timeout: 900_000 }, async () => {
  const dir = tempDir();
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) copyFileSync(join(ROOT, 'examples', 'bin-packing', f), join(dir, f));
  // First best fit (a large gain), then small tweaks of the near-fit bonus of whatever parent is shown.
  const server = await startFakeLlmServer({
    rules: [
      {
        reply: (req) => {
          if (req.user.includes('0.2 * waste')) return searchReplaceReply('let score = 0.2 * waste + 1.0 * fill;', 'let score = -1.0 * waste;', 'Best fit.');
          const bonus = /score \+= ([\d.]+);/.exec(req.user)?.[1] ?? '0.5';
          return searchReplaceReply(`score += ${bonus};`, `score += ${(Number(bonus) + 0.25).toFixed(2)};`, 'A larger near-fit bonus.');
        },
      },
    ],
  });
  const runs = join(dir, 'runs');
  const common = ['--runs-dir', runs, '--quiet'];
  try {
    const first = await runCli(['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '2', '-j', '1', '--gen-concurrency', '1', '--islands', '1', '-m', 'fake-small', '--base-url', server.openaiBaseUrl, ...common], dir);
    assert.equal(first.code, 0, first.stderr);
    const runDir = join(runs, readdirSync(runs)[0] as string);
    const before = loadRun(runDir).state;
    const rejected = before.championId;
    assert.notEqual(rejected, 'c0', 'the scripted run found a better candidate');

    const rej = await runCli(['reject', 'latest', 'best', '--note', 'too greedy', ...common.slice(0, 2)], dir);
    assert.equal(rej.code, 0, rej.stderr);
    const show = await runCli(['show', 'latest', '--json', ...common.slice(0, 2)], dir);
    const shown = JSON.parse(show.stdout) as { bestId: string; top: { id: string; decision: string | null }[] };
    assert.notEqual(shown.bestId, rejected);
    assert.equal(shown.top.find((c) => c.id === rejected)?.decision, 'rejected');

    const applied = await runCli(['apply', 'latest', 'best', '--to', 'out.js', ...common.slice(0, 2)], dir);
    assert.equal(applied.code, 0, applied.stderr);
    const rejectedCode = loadRun(runDir).store.readSource(before.candidates.get(rejected)?.sourceHash as string);
    assert.notEqual(readFileSync(join(dir, 'out.js'), 'utf8'), rejectedCode, 'apply best skipped the rejected candidate');
    const direct = await runCli(['apply', 'latest', rejected, '--to', 'out2.js', ...common.slice(0, 2)], dir);
    assert.equal(direct.code, 3);
    assert.match(direct.stderr, /was rejected/);

    const resumed = await runCli(['resume', 'latest', '--budget', '6', ...common], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = loadRun(runDir).state;
    const later = [...after.candidates.values()].filter((c) => c.index > 2);
    assert.ok(later.length >= 3, `resume proposed ${later.length} candidates`);
    for (const c of later) assert.ok(!c.parentIds.includes(rejected), `${c.id} used rejected ${rejected} (parents ${c.parentIds.join(',')})`);
    assert.notEqual(after.championId, rejected);
    assert.ok(server.requests.slice(-later.length).every((r) => r.user.includes('too greedy')), 'the rejection note reaches later prompts');

    const un = await runCli(['unreject', 'latest', rejected, ...common.slice(0, 2)], dir);
    assert.equal(un.code, 0, un.stderr);
    const restored = loadRun(runDir).state;
    assert.equal(restored.isRejected(rejected), false);
    assert.ok(!restored.notes.includes('too greedy'), 'unreject takes its note back');
  } finally {
    await server.close();
  }
});
