// The protocol evaluator as the engine sees it: workloads are settings, scores reward verified
// settings then low cost, and bad candidates are ok: false with line:column, never exceptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProtocolEvaluator } from '../../../src/evaluators/protocol';
import type { CandidateSource, Evaluator } from '../../../src/core/types';
import { EXAMPLES_DIR, FIXTURES_DIR, requireSpin } from './support';

requireSpin();

function candidate(path: string, fileName = path.split('/').pop() as string): CandidateSource {
  return { id: fileName, code: readFileSync(path, 'utf8'), fileName, hash: fileName };
}

const ctx = { baseDir: EXAMPLES_DIR, sandbox: () => { throw new Error('not used'); } };
let byzantine: Evaluator;

test('workloads are the fault model\'s settings, cheapest first, with what a remote worker needs', async () => {
  // The defaults cover N = 4, 5 with f = 1 and, best-effort, N = 7 with f = 2.
  const defaults = await (await createProtocolEvaluator({ fault: 'byzantine' }, ctx)).workloads();
  assert.deepEqual(defaults.map((w) => w.id), ['none:3', 'none:4', 'byz-nonsender:4', 'byz-sender:4', 'byz-nonsender:5', 'byz-sender:5', 'byz-nonsender:7', 'byz-sender:7']);
  assert.equal(defaults[7]?.data && typeof defaults[7].data === 'object' && !Array.isArray(defaults[7].data) ? defaults[7].data.bestEffort : undefined, true);
  // Scoring is what this file tests: the small settings keep it quick.
  byzantine = await createProtocolEvaluator({ fault: 'byzantine', settings: ['none:3', 'none:4', 'byz-nonsender:4', 'byz-sender:4'], timeLimitMs: 60_000, memoryLimitMb: 2048, certify: false }, ctx);
  const ws = await byzantine.workloads();
  assert.deepEqual(ws.map((w) => w.id), ['none:3', 'none:4', 'byz-nonsender:4', 'byz-sender:4']);
  assert.deepEqual(ws[3]?.data, { kind: 'byz-sender', n: 4, setting: 'byz-sender:4' });
  assert.equal(ws[0]?.cheap, true);
  assert.equal(byzantine.info.id, 'protocol');
  assert.equal(byzantine.info.domain, 'protocol');
  await assert.rejects(createProtocolEvaluator({ fault: 'omission' }, ctx), /'fault' must be none, crash or byzantine/);
  await assert.rejects(createProtocolEvaluator({ settings: ['byz:4'] }, ctx), /bad setting 'byz:4'/);
});

test('Bracha scores above 1 in every setting; a broken variant scores 0 past its violation, with the chart in the feedback', async () => {
  const ws = await byzantine.workloads();
  const good = await byzantine.evaluate(candidate(join(EXAMPLES_DIR, 'bracha.rbp')), ws, new AbortController().signal);
  assert.equal(good.ok, true);
  assert.ok(good.perWorkload.every((w) => w.score > 1), JSON.stringify(good.perWorkload));
  assert.equal(good.metrics.messagesWorst, 36);
  assert.equal(good.metrics.steps, 3);
  assert.equal(good.features.messages, 36);
  assert.match(good.feedback, /byz-sender:4: VERIFIED/);
  assert.ok(good.fingerprint);

  const bad = await byzantine.evaluate(candidate(join(FIXTURES_DIR, 'bracha-threshold-f.rbp')), ws, new AbortController().signal);
  assert.equal(bad.ok, true);
  assert.deepEqual(bad.perWorkload.map((w) => w.score > 1), [true, true, false, false]);
  assert.equal(bad.perWorkload[2]?.score, 0);
  assert.match(bad.perWorkload[2]?.error ?? '', /VIOLATED/);
  assert.match(bad.feedback, /Shortest counterexample found for byz-nonsender:4/);
  assert.match(bad.feedback, /from p3 \(faulty\)/);
  assert.ok(bad.score < good.score);
  // The editor shows the counterexample at the rule that delivers.
  assert.equal(good.diagnostics, undefined);
  const text = readFileSync(join(FIXTURES_DIR, 'bracha-threshold-f.rbp'), 'utf8').split('\n');
  const deliverLine = text.findIndex((l) => /^\s*on .*deliver/.test(l)) + 1;
  assert.ok(bad.diagnostics && bad.diagnostics.length >= 1);
  assert.equal(bad.diagnostics[0]?.line, deliverLine);
  assert.equal(bad.diagnostics[0]?.severity, 'error');
  assert.match(bad.diagnostics[0]?.message ?? '', /byz-nonsender:4: VIOLATED RB-\w+[\s\S]*from p3 \(faulty\)/);
});

