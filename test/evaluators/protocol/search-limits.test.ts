// Limits that do not depend on the machine: a budget of stored states stops a search at the same
// point everywhere, and a lossy search (bitstate, hash-compact -DHC*) is never VERIFIED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../../src/evaluators/protocol/spin/harness';
import { parsePanOutput } from '../../../src/evaluators/protocol/spin/pan-output';
import type { RunOutcome } from '../../../src/evaluators/protocol/spin/process';
import { ProtocolVerifier } from '../../../src/evaluators/protocol/verify';
import { example, requireSpin, settings } from './support';

requireSpin();

test('a state budget stops the search at the same number of states every time, UNKNOWN', async () => {
  const bracha = example('bracha.rbp');
  const limits = { timeMs: 600_000, memoryMb: 2048, maxStates: 20_000 };
  // Failure-free N = 5 with exact receipt counts: about 29,000 states, taken one message at a time.
  const opts = { settings: settings('none:5'), engine: 'compiled', exactReceipts: true, limits } as const;
  const a = await new ProtocolVerifier().verify(bracha, opts);
  const b = await new ProtocolVerifier().verify(bracha, opts);
  const [ca, cb] = [a.settings[0], b.settings[0]];
  assert.equal(ca?.verdict, 'UNKNOWN');
  assert.equal(ca?.limitHit, 'states');
  assert.match(ca?.reason ?? '', /state budget of 20,000 states reached/);
  assert.equal(a.verified, false);
  assert.equal(ca?.stats?.states, cb?.stats?.states);
  assert.ok((ca?.stats?.states ?? 0) >= 20_000);
});

function run(stdout: string): RunOutcome {
  return { code: 0, signal: null, stdout, stderr: '', timedOut: false, aborted: false, durationMs: 1 };
}

const panTail = `
State-vector 12 byte, depth reached 401, errors: 0
      601 states, stored
      600 states, matched
     1201 transitions (= stored+matched)
pan: elapsed time 0 seconds
`;

test('hash-compact and bitstate searches are UNKNOWN, only a full state-space search is VERIFIED', () => {
  const limits = { timeMs: 1000, memoryMb: 100 };
  for (const mode of ['Hash-Compact 4', 'Hash-Compact 3', 'Bit statespace']) {
    const out = `(Spin Version 6.5.2 -- 6 December 2019)\n\t+ Partial Order Reduction\n\n${mode} search for:\n\tnever claim - (none specified)\n${panTail}`;
    const c = classify(run(out), parsePanOutput(out), limits);
    assert.equal(c.verdict, 'UNKNOWN', mode);
    assert.equal(c.limitHit, 'lossy');
    assert.match(c.reason ?? '', new RegExp(mode));
  }
  const full = `(Spin Version 6.5.2 -- 6 December 2019)\n\nFull statespace search for:\n${panTail}`;
  assert.equal(classify(run(full), parsePanOutput(full), limits).verdict, 'VERIFIED');
  // No announcement at all proves nothing either.
  assert.equal(classify(run(panTail), parsePanOutput(panTail), limits).verdict, 'UNKNOWN');
});
