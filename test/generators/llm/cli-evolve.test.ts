// End to end through the real CLI: an LLM run against the fake server improves the bin-packing
// example through scripted replies, journals tokens and cost, and replaying its cassette offline
// reproduces the run.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRun } from '../../../src/core/run-session';
import { cliAsync, ROOT } from '../../helpers/cli';
import { searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { tempDir } from '../../helpers/tmp';

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cliAsync(args, { cwd, env: { OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('evolve with a model over loopback, then replay the cassette offline', { timeout: 900_000 }, async () => {
  const dir = tempDir();
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) copyFileSync(join(ROOT, 'examples', 'bin-packing', f), join(dir, f));
  // The model first proposes best fit, then a useless reply, then tunes the near-fit bonus.
  const server = await startFakeLlmServer({
    rules: [
      {
        reply: (req, n) => {
          if (n % 3 === 0 && req.user.includes('0.2 * waste')) return { ...searchReplaceReply('let score = 0.2 * waste + 1.0 * fill;', 'let score = -1.0 * waste;', 'Prefer the fullest bin that fits: best fit.'), usage: { input: 900, output: 60 } };
          if (n % 3 === 1) return { kind: 'text', text: 'I would rather not change anything.', usage: { input: 900, output: 10 } };
          return { ...searchReplaceReply('score += 0.5;', 'score += 2;', 'Reward near-perfect fits more.'), usage: { input: 900, output: 50 } };
        },
      },
    ],
  });
  const cassette = join(dir, 'run.cassette.jsonl');
  const common = ['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '6', '-j', '1', '--gen-concurrency', '1', '--seed', '4', '--quiet'];
  let live;
  try {
    live = await run([...common, '--model', 'fake-small', '--base-url', server.openaiBaseUrl, '--record', cassette, '--gen-option', 'prices={"fake-small":{"input":1,"output":4}}', '--runs-dir', join(dir, 'live')], dir);
  } finally {
    await server.close();
  }
  assert.equal(live.code, 0, live.stderr);
  assert.match(live.stdout, /best +c\d+ +score -\d+\.\d+ +\+\d+\.\d+% vs the starting program/);
  assert.ok(existsSync(cassette));

  const liveRun = loadRun(join(dir, 'live', readdirSync(join(dir, 'live'))[0] as string)).state;
  assert.ok(liveRun.tokens.input >= 900 * 6 && liveRun.tokens.output > 0, JSON.stringify(liveRun.tokens));
  // Prices for an unknown model come from --gen-option prices (USD per million tokens).
  const expected = (liveRun.tokens.input * 1 + liveRun.tokens.output * 4) / 1e6;
  assert.ok(Math.abs(liveRun.spendUsd - expected) < 1e-9, `spend ${liveRun.spendUsd} vs ${expected}`);
  assert.ok(liveRun.failed >= 1, 'the prose reply became a failed proposal');
  assert.notEqual(liveRun.championId, 'c0');

  // The server is gone: the replay must come entirely from the cassette.
  const replay = await run([...common, '--cassette', cassette, '--runs-dir', join(dir, 'replay')], dir);
  assert.equal(replay.code, 0, replay.stderr);
  const replayRun = loadRun(join(dir, 'replay', readdirSync(join(dir, 'replay'))[0] as string)).state;
  const trace = (s: typeof liveRun) => [...s.candidates.values()].sort((a, b) => a.index - b.index).map((c) => [c.index, c.sourceHash, c.result?.score]);
  assert.deepEqual(trace(replayRun), trace(liveRun));
  assert.deepEqual(replayRun.failures.map((f) => f.error), liveRun.failures.map((f) => f.error));
  assert.equal(replayRun.championId, liveRun.championId);
  assert.equal(replayRun.spendUsd.toFixed(9), liveRun.spendUsd.toFixed(9));
});
