// A Spin run that exceeds its limits or is cancelled is inconclusive, never verified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLimited } from '../../../src/evaluators/protocol/spin/process';
import { ProtocolVerifier } from '../../../src/evaluators/protocol/verify';
import { example, requireSpin, settings } from './support';

requireSpin();
const verifier = new ProtocolVerifier();
const bracha = example('bracha.rbp');

test('a search that runs out of time is UNKNOWN, and a later run with more time is not served the old verdict', async () => {
  const r = await verifier.verify(bracha, { settings: settings('byz-sender:5'), limits: { timeMs: 1500, memoryMb: 2048 } });
  assert.equal(r.settings[0]?.verdict, 'UNKNOWN');
  assert.match(r.settings[0]?.reason ?? '', /time limit of 1.5 s reached/);
  assert.equal(r.verified, false);
  const hit = verifier.cache.get(`interpreter||byz-sender:5|${verifier.tableFor(bracha, { id: 'byz-sender:5', kind: 'byz-sender', n: 5, f: 1, crashes: 0, byzantine: [0], senderFaulty: true, values: 2 }).key}`, { timeMs: 60_000, memoryMb: 2048 }, false);
  assert.equal(hit, undefined);
});

test('a search that runs out of memory is UNKNOWN', async () => {
  const r = await verifier.verify(bracha, { settings: settings('byz-nonsender:5'), limits: { timeMs: 60_000, memoryMb: 80 } });
  assert.equal(r.settings[0]?.verdict, 'UNKNOWN');
  assert.match(r.settings[0]?.reason ?? '', /memory limit of 80 MB reached/);
});

test('cancelling a run kills the verifier and reports UNKNOWN', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  const r = await verifier.verify(bracha, { settings: settings('byz-sender:5'), limits: { timeMs: 60_000, memoryMb: 2048 }, signal: ac.signal });
  assert.equal(r.settings[0]?.verdict, 'UNKNOWN');
  assert.equal(r.settings[0]?.reason, 'cancelled');
});

test('the process runner kills the whole process group on timeout', async () => {
  const started = Date.now();
  const out = await runLimited('/bin/sh', ['-c', 'sleep 30 & sleep 30; echo never'], { cwd: '/tmp', limits: { timeMs: 200, memoryMb: 0 } });
  assert.equal(out.timedOut, true);
  assert.equal(out.stdout.includes('never'), false);
  assert.ok(Date.now() - started < 20_000);
});
