// What a verdict covers, in one line: required settings decide it, best-effort ones are named
// when they do not complete, a violation anywhere wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverageOf } from '../../../src/evaluators/protocol/coverage';
import type { SettingCheck } from '../../../src/evaluators/protocol/verdict';

const check = (setting: string, verdict: SettingCheck['verdict'], extra: Partial<SettingCheck> = {}): SettingCheck => {
  const [, n] = setting.split(':');
  return { setting, verdict, engine: 'interpreter', wallMs: 0, n: Number(n), f: setting.startsWith('none') ? 0 : 1, ...extra };
};

test('VERIFIED names the sizes it covers and the best-effort ones that did not complete', () => {
  const c = coverageOf([
    check('none:3', 'VERIFIED'),
    check('none:4', 'VERIFIED'),
    check('byz-nonsender:4', 'VERIFIED'),
    check('byz-sender:4', 'VERIFIED'),
    check('byz-nonsender:5', 'VERIFIED'),
    check('byz-sender:5', 'VERIFIED'),
    check('byz-nonsender:7', 'VERIFIED', { f: 2, bestEffort: true }),
    check('byz-sender:7', 'UNKNOWN', { f: 2, bestEffort: true, limitHit: 'time', reason: 'time limit of 120 s reached' }),
  ]);
  assert.equal(c.verdict, 'VERIFIED');
  assert.equal(c.summary, 'VERIFIED for N = 4, 5 with f = 1 and failure-free N = 3, 4; N = 7 with f = 2 not completed (time limit)');
  assert.deepEqual(c.incomplete, ['byz-sender:7']);
});

test('a required setting that did not complete makes the verdict UNKNOWN; a violation anywhere makes it VIOLATED', () => {
  const unknown = coverageOf([check('none:4', 'VERIFIED'), check('byz-sender:5', 'UNKNOWN', { limitHit: 'states' })], ['N = 11 with f = 2']);
  assert.equal(unknown.verdict, 'UNKNOWN');
  assert.equal(unknown.summary, 'UNKNOWN: N = 5 with f = 1 not completed (state budget); verified for failure-free N = 4; N = 11 with f = 2 beyond the sizes the harness models');
  const violated = coverageOf([check('none:4', 'VERIFIED'), check('byz-sender:7', 'VIOLATED', { f: 2, bestEffort: true, property: 'Consistency' })]);
  assert.equal(violated.verdict, 'VIOLATED');
  assert.match(violated.summary, /^VIOLATED Consistency at N = 7 with f = 2 \(byz-sender:7\); verified for failure-free N = 4$/);
  assert.equal(coverageOf([]).verdict, 'UNKNOWN');
  assert.equal(coverageOf([check('crash:3', 'INVALID', { reason: 'gcc failed' })]).summary, 'INVALID at crash:3: gcc failed');
});
