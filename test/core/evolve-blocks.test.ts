import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlockError, blockTexts, enforceBlocks, parseBlocks } from '../../src/core/evolve-blocks';

const file = [
  'import x from "y";',
  '// EVOLVE-BLOCK-START',
  'const a = 1;',
  '// EVOLVE-BLOCK-END',
  'const keep = 2;',
  '# EVOLVE-BLOCK-START',
  'b = 3',
  '# EVOLVE-BLOCK-END',
  '/* EVOLVE-BLOCK-START */',
  'c',
  '/* EVOLVE-BLOCK-END */',
  '-- EVOLVE-BLOCK-START',
  'select 1;',
  '-- EVOLVE-BLOCK-END',
  'tail',
  '',
].join('\n');

test('finds blocks in every comment syntax', () => {
  const layout = parseBlocks(file);
  assert.equal(layout.marked, true);
  assert.deepEqual(blockTexts(file, layout), ['const a = 1;\n', 'b = 3\n', 'c\n', 'select 1;\n']);
  assert.deepEqual(layout.blocks.map((b) => [b.startLine, b.endLine]), [[2, 4], [6, 8], [9, 11], [12, 14]]);
});

test('a file without markers is one block', () => {
  const layout = parseBlocks('let x = 1;\n');
  assert.equal(layout.marked, false);
  assert.deepEqual(blockTexts('let x = 1;\n', layout), ['let x = 1;\n']);
});

test('markers in strings or code are not markers', () => {
  const code = 'const s = "EVOLVE-BLOCK-START";\nlet y;\n';
  assert.equal(parseBlocks(code).marked, false);
});

test('unbalanced markers are reported with their line', () => {
  assert.throws(() => parseBlocks('a\n// EVOLVE-BLOCK-START\nb\n'), (e: unknown) => e instanceof BlockError && e.line === 2 && /never closed/.test(e.message));
  assert.throws(() => parseBlocks('a\n// EVOLVE-BLOCK-END\n'), (e: unknown) => e instanceof BlockError && e.line === 2 && /no matching/.test(e.message));
  assert.throws(() => parseBlocks('// EVOLVE-BLOCK-START\n// EVOLVE-BLOCK-START\n// EVOLVE-BLOCK-END\n'), /inside the block started at line 1/);
});

test('edits inside blocks pass; edits outside name the block and line', () => {
  const inside = file.replace('const a = 1;', 'const a = 42;\nconst extra = 1;');
  assert.equal(enforceBlocks(file, inside), inside);
  const outside = file.replace('const keep = 2;', 'const keep = 3;');
  assert.throws(() => enforceBlocks(file, outside), (e: unknown) => e instanceof BlockError && /between block 1 and block 2/.test(e.message) && /line 5 of the candidate/.test(e.message));
  const before = file.replace('import x from "y";', 'import z from "y";');
  assert.throws(() => enforceBlocks(file, before), /before block 1/);
  const after = file.replace('tail', 'tale');
  assert.throws(() => enforceBlocks(file, after), /after block 4/);
});

test('a broken or removed marker is rejected', () => {
  const broken = file.replace('// EVOLVE-BLOCK-END\nconst keep', '// EVOLVE-BLOCK-EN\nconst keep');
  assert.throws(() => enforceBlocks(file, broken), /breaks an EVOLVE-BLOCK marker|removed markers/);
  const removed = file.replace('/* EVOLVE-BLOCK-START */\nc\n/* EVOLVE-BLOCK-END */\n', '');
  assert.throws(() => enforceBlocks(file, removed), /block 3, START at line 9, is gone/);
});

test('trailing whitespace noise outside blocks is tolerated and dropped', () => {
  const noisy = file.replace('const keep = 2;', 'const keep = 2;   ').replace('const a = 1;', 'const a = 7;');
  assert.equal(enforceBlocks(file, noisy), file.replace('const a = 1;', 'const a = 7;'));
});
