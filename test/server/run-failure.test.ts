// A run that cannot do its job ends failed with its reason, never "ended": a generator whose every
// proposal is unusable, an unreachable server, a starting program that does not evaluate. The
// failure is typed (so the editor offers the right action), journaled (it survives a restart) and
// the proposals rejected before evaluation are listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunManager } from '../../src/server/runs';
import { parseSettings, runConfigFor } from '../../src/server/settings';
import { kindOfMessage } from '../../src/server/run-failure';
import type { RunFailure, RunStatus } from '../../src/messages/lsp';
import { startFakeLlmServer } from '../helpers/fake-llm-server';

interface Outcome {
  status: RunStatus;
  failure?: RunFailure;
}

async function runOnce(settings: Record<string, unknown>, edit?: (code: string) => string): Promise<{ outcome: Outcome; root: string; runId: string; file: string }> {
  const root = mkdtempSync(join(tmpdir(), 'pe-fail-'));
  cpSync(join(__dirname, '..', '..', 'examples', 'bin-packing'), join(root, 'bp'), { recursive: true });
  const file = join(root, 'bp', 'heuristic.js');
  if (edit) writeFileSync(file, edit(readFileSync(file, 'utf8')));
  const code = readFileSync(file, 'utf8');
  let finished!: (o: Outcome) => void;
  const done = new Promise<Outcome>((r) => (finished = r));
  const runs = new RunManager(() => [root], {
    event: () => undefined,
    status: (_id, status, _file, detail) => {
      if (status !== 'running') finished({ status, ...(detail?.failure ? { failure: detail.failure } : {}) });
    },
    log: () => undefined,
  });
  const config = runConfigFor(file, code, parseSettings({ concurrency: 1, generationConcurrency: 1, ...settings }), root, { maxCandidates: 3 });
  const { runId } = await runs.start(root, code, config);
  return { outcome: await done, root, runId, file };
}

/** A fresh manager reads the run from its journal only, as after a restart of the editor. */
function reloaded(root: string, runId: string): ReturnType<RunManager['snapshot']> {
  return new RunManager(() => [root], { event: () => undefined, status: () => undefined, log: () => undefined }).snapshot(runId);
}

test('every proposal unusable: the run fails, says why, and lists the rejected proposals', async () => {
  const server = await startFakeLlmServer({ models: ['m'], rules: [{ reply: { kind: 'text', text: 'I would rather not change anything today.' } }] });
  let root = '';
  try {
    const r = await runOnce({ generator: 'llm', models: ['openai-compatible:m'], baseUrl: server.openaiBaseUrl });
    root = r.root;
    assert.equal(r.outcome.status, 'failed');
    assert.match(r.outcome.failure?.message ?? '', /no candidate reached evaluation/);
    const snap = reloaded(root, r.runId);
    assert.equal(snap.status, 'failed');
    assert.ok(snap.failure);
    assert.ok(snap.rejected.length >= 1, 'the rejected proposals are listed');
    assert.equal(snap.rejected.every((p) => p.error.length > 0), true);
  } finally {
    await server.close();
    if (root) rmSync(root, { recursive: true, force: true });
  }
});

test('an unreachable server: the run fails with an endpoint failure that survives a restart', async () => {
  const r = await runOnce({ generator: 'llm', models: ['openai-compatible:m'], baseUrl: 'http://127.0.0.1:9/v1' });
  try {
    assert.equal(r.outcome.status, 'failed');
    assert.equal(r.outcome.failure?.kind, 'endpoint', r.outcome.failure?.message);
    const snap = reloaded(r.root, r.runId);
    assert.equal(snap.status, 'failed');
    assert.equal(snap.failure?.kind, 'endpoint');
  } finally {
    rmSync(r.root, { recursive: true, force: true });
  }
});

test('a starting program that does not evaluate: failed, with the evaluation error', async () => {
  const r = await runOnce({ generator: 'mutate' }, (code) => code.replace('return score;', 'return scor;'));
  try {
    assert.equal(r.outcome.status, 'failed');
    assert.equal(r.outcome.failure?.kind, 'starting-program');
    assert.match(r.outcome.failure?.message ?? '', /starting program/);
    assert.equal(reloaded(r.root, r.runId).status, 'failed');
  } finally {
    rmSync(r.root, { recursive: true, force: true });
  }
});

test('journal-only failure text is classified for its action', () => {
  assert.equal(kindOfMessage('OpenAI-compatible endpoint: 401 Incorrect API key provided'), 'auth');
  assert.equal(kindOfMessage('429 Too Many Requests after 5 attempts'), 'rate-limit');
  assert.equal(kindOfMessage('connect ECONNREFUSED 127.0.0.1:9'), 'endpoint');
  assert.equal(kindOfMessage('the policy threw TypeError'), 'error');
});
