import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimalEdit, planAccept } from '../../src/app/accept-plan';
import type { TextEditSpec } from '../../src/messages/lsp';

const apply = (text: string, edits: TextEditSpec[]): string => [...edits].sort((a, b) => b.start - a.start).reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);

const base = 'head\n// EVOLVE-BLOCK-START\nreturn 1;\n// EVOLVE-BLOCK-END\ntail\n';
const candidate = 'head\n// EVOLVE-BLOCK-START\nreturn 2;\n// EVOLVE-BLOCK-END\ntail\n';

test('an unchanged file gets the candidate block as one edit inside the block', () => {
  const plan = planAccept(base, candidate, base);
  assert.equal(plan.kind, 'apply');
  if (plan.kind !== 'apply') return;
  assert.equal(plan.edits.length, 1);
  assert.equal(plan.rebased, false);
  assert.equal(apply(base, plan.edits), candidate);
  const edit = plan.edits[0] as TextEditSpec;
  assert.ok(edit.start > base.indexOf('START') && edit.end < base.indexOf('// EVOLVE-BLOCK-END'));
});

test('edits outside the blocks are kept: the candidate is rebased', () => {
  const current = base.replace('tail', 'tail changed by the user');
  const plan = planAccept(base, candidate, current);
  assert.equal(plan.kind, 'apply');
  if (plan.kind !== 'apply') return;
  assert.equal(plan.rebased, true);
  assert.equal(apply(current, plan.edits), candidate.replace('tail', 'tail changed by the user'));
});

test('edits inside a block refuse the accept, naming the block', () => {
  const plan = planAccept(base, candidate, base.replace('return 1;', 'return 42;'));
  assert.equal(plan.kind, 'refused');
  if (plan.kind === 'refused') assert.match(plan.reason, /block 1/);
});

test('a whole-file candidate refuses when the file changed, applies when not', () => {
  assert.equal(planAccept('a\n', 'b\n', 'c\n').kind, 'refused');
  const plan = planAccept('a\nb\n', 'a\nB\n', 'a\nb\n');
  assert.equal(plan.kind, 'apply');
  if (plan.kind === 'apply') assert.deepEqual(plan.edits, [{ start: 2, end: 3, newText: 'B' }]);
});

test('accepting what the file already holds is reported as unchanged', () => {
  assert.equal(planAccept(base, candidate, candidate).kind, 'unchanged');
});

test('broken markers in the current file are refused with the reason', () => {
  const plan = planAccept(base, candidate, base.replace('// EVOLVE-BLOCK-END\n', ''));
  assert.equal(plan.kind, 'refused');
  if (plan.kind === 'refused') assert.match(plan.reason, /never closed/);
});

test('minimalEdit covers only the differing span', () => {
  assert.deepEqual(minimalEdit('abcdef', 'abXYef'), { start: 2, end: 4, newText: 'XY' });
  assert.deepEqual(minimalEdit('same', 'same'), { start: 4, end: 4, newText: '' });
});
