import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostMessage, parseWebviewMessage } from '../../src/messages/webview';
import { isRunStatus } from '../../src/messages/lsp';
import { allowRestart, MAX_RESTARTS, RESTART_WINDOW_MS } from '../../src/extension/restart-policy';

test('webview messages are narrowed before the host acts on them', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'accept', candidateId: 'c3', extra: 1 }), { type: 'accept', candidateId: 'c3' });
  assert.deepEqual(parseWebviewMessage({ type: 'reject', candidateId: 'c3' }), { type: 'reject', candidateId: 'c3', note: '' });
  assert.equal(parseWebviewMessage({ type: 'reject', candidateId: 'c3', note: 'x'.repeat(5000) })?.type, 'reject');
  assert.equal((parseWebviewMessage({ type: 'reject', candidateId: 'c3', note: 'x'.repeat(5000) }) as { note: string }).note.length, 2000);
  assert.equal(parseWebviewMessage({ type: 'accept' }), undefined);
  assert.equal(parseWebviewMessage({ type: 'accept', candidateId: 7 }), undefined);
  assert.equal(parseWebviewMessage({ type: 'eval', code: 'x' }), undefined);
  assert.equal(parseWebviewMessage(null), undefined);
  assert.equal(parseWebviewMessage('ready'), undefined);
});

test('host messages are recognised by type', () => {
  assert.equal(isHostMessage({ type: 'snapshot', snapshot: null, runs: [], trusted: true }), true);
  assert.equal(isHostMessage({ type: 'other' }), false);
  assert.equal(isHostMessage(undefined), false);
});

test('run statuses', () => {
  for (const s of ['running', 'stopped', 'ended', 'failed']) assert.equal(isRunStatus(s), true);
  assert.equal(isRunStatus('paused'), false);
});

test('server restarts are capped within the window', () => {
  const crashes: number[] = [];
  for (let i = 0; i < MAX_RESTARTS; i++) assert.equal(allowRestart(crashes, 1000 + i), true);
  assert.equal(allowRestart(crashes, 2000), false);
  // Once the window has passed, old crashes no longer count.
  assert.equal(allowRestart(crashes, 2000 + RESTART_WINDOW_MS + 1), true);
});
