// Defect 2 of issue 16 through the real CLI and the OpenAI SDK against the loopback fake: a cost
// cap with a model of unknown price is refused before any request (one line, exit 3, no run
// folder); --price prices it; and with many candidates in flight the final spend stays within one
// call of the cap.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRun } from '../../../src/core/run-session';
import { ROOT } from '../../helpers/cli';
import { searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { tempDir } from '../../helpers/tmp';
import { runCli } from './cli-run';

function binPacking(): string {
  const dir = tempDir();
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) copyFileSync(join(ROOT, 'examples', 'bin-packing', f), join(dir, f));
  return dir;
}

// Every call costs exactly (1000 * 2 + 500 * 8) / 1e6 = $0.006 at the --price below.
const CALL_USD = 0.006;
const tweak = (req: { user: string }, n: number) => {
  const bonus = /score \+= ([\d.]+);/.exec(req.user)?.[1] ?? '0.5';
  return { ...searchReplaceReply(`score += ${bonus};`, `score += ${(Number(bonus) + 0.01 * (n + 1)).toFixed(2)};`), usage: { input: 1000, output: 500 } };
};

test('--max-cost with a model of unknown price: one line, exit 3, no request, no run folder', { timeout: 900_000 }, async () => {
  const dir = binPacking();
  const server = await startFakeLlmServer({ rules: [{ reply: tweak }] });
  try {
    const runs = join(dir, 'runs');
    const r = await runCli(['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '3', '--max-cost', '0.05', '-m', 'gpt-5.4-mini', '--base-url', server.openaiBaseUrl, '--runs-dir', runs, '--quiet'], dir);
    assert.equal(r.code, 3, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] as string, /--max-cost needs the price of 'gpt-5.4-mini'.*--price gpt-5.4-mini=IN,OUT/);
    assert.equal(server.requests.length, 0, 'no model call was made');
    assert.ok(!existsSync(runs) || readdirSync(runs).length === 0, 'no run folder was left behind');

    const bad = await runCli(['evolve', 'heuristic.js', '--config', 'evolve.json', '--price', 'gpt-5.4-mini=cheap', '-m', 'gpt-5.4-mini', '--base-url', server.openaiBaseUrl, '--runs-dir', runs], dir);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /--price takes MODEL=IN,OUT\[,CACHED\]/);
  } finally {
    await server.close();
  }
});

test('the cost cap reserves calls in flight: spend ends within one call of the cap with -j 8', { timeout: 900_000 }, async () => {
  const dir = binPacking();
  const server = await startFakeLlmServer({ rules: [{ reply: tweak }] });
  try {
    const runs = join(dir, 'runs');
    const cap = 0.02;
    const r = await runCli(
      ['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '40', '--max-cost', String(cap), '-j', '8', '--gen-concurrency', '8', '-m', 'gpt-5.4-mini', '--price', 'gpt-5.4-mini=2,8,0.5', '--base-url', server.openaiBaseUrl, '--runs-dir', runs, '--quiet'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const { state } = loadRun(join(runs, readdirSync(runs)[0] as string));
    assert.equal(state.ended, 'budget-cost');
    assert.ok(state.spendUsd >= cap, `spend ${state.spendUsd} reached the cap`);
    assert.ok(state.spendUsd <= cap + CALL_USD + 1e-9, `spend ${state.spendUsd} overshot the cap ${cap} by more than one call (${CALL_USD})`);
    assert.equal(server.requests.length, Math.round(state.spendUsd / CALL_USD), 'every request was priced');
  } finally {
    await server.close();
  }
});
