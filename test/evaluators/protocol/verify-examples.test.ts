// The known algorithms verify in their fault models at the sizes Spin can search, with both the
// screening interpreter and the compiled certification model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolVerifier } from '../../../src/evaluators/protocol/verify';
import { parseProtocolOrThrow } from '../../../src/evaluators/protocol/language/parser';
import { example, exampleText, requireSpin, settings, TEST_LIMITS } from './support';

requireSpin();
const verifier = new ProtocolVerifier();

test('eager reliable broadcast verifies failure-free and with crashes, up to N = 5 with f = 2', async () => {
  const r = await verifier.verify(example('eager-reliable-broadcast.rbp'), { settings: settings('none:3', 'none:4', 'crash:3', 'crash:4', 'crash:5'), engine: 'compiled', exactReceipts: true, limits: TEST_LIMITS });
  assert.deepEqual(r.settings.map((s) => `${s.setting}=${s.verdict}`), ['none:3=VERIFIED', 'none:4=VERIFIED', 'crash:3=VERIFIED', 'crash:4=VERIFIED', 'crash:5=VERIFIED']);
  const ff4 = r.settings[1];
  assert.equal(ff4?.metrics?.messagesWorst, 20);
  assert.ok((ff4?.stats?.states ?? 0) > 0);
  assert.equal(r.verified, true);
});

test('Bracha verifies with a Byzantine sender and non-sender at N = 4, interpreter and compiled alike', async () => {
  for (const engine of ['interpreter', 'compiled'] as const) {
    const r = await verifier.verify(example('bracha.rbp'), { settings: settings('none:3', 'none:4', 'byz-nonsender:4', 'byz-sender:4'), engine, exactReceipts: engine === 'compiled', limits: TEST_LIMITS });
    assert.deepEqual(r.settings.map((s) => `${s.setting}=${s.verdict}`), ['none:3=VERIFIED', 'none:4=VERIFIED', 'byz-nonsender:4=VERIFIED', 'byz-sender:4=VERIFIED'], engine);
    assert.equal(r.settings[1]?.metrics?.messagesWorst, 36);
    if (engine === 'compiled') assert.deepEqual([r.settings[1]?.metrics?.receiptsBest, r.settings[1]?.metrics?.receiptsWorst], [3, 7]);
  }
});

test('Imbs-Raynal verifies in every default setting, Byzantine sender at N = 6, 7 and 11 (f = 2) included, with complete searches', async () => {
  // A state budget rather than a time limit: the verdict may not depend on the machine's speed.
  // The eager encoding stored 17 million states for byz-sender:6 alone; lazy receipts a few hundred.
  const r = await verifier.verify(example('imbs-raynal.rbp'), { engine: 'compiled', limits: { ...TEST_LIMITS, maxStates: 100_000 } });
  assert.deepEqual(r.settings.map((s) => `${s.setting}=${s.verdict}`), ['none:3=VERIFIED', 'none:4=VERIFIED', 'byz-nonsender:6=VERIFIED', 'byz-sender:6=VERIFIED', 'byz-nonsender:7=VERIFIED', 'byz-sender:7=VERIFIED', 'byz-nonsender:11=VERIFIED', 'byz-sender:11=VERIFIED']);
  assert.equal(r.verified, true);
  assert.match(r.coverage.summary, /^VERIFIED for N = 6, 7 with f = 1; N = 11 with f = 2/);
});

test('Imbs-Raynal needs N > 5f: forced to f = 1 at N = 4 it is violated', async () => {
  const r = await verifier.verify(example('imbs-raynal.rbp'), { settings: settings('byz-sender:4:f=1'), limits: TEST_LIMITS, chart: true });
  assert.equal(r.settings[0]?.verdict, 'VIOLATED');
  assert.ok(r.settings[0]?.chart?.steps.length);
});

test('WITNESS sent once per type instead of once per value is a false design: a Byzantine sender breaks it', async () => {
  const perType = parseProtocolOrThrow(exampleText('imbs-raynal.rbp').replace('message WITNESS per value', 'message WITNESS'));
  const r = await verifier.verify(perType, { settings: settings('byz-nonsender:6', 'byz-sender:6'), limits: TEST_LIMITS, chart: true, stopAtFirstFailure: false });
  assert.equal(r.settings[0]?.verdict, 'VERIFIED');
  assert.equal(r.settings[1]?.verdict, 'VIOLATED');
  assert.equal(r.settings[1]?.property, 'RB-Agreement');
});
