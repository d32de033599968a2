// Defect 3 of issue 16: --base-url reaches every provider of a run, with -g openai / -g anthropic
// and no -m too; one URL serves a mixed run without /v1/v1; a model may carry its own URL.
// Through the real CLI and both SDKs against the loopback fake.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { endpointFor, parseModelShorthand } from '../../../src/generators/llm/options';
import { ROOT } from '../../helpers/cli';
import { searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { tempDir } from '../../helpers/tmp';
import { runCli } from './cli-run';

test('endpoints: one base URL in any form becomes what each SDK expects', () => {
  assert.equal(endpointFor('anthropic', 'http://127.0.0.1:9/v1/'), 'http://127.0.0.1:9');
  assert.equal(endpointFor('anthropic', 'http://127.0.0.1:9'), 'http://127.0.0.1:9');
  assert.equal(endpointFor('openai-compatible', 'http://127.0.0.1:9'), 'http://127.0.0.1:9/v1');
  assert.equal(endpointFor('openai-compatible', 'http://127.0.0.1:9/v1/'), 'http://127.0.0.1:9/v1');
  assert.equal(endpointFor('openai', 'https://example.test/openai/v1'), 'https://example.test/openai/v1');
  assert.deepEqual(parseModelShorthand('openai-compatible:qwen2.5-coder:7b@2@http://127.0.0.1:11434'), { provider: 'openai-compatible', model: 'qwen2.5-coder:7b', weight: 2, baseUrl: 'http://127.0.0.1:11434' });
  assert.deepEqual(parseModelShorthand('fake-small@http://h:1/v1'), { model: 'fake-small', baseUrl: 'http://h:1/v1' });
  assert.equal(parseModelShorthand('a b'), undefined);
  // A provider without a model is not a model named "openai:".
  for (const text of ['openai:', 'anthropic:@2', 'openai-compatible:@http://h:1/v1']) assert.equal(parseModelShorthand(text), undefined, text);
});

function binPacking(): string {
  const dir = tempDir();
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) copyFileSync(join(ROOT, 'examples', 'bin-packing', f), join(dir, f));
  return dir;
}

async function evolve(args: string[]): Promise<void> {
  const dir = binPacking();
  const r = await runCli(['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '2', '-j', '1', '--gen-concurrency', '1', '--runs-dir', join(dir, 'runs'), '--quiet', ...args], dir);
  assert.equal(r.code, 0, `${args.join(' ')}\n${r.stderr}`);
}

test('--base-url reaches -g openai, -g anthropic, mixed providers and per-model URLs', { timeout: 900_000 }, async () => {
  const server = await startFakeLlmServer({ rules: [{ reply: searchReplaceReply('score += 0.5;', 'score += 0.75;') }] });
  try {
    await evolve(['-g', 'openai', '--gen-option', 'model=fake-small', '--base-url', server.openaiBaseUrl]);
    assert.deepEqual([...new Set(server.requests.map((r) => `${r.api}:${r.model}`))], ['openai:fake-small']);

    server.requests.length = 0;
    await evolve(['-g', 'anthropic', '--gen-option', 'model=fake-large', '--base-url', server.openaiBaseUrl]);
    assert.deepEqual([...new Set(server.requests.map((r) => `${r.api}:${r.model}`))], ['anthropic:fake-large'], 'the /v1 of the shared URL is not doubled');

    server.requests.length = 0;
    await evolve(['-m', 'openai-compatible:fake-small', '-m', 'anthropic:fake-large', '--base-url', server.openaiBaseUrl, '--budget', '6']);
    assert.deepEqual([...new Set(server.requests.map((r) => r.api))].sort(), ['anthropic', 'openai'], 'both arms reached the server');

    server.requests.length = 0;
    await evolve(['-m', `openai-compatible:fake-small@${server.url}`, '--base-url', 'http://127.0.0.1:9/v1']);
    assert.ok(server.requests.length >= 2 && server.requests.every((r) => r.api === 'openai'), 'the per-model URL (with /v1 added) beats --base-url');
  } finally {
    await server.close();
  }
});
