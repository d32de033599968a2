// Broken variants of the known algorithms are reported violated, with a message-sequence chart a
// person can follow; the paper's Figure 3 algorithm is checked where it is claimed to hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolVerifier } from '../../../src/evaluators/protocol/verify';
import type { SettingCheck } from '../../../src/evaluators/protocol/verdict';
import { example, fixture, requireSpin, settings, TEST_LIMITS } from './support';

requireSpin();
const verifier = new ProtocolVerifier();

function violated(r: { settings: SettingCheck[] }, id: string): SettingCheck {
  const s = r.settings.find((x) => x.setting === id);
  assert.equal(s?.verdict, 'VIOLATED', `${id}: ${JSON.stringify(s && { verdict: s.verdict, reason: s.reason })}`);
  assert.ok(s?.chart, 'a violation comes with a chart');
  return s as SettingCheck;
}

test('delivering after one ECHO instead of 2f+1 READYs: a faulty process makes a correct one deliver a value the sender never sent', async () => {
  const r = await verifier.verify(fixture('bracha-deliver-one-echo.rbp'), { limits: TEST_LIMITS, chart: true });
  const v = violated(r, 'byz-nonsender:4');
  assert.equal(v.property, 'RB-Integrity');
  const text = v.chart?.text ?? '';
  assert.match(text, /receives ECHO\(1\) from p3 \(faulty\)/);
  assert.match(text, /delivers 1/);
  assert.equal(r.settings.find((s) => s.setting === 'byz-sender:4')?.skipped, true);
});

test('eager broadcast without relays: a sender crashing mid-broadcast leaves a correct process behind', async () => {
  const r = await verifier.verify(fixture('eager-no-relay.rbp'), { limits: TEST_LIMITS, chart: true, engine: 'compiled' });
  assert.equal(r.settings.find((s) => s.setting === 'none:3')?.verdict, 'VERIFIED');
  const v = violated(r, 'crash:3');
  assert.equal(v.property, 'RB-Agreement');
  const chart = v.chart;
  assert.ok(chart);
  assert.ok(chart.steps.some((s) => s.sent.some((x) => x.to !== 'all')), 'the crashing broadcast reaches only some processes');
  assert.match(chart.text, /p0 broadcasts 0; sends DATA\(0\) but crashes: it reaches p\d/);
  assert.match(chart.text, /never delivers/);
  assert.ok(chart.outcome.some((o) => o.state === 'delivered') && chart.outcome.some((o) => o.state === 'waiting'));
});

test('READY amplification after f READYs instead of f+1: one faulty READY is enough to split the correct processes', async () => {
  const r = await verifier.verify(fixture('bracha-threshold-f.rbp'), { limits: TEST_LIMITS, chart: true });
  const v = violated(r, 'byz-nonsender:4');
  assert.match(v.chart?.text ?? '', /READY\(1\) from p3 \(faulty\)/);
  assert.ok((v.chart?.steps.length ?? 99) <= 4, 'breadth-first search gives a short trail');
});

test('Figure 3 at N = 4, f = 1 and larger: every verdict is conclusive and backed by a chart where it fails', async () => {
  const r = await verifier.verify(example('figure3.rbp'), {
    settings: settings('none:4', 'byz-nonsender:4', 'byz-sender:4', 'byz-nonsender:5', 'byz-sender:5', 'byz-sender:7'),
    limits: TEST_LIMITS,
    chart: true,
    stopAtFirstFailure: false,
  });
  const verdicts = Object.fromEntries(r.settings.map((s) => [s.setting, s.verdict]));
  assert.deepEqual(verdicts, {
    'none:4': 'VERIFIED',
    'byz-nonsender:4': 'VERIFIED',
    'byz-sender:4': 'VIOLATED',
    'byz-nonsender:5': 'VERIFIED',
    'byz-sender:5': 'VIOLATED',
    'byz-sender:7': 'VIOLATED',
  });
  // The paper's claim (correct for F = 1) does not hold here: an equivocating sender splits the
  // correct processes already at N = 4, f = 1.
  const n4 = violated(r, 'byz-sender:4');
  assert.match(n4.chart?.text ?? '', /from p0 \(faulty\)/);
  violated(r, 'byz-sender:7');
});

test('Bracha with ECHO quorums of 2f+1: the default settings reach N = 5, where it breaks, and N = 6 breaks too', async () => {
  const p = fixture('bracha-echo-2f1.rbp');
  const r = await verifier.verify(p, { limits: { ...TEST_LIMITS, maxStates: 5_000_000 }, chart: false });
  assert.equal(r.verified, false);
  assert.equal(r.coverage.verdict, 'VIOLATED');
  const v = r.settings.find((s) => s.verdict === 'VIOLATED');
  assert.equal(v?.n, 5);
  assert.equal(v?.f, 1);
  assert.match(r.coverage.summary, /^VIOLATED \S+ at N = 5 with f = 1 \(byz-(non)?sender:5\); verified for N = 4 with f = 1/);
  const six = await verifier.verify(p, { settings: settings('byz-sender:6'), limits: { ...TEST_LIMITS, maxStates: 5_000_000 }, chart: false });
  assert.equal(six.settings[0]?.verdict, 'VIOLATED');
  // Bracha itself holds at N = 4 with its own ECHO quorum, the setting that cannot tell the two apart.
  const bracha = await verifier.verify(example('bracha.rbp'), { settings: settings('byz-sender:4'), limits: TEST_LIMITS, chart: false });
  assert.equal(bracha.settings[0]?.verdict, 'VERIFIED');
});
