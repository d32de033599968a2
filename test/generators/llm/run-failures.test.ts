// Defect 4 of issue 16 through the real CLI and both SDKs against the loopback fake: a rejected
// key (401) or an unknown model (404) ends the run as failed, in one line with exit 3, and the
// journal says why; proposals failing N times in a row stop the run with the last error; a
// configuration error leaves no run folder behind.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRun } from '../../../src/core/run-session';
import { ROOT } from '../../helpers/cli';
import { startFakeLlmServer } from '../../helpers/fake-llm-server';
import { tempDir } from '../../helpers/tmp';
import { runCli } from './cli-run';

function binPacking(): string {
  const dir = tempDir();
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) copyFileSync(join(ROOT, 'examples', 'bin-packing', f), join(dir, f));
  return dir;
}

function onlyRun(runs: string) {
  const dirs = readdirSync(runs);
  assert.equal(dirs.length, 1);
  return loadRun(join(runs, dirs[0] as string)).state;
}

test('401 and 404 end the run as failed: one line, exit 3, reason journaled, key never shown', { timeout: 900_000 }, async () => {
  const server = await startFakeLlmServer({ apiKey: 'sk-right-000000', rules: [{ match: (r) => r.model === 'no-such-model', reply: { kind: 'error', status: 404, message: 'model not found' } }] });
  try {
    for (const [api, args, env, pattern] of [
      ['openai', ['-m', 'openai:fake-small', '--base-url', server.openaiBaseUrl], { OPENAI_API_KEY: 'sk-wrong-111111' }, /authentication failed \(HTTP 401\); check OPENAI_API_KEY/],
      ['anthropic', ['-m', 'anthropic:fake-small', '--base-url', server.openaiBaseUrl], { ANTHROPIC_API_KEY: 'sk-wrong-222222' }, /authentication failed \(HTTP 401\); check ANTHROPIC_API_KEY/],
      ['openai', ['-m', 'openai:no-such-model', '--base-url', server.openaiBaseUrl], { OPENAI_API_KEY: 'sk-right-000000' }, /not found \(HTTP 404\); check the model name and base URL/],
    ] as const) {
      const dir = binPacking();
      const runs = join(dir, 'runs');
      const r = await runCli(['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '5', '-j', '1', '--runs-dir', runs, '--quiet', ...args], dir, env);
      assert.equal(r.code, 3, `${api}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] as string, pattern);
      assert.doesNotMatch(r.stderr, /sk-wrong|internal error/);
      const state = onlyRun(runs);
      assert.equal(state.ended, 'error');
      assert.match(state.endError ?? '', pattern);
    }
  } finally {
    await server.close();
  }
});

test('proposals failing N times in a row stop the run with the last error', { timeout: 900_000 }, async () => {
  const server = await startFakeLlmServer({ rules: [{ reply: { kind: 'text', text: 'I would rather not change anything.' } }] });
  try {
    const dir = binPacking();
    writeFileSync(join(dir, 'strict.json'), JSON.stringify({ ...JSON.parse(JSON.stringify(require(join(dir, 'evolve.json')))), budget: { maxCandidates: 50, maxConsecutiveFailures: 3 } }));
    const runs = join(dir, 'runs');
    const r = await runCli(['evolve', 'heuristic.js', '--config', 'strict.json', '-j', '1', '--gen-concurrency', '1', '-m', 'fake-small', '--base-url', server.openaiBaseUrl, '--runs-dir', runs, '--quiet'], dir);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr.trim(), /^policy-evolver: stopped after 3 proposals in a row failed; the last: generate: .*unusable reply/);
    const state = onlyRun(runs);
    assert.equal(state.ended, 'error');
    assert.equal(state.proposalsFailed, 3);
    assert.ok(server.requests.length <= 3 * 2, 'no more than the failing proposals (and their repair turns) were sent');
  } finally {
    await server.close();
  }
});

test('a configuration error (missing key) leaves no run folder', { timeout: 900_000 }, async () => {
  const dir = binPacking();
  const runs = join(dir, 'runs');
  const r = await runCli(['evolve', 'heuristic.js', '--config', 'evolve.json', '-m', 'openai:gpt-4.1-mini', '--runs-dir', runs], dir);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /OpenAI API key missing/);
  assert.ok(!existsSync(runs) || readdirSync(runs).length === 0, `left ${existsSync(runs) ? readdirSync(runs).join(', ') : ''}`);
});
