import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProtocolOrThrow } from '../../../src/evaluators/protocol/language/parser';
import { canonicalize, instantiate } from '../../../src/evaluators/protocol/model/table';
import { lockstep } from '../../../src/evaluators/protocol/model/lockstep';
import { defaultSettings, parseSettingId, resolveSetting, settingsBeyondModel, type ResolvedSetting } from '../../../src/evaluators/protocol/model/settings';
import type { Protocol } from '../../../src/evaluators/protocol/language/ast';
import { example } from './support';

function key(p: Protocol, id: string): string {
  const s = resolveSetting(p, parseSettingId(id)) as ResolvedSetting;
  return canonicalize(instantiate(p, s), s).key;
}

const bracha = example('bracha.rbp');

test('reordered rules and renamed types have the same canonical table', () => {
  const renamed = parseProtocolOrThrow(`protocol B2
fault byzantine
message PROPOSE, READY, VOTE
on READY from 2f+1: deliver
on VOTE from floor((N+f)/2)+1: send READY
on broadcast: send PROPOSE
on READY from f+1: send READY
on PROPOSE from sender: send VOTE
`);
  for (const id of ['none:4', 'byz-nonsender:4', 'byz-sender:4', 'byz-sender:7']) assert.equal(key(renamed, id), key(bracha, id), id);
});

test('thresholds that coincide at a size give one table there and two elsewhere', () => {
  // More than (N+f)/2 and N-f are both 3 at N = 4, but 4 and 5 at N = 6.
  const nf = parseProtocolOrThrow(`protocol B
fault byzantine
message INIT, ECHO, READY
on broadcast: send INIT
on INIT from sender: send ECHO
on ECHO from N-f: send READY
on READY from f+1: send READY
on READY from 2f+1: deliver
`);
  assert.equal(key(nf, 'byz-sender:4'), key(bracha, 'byz-sender:4'));
  assert.notEqual(key(nf, 'none:6'), key(bracha, 'none:6'));
});

test('dead rules and dominated actions do not change the table', () => {
  const padded = parseProtocolOrThrow(`protocol B
fault byzantine
message INIT, ECHO, READY, JUNK
on broadcast: send INIT
on INIT from sender: send ECHO
on READY from N+1: stop
on ECHO from > (N+f)/2: send READY
on ECHO from N: send READY
on READY from f+1: send READY
on READY from 2f+1: deliver
on JUNK from 1: deliver
`);
  // READY from N+1 can never fire (at most N parties); ECHO from N repeats an earlier action;
  // JUNK is never sent by a correct process and with no faults nobody else sends it either.
  assert.equal(key(padded, 'none:4'), key(bracha, 'none:4'));
  // With a Byzantine process, JUNK can arrive, so the tables differ.
  assert.notEqual(key(padded, 'byz-nonsender:4'), key(bracha, 'byz-nonsender:4'));
});

test('settings resolve f per fault model and skip settings without faults', () => {
  // N = 3f+1 and 3f+2 with f = 1, and N = 7 with f = 2 best-effort.
  const ids = (p: Parameters<typeof defaultSettings>[0]) => defaultSettings(p).map((s) => `${s.kind}:${s.n}${s.bestEffort ? '?' : ''}`);
  assert.deepEqual(ids(bracha), ['none:3', 'none:4', 'byz-nonsender:4', 'byz-sender:4', 'byz-nonsender:5', 'byz-sender:5', 'byz-nonsender:7?', 'byz-sender:7?']);
  assert.deepEqual(ids(example('imbs-raynal.rbp')), ['none:3', 'none:4', 'byz-nonsender:6', 'byz-sender:6', 'byz-nonsender:7', 'byz-sender:7', 'byz-nonsender:11?', 'byz-sender:11?']);
  assert.deepEqual(settingsBeyondModel(example('imbs-raynal.rbp')), []);
  assert.deepEqual(settingsBeyondModel({ fault: 'byzantine', resilience: 6 }), ['N = 13 with f = 2']);
  assert.deepEqual(ids(example('eager-reliable-broadcast.rbp')), ['none:3', 'crash:3', 'none:4', 'crash:4', 'crash:5?']);
  const crash5 = resolveSetting(example('eager-reliable-broadcast.rbp'), parseSettingId('crash:5')) as ResolvedSetting;
  assert.equal(crash5.crashes, 2);
  const byz7 = resolveSetting(bracha, parseSettingId('byz-sender:7')) as ResolvedSetting;
  assert.deepEqual(byz7.byzantine, [0, 6]);
  assert.equal(resolveSetting(bracha, parseSettingId('byz-sender:3')), undefined);
  assert.throws(() => parseSettingId('byzantine:4'), /bad setting 'byzantine:4'/);
});

test('failure-free lock-step costs match the literature', () => {
  const at = (p: Protocol, n: number) => lockstep(instantiate(p, resolveSetting(p, { kind: 'none', n }) as ResolvedSetting), n);
  const eager = at(example('eager-reliable-broadcast.rbp'), 4);
  assert.deepEqual([eager.messages, eager.steps], [20, 1]);
  const b = at(bracha, 4);
  // N + 2N^2 messages, 3 steps, 7 messages counted before delivering (own ones included).
  assert.deepEqual([b.messages, b.steps, Math.max(...(b.receipts as number[]))], [36, 3, 7]);
  const ir = at(example('imbs-raynal.rbp'), 6);
  assert.deepEqual([ir.messages, ir.steps], [6 + 36, 2]);
  const fig3 = at(example('figure3.rbp'), 4);
  assert.deepEqual([fig3.messages, fig3.steps], [4 + 16, 2]);
  const silent = parseProtocolOrThrow('protocol S\nfault crash\nmessage D\non broadcast: send D\n');
  assert.equal(at(silent, 4).allDelivered, false);
});
