// A key stored with "Set API Key" reaches runs on an OpenAI-compatible server, the same way the
// connection test uses it: the run names the stored key, the value never enters the journal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunManager } from '../../src/server/runs';
import { parseSettings, runConfigFor } from '../../src/server/settings';
import { applySecrets, COMPATIBLE_KEY, withStoredKeys } from '../../src/server/secrets';
import type { RunStatus } from '../../src/messages/lsp';
import { searchReplaceReply, startFakeLlmServer } from '../helpers/fake-llm-server';

test('withStoredKeys names the stored key only for openai-compatible models without one', () => {
  const config = runConfigFor('/w/h.js', 'x', parseSettings({ generator: 'llm', models: ['openai-compatible:m', 'openai:gpt-4.1-mini'], baseUrl: 'http://127.0.0.1:9/v1' }), '/w', { evaluator: 'command', command: 'true', maxCandidates: 1 });
  const none = withStoredKeys(config, () => undefined);
  assert.equal(none, config);
  const named = withStoredKeys(config, (n) => (n === COMPATIBLE_KEY ? 'sk-stored' : undefined));
  const models = named.generator.options.models as { provider: string; apiKeyEnv?: string }[];
  assert.deepEqual(
    models.map((m) => [m.provider, m.apiKeyEnv]),
    [
      ['openai-compatible', COMPATIBLE_KEY],
      ['openai', undefined],
    ],
  );
  assert.ok(!JSON.stringify(named).includes('sk-stored'));
});

test('a run against an OpenAI-compatible server sends the key stored in the editor', async () => {
  const key = 'sk-stored-in-secret-storage-7f3a';
  const server = await startFakeLlmServer({ apiKey: key, models: ['m'], rules: [{ reply: searchReplaceReply('let score = 0.2 * waste + 1.0 * fill;', 'let score = 0.1 * waste + 1.0 * fill;') }] });
  const root = mkdtempSync(join(tmpdir(), 'pe-key-'));
  const previous = process.env[COMPATIBLE_KEY];
  delete process.env[COMPATIBLE_KEY];
  try {
    cpSync(join(__dirname, '..', '..', 'examples', 'bin-packing'), join(root, 'bp'), { recursive: true });
    const file = join(root, 'bp', 'heuristic.js');
    const code = readFileSync(file, 'utf8');
    applySecrets({ [COMPATIBLE_KEY]: key });
    let finished!: (s: { status: RunStatus; message?: string }) => void;
    const done = new Promise<{ status: RunStatus; message?: string }>((r) => (finished = r));
    const runs = new RunManager(() => [root], {
      event: () => undefined,
      status: (_id, status, _file, detail) => {
        if (status !== 'running') finished({ status, ...(detail?.message ? { message: detail.message } : {}) });
      },
      log: () => undefined,
    });
    const settings = parseSettings({ generator: 'llm', models: ['openai-compatible:m'], baseUrl: server.openaiBaseUrl, concurrency: 1, generationConcurrency: 1 });
    const { runId, dir } = await runs.start(root, code, runConfigFor(file, code, settings, root, { maxCandidates: 2 }));
    const outcome = await done;
    assert.equal(outcome.status, 'ended', outcome.message);
    assert.ok(server.requests.length >= 1);
    for (const req of server.requests) assert.equal(req.headers.authorization, `Bearer ${key}`);
    const snap = runs.snapshot(runId);
    assert.ok(snap.candidates.some((c) => c.index > 0 && c.ok), 'a candidate from the model was evaluated');
    assert.ok(!readFileSync(join(dir, 'journal.jsonl'), 'utf8').includes(key), 'the key never reaches the journal');
  } finally {
    applySecrets({ [COMPATIBLE_KEY]: '' });
    if (previous !== undefined) process.env[COMPATIBLE_KEY] = previous;
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
