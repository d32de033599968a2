// Defect 10 of issue 16 through the real CLI and the OpenAI SDK against the loopback fake: a model
// whose window cannot hold the program is refused at the start in one line (exit 3, no request, no
// run folder); an 8k local model on the FaaS example gets its reply reservation planned to fit.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../helpers/cli';
import { searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { tempDir } from '../../helpers/tmp';
import { runCli } from './cli-run';

function faasExample(): string {
  const dir = tempDir();
  for (const f of ['priority.ts', 'policy-api.d.ts', 'params.toml', 'sample-trace.csv']) copyFileSync(join(ROOT, 'examples', 'faas', f), join(dir, f));
  return dir;
}

test('a window too small for the program is refused before any request, in one line', { timeout: 900_000 }, async () => {
  const server = await startFakeLlmServer({ rules: [{ reply: { kind: 'text', text: 'unused' } }] });
  try {
    const dir = faasExample();
    const runs = join(dir, 'runs');
    const r = await runCli(['evolve', 'priority.ts', '--budget', '2', '--context-window', '2048', '-m', 'qwen-local', '--base-url', server.openaiBaseUrl, '--runs-dir', runs], dir);
    assert.equal(r.code, 3, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] as string, /qwen-local: the prompt with priority\.ts alone is about \d+ tokens .* the context window is 2048 tokens: set contextWindow to at least \d+/);
    assert.equal(server.requests.length, 0);
    assert.ok(!existsSync(runs) || readdirSync(runs).length === 0);
  } finally {
    await server.close();
  }
});

test('an 8k local model gets a reply reservation that fits its window', { timeout: 900_000 }, async () => {
  const window = 8192;
  // The server enforces the window as a real one would: prompt plus requested reply (4 characters a token).
  const server = await startFakeLlmServer({
    rules: [
      {
        match: (req) => Math.ceil((req.system.length + req.user.length) / 4) + Number(req.body.max_tokens ?? 0) > window,
        reply: { kind: 'context-length', limit: window },
      },
      { reply: searchReplaceReply('const AGING = 0;', 'const AGING = 0.5;', 'Serve pipelines already under way first.') },
    ],
  });
  try {
    const dir = faasExample();
    const r = await runCli(['evolve', 'priority.ts', '--budget', '2', '-j', '1', '--gen-concurrency', '1', '--context-window', String(window), '-m', 'qwen-local', '--base-url', server.openaiBaseUrl, '--runs-dir', join(dir, 'runs'), '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(server.requests.length >= 1, r.stderr);
    for (const req of server.requests) {
      const maxTokens = Number(req.body.max_tokens);
      assert.ok(maxTokens < 4096 && maxTokens >= 1024, `reply reservation ${maxTokens}`);
      assert.ok(Math.ceil((req.system.length + req.user.length) / 4) + maxTokens <= window, 'prompt and reply fit the window');
    }
  } finally {
    await server.close();
  }
});
