import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch, PatchError } from '../../src/core/patch';

const parent = [
  'export function helper() { return 1; }',
  '// EVOLVE-BLOCK-START',
  'function priority(item, bins) {',
  '    const score = item * 2;',
  '    if (score > 10) {',
  '        return score;',
  '    }',
  '    return 0;',
  '}',
  '// EVOLVE-BLOCK-END',
  'export const done = true;',
  '',
].join('\n');

test('full rewrite of a block', () => {
  const out = applyPatch(parent, { kind: 'block', index: 0, code: 'function priority() { return 3; }' });
  assert.match(out, /\/\/ EVOLVE-BLOCK-START\nfunction priority\(\) \{ return 3; \}\n\/\/ EVOLVE-BLOCK-END/);
  assert.ok(out.startsWith('export function helper()'));
  assert.throws(() => applyPatch(parent, { kind: 'block', index: 1, code: 'x' }), /block 2 does not exist: the file has 1/);
});

test('SEARCH/REPLACE exact and whitespace-tolerant, re-indented', () => {
  const exact = applyPatch(parent, { kind: 'search-replace', edits: [{ search: '    const score = item * 2;', replace: '    const score = item * 3;' }] });
  assert.match(exact, /item \* 3/);
  // Different indentation and surrounding blank lines in SEARCH still match; REPLACE takes the file's indentation.
  const loose = applyPatch(parent, {
    kind: 'search-replace',
    edits: [{ search: '\nif (score > 10) {\n    return score;\n}\n', replace: 'if (score >= 8) {\n    return score + 1;\n}' }],
  });
  assert.match(loose, /\n {4}if \(score >= 8\) \{\n {8}return score \+ 1;\n {4}\}\n/);
});

test('several edits apply in order', () => {
  const out = applyPatch(parent, {
    kind: 'search-replace',
    edits: [
      { search: 'item * 2', replace: 'item * 5' },
      { search: 'item * 5', replace: 'item * 6' },
      { search: 'return 0;', replace: 'return -1;' },
    ],
  });
  assert.match(out, /item \* 6/);
  assert.match(out, /return -1;/);
});

test('a failed SEARCH names the text that did not match', () => {
  assert.throws(
    () => applyPatch(parent, { kind: 'search-replace', edits: [{ search: 'const nope = 1;', replace: 'x' }] }),
    (e: unknown) => e instanceof PatchError && /edit 1: the SEARCH text did not match/.test(e.message) && e.message.includes('const nope = 1;'),
  );
  assert.throws(() => applyPatch(parent, { kind: 'search-replace', edits: [{ search: 'export const done = true;', replace: 'x' }] }), /outside the evolvable blocks/);
  assert.throws(() => applyPatch(parent, { kind: 'search-replace', edits: [{ search: '  ', replace: 'x' }] }), /empty SEARCH/);
});

test('full-file patches are held to the block rules', () => {
  const ok = parent.replace('item * 2', 'item * 9');
  assert.equal(applyPatch(parent, { kind: 'full', code: ok }), ok);
  assert.throws(() => applyPatch(parent, { kind: 'full', code: parent.replace('done = true', 'done = false') }), /outside the evolvable blocks, after block 1/);
  assert.throws(() => applyPatch(parent, { kind: 'block', index: 0, code: '// EVOLVE-BLOCK-END\nx' }), /EVOLVE-BLOCK marker/);
});
