import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ExitCode } from '../../../src/cli/errors';
import { startFakeLlmServer, type FakeLlmServer } from '../../helpers/fake-llm-server';

let server: FakeLlmServer;
before(async () => {
  server = await startFakeLlmServer({ models: ['qwen2.5-coder:7b', 'llama3.1:8b'], rules: [{ reply: { kind: 'text', text: 'OK', usage: { input: 20, output: 1 } } }] });
});
after(async () => {
  await server.close();
});

const MAIN = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Runs `policy-evolver <args>` in a child process (without inherited API keys unless given). */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ out: string; err: string; code: number | null }> {
  const base = { ...process.env };
  delete base.OPENAI_API_KEY;
  delete base.ANTHROPIC_API_KEY;
  const merged: NodeJS.ProcessEnv = { ...base };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: merged }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ out: stdout, err: stderr, code: error ? (error.code as number) : 0 });
    });
  });
}

test('llm test prints the resolved endpoint, the key in use and the models offered', async () => {
  const { out, code } = await cli(['llm', 'test', '--base-url', server.openaiBaseUrl], { OPENAI_API_KEY: 'sk-should-not-be-sent-000' });
  assert.equal(code, 0);
  assert.equal(
    out,
    [`provider:  openai-compatible`, `endpoint:  ${server.openaiBaseUrl}`, 'key:       none sent (set --api-key-env if the server needs one)', 'models:    2 offered', '  llama3.1:8b', '  qwen2.5-coder:7b', ''].join('\n'),
  );
});

test('llm test --model sends a one-line completion; anthropic uses its own key', async () => {
  const { out, code } = await cli(['llm', 'test', '--provider', 'anthropic', '--base-url', server.anthropicBaseUrl, '--model', 'claude-haiku-4-5'], { ANTHROPIC_API_KEY: 'sk-ant-cli-test-0000' });
  assert.equal(code, 0);
  assert.match(out, /^provider: {2}anthropic\nendpoint: {2}http:\/\/127\.0\.0\.1:\d+\nkey: {7}ANTHROPIC_API_KEY \(set\)\n/);
  assert.match(out, /warning: {3}'claude-haiku-4-5' is not in the endpoint's model list/);
  assert.match(out, /model: {5}claude-haiku-4-5 answered in \d+ ms: "OK"/);
  assert.match(out, /usage: {5}20 tokens in, 1 out, \$0\.000025/);
  assert.ok(!out.includes('sk-ant-cli-test-0000'));
  const json = await cli(['llm', 'test', '--base-url', server.openaiBaseUrl, '--model', 'qwen2.5-coder:7b', '--json']);
  const report = JSON.parse(json.out) as { models: string[]; modelListed: boolean; ping: { reply: string } };
  assert.equal(report.modelListed, true);
  assert.equal(report.ping.reply, 'OK');
});

test('llm test failures are one line with an exit code', async () => {
  const missing = await cli(['llm', 'test', '--provider', 'openai']);
  // The same exit code as a run that lacks its key, and no internal placeholder model named.
  assert.equal(missing.code, ExitCode.badInput);
  assert.match(missing.err, /^policy-evolver: OpenAI API key missing: set the OPENAI_API_KEY environment variable.*\n$/);
  const bad = await cli(['llm', 'test', '--provider', 'gemini']);
  assert.equal(bad.err, "policy-evolver: --provider must be one of openai, anthropic, openai-compatible (got 'gemini')\n");
  const port = await closedPort();
  const down = await cli(['llm', 'test', '--base-url', `http://127.0.0.1:${port}/v1`, '--timeout', '3000']);
  assert.equal(down.code, ExitCode.badInput);
  assert.equal(down.err, `policy-evolver: openai-compatible endpoint http://127.0.0.1:${port}/v1: cannot connect: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  const unknownModel = await startFakeLlmServer({ rules: [{ reply: { kind: 'error', status: 404, message: 'model "nope" not found' } }] });
  try {
    const r = await cli(['llm', 'test', '--base-url', unknownModel.openaiBaseUrl, '--model', 'nope']);
    assert.match(r.err, /openai-compatible model 'nope' at .*: not found \(HTTP 404\); check the model name and base URL: model "nope" not found/);
  } finally {
    await unknownModel.close();
  }
});