test('a cheaper verified protocol scores higher than a costlier one', async () => {
  const crash = await createProtocolEvaluator({ fault: 'crash', certify: false }, ctx);
  const ws = await crash.workloads();
  const eager = await crash.evaluate(candidate(join(EXAMPLES_DIR, 'eager-reliable-broadcast.rbp')), ws, new AbortController().signal);
  const relayData = 'protocol R\nfault crash\nmessage DATA\non broadcast: send DATA\non DATA from 1: deliver, send DATA\n';
  const cheaper = await crash.evaluate({ id: 'r', code: relayData, fileName: 'r.rbp', hash: 'r' }, ws, new AbortController().signal);
  assert.equal(eager.metrics.messagesWorst, 20);
  assert.equal(cheaper.metrics.messagesWorst, 16);
  assert.ok(cheaper.score > eager.score);
});

test('a malformed file is ok: false with file:line:column, and a wrong fault model is refused', async () => {
  const ws = await byzantine.workloads();
  const r = await byzantine.evaluate(candidate(join(FIXTURES_DIR, 'malformed.rbp')), ws, new AbortController().signal);
  assert.equal(r.ok, false);
  assert.match(r.error ?? '', /^malformed\.rbp:9:19: expected ':' after the trigger but found 'deliver'/);
  assert.ok(r.perWorkload.every((w) => !w.ok && w.score === 0));
  assert.match((await byzantine.precheck?.(candidate(join(FIXTURES_DIR, 'malformed.rbp')))) ?? '', /malformed\.rbp:9:19/);
  const crashy = await byzantine.evaluate(candidate(join(EXAMPLES_DIR, 'eager-reliable-broadcast.rbp')), ws, new AbortController().signal);
  assert.equal(crashy.ok, false);
  assert.match(crashy.error ?? '', /checks byzantine protocols, but the candidate declares 'fault crash'/);
});

test('a raw PROMELA model is checked on its own assertions and scored by the variable the user names', async () => {
  const pml = await createProtocolEvaluator({ scoreVariable: 'sent', objective: 'minimize', timeLimitMs: 30_000 }, ctx);
  const ws = await pml.workloads();
  assert.deepEqual(ws.map((w) => w.id), ['spin']);
  const model = (bound: number, bad: boolean): string => `byte sent;
active [2] proctype p() {
  /* EVOLVE-BLOCK-START */
  do
  :: atomic { sent < ${bound} -> sent++ }
  :: break
  od;
  /* EVOLVE-BLOCK-END */
  assert(sent <= ${bad ? 1 : bound});
}
`;
  const ok = await pml.evaluate({ id: 'a', code: model(3, false), fileName: 'm.pml', hash: 'a' }, ws, new AbortController().signal);
  assert.equal(ok.ok, true);
  assert.equal(ok.metrics.verified, 1);
  assert.equal(ok.metrics.score, 3);
  const tighter = await pml.evaluate({ id: 'b', code: model(2, false), fileName: 'm.pml', hash: 'b' }, ws, new AbortController().signal);
  assert.ok(tighter.score > ok.score, 'a lower worst case scores higher when minimizing');
  const broken = await pml.evaluate({ id: 'c', code: model(3, true), fileName: 'm.pml', hash: 'c' }, ws, new AbortController().signal);
  assert.equal(broken.metrics.verified, 0);
  assert.match(broken.feedback, /assertion violated/);
  const syntax = await pml.evaluate({ id: 'd', code: 'active proctype p() { x = ; }', fileName: 'm.pml', hash: 'd' }, ws, new AbortController().signal);
  assert.equal(syntax.ok, false);
  assert.match(syntax.error ?? '', /m\.pml: Spin rejected the model: line 1/);
  // C code Spin passes through but gcc rejects is a compiler error, not Spin's.
  const cError = await pml.evaluate({ id: 'e', code: 'c_code { int broken = ; }\nactive proctype p() { skip }', fileName: 'm.pml', hash: 'e' }, ws, new AbortController().signal);
  assert.equal(cError.ok, false);
  assert.match(cError.error ?? '', /m\.pml: gcc could not compile the verifier .*error/);
  assert.doesNotMatch(cError.error ?? '', /Spin rejected/);
});
