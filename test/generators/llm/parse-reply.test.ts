import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReply, ReplyParseError } from '../../../src/core/prompt';
import { applyPatch } from '../../../src/core/patch';
import type { ProgramView } from '../../../src/core/types';
import { PROGRAM, program } from './fixtures';

const ctx = { parent: program(), language: 'javascript' };

function apply(reply: string, parent: ProgramView = ctx.parent): string {
  return applyPatch(parent.code, parseReply(reply, { parent, language: 'javascript' }).patch);
}

test('SEARCH/REPLACE edits with prose around them, fenced or not', () => {
  const reply = [
    'Rejecting bins that are too small avoids invalid placements, so fewer bins open.',
    '',
    '```javascript',
    '<<<<<<< SEARCH',
    '  return bins.map((b) => -(b - item));',
    '=======',
    '  return bins.map((b) => (b >= item ? -(b - item) : -Infinity));',
    '>>>>>>> REPLACE',
    '```',
    '',
    'Let me know if you want more changes.',
  ].join('\n');
  const parsed = parseReply(reply, ctx);
  assert.equal(parsed.patch.kind, 'search-replace');
  assert.equal(parsed.explanation, 'Rejecting bins that are too small avoids invalid placements, so fewer bins open.');
  assert.match(apply(reply), /b >= item \? -\(b - item\) : -Infinity/);
});

test('the explanation is the reasoning, not an introduction to the edit', () => {
  const edit = `<<<<<<< SEARCH\n${'  return bins.map((b) => -(b - item));'}\n=======\n  return bins;\n>>>>>>> REPLACE`;
  assert.equal(parseReply(`Here is my change:\n\n${edit}\n\nReturning the bins as is keeps their order stable.`, ctx).explanation, 'Returning the bins as is keeps their order stable.');
  assert.equal(parseReply(`## Why\nBecause fewer bins open.\n\nThe edit:\n${edit}`, ctx).explanation, 'Because fewer bins open.');
  assert.equal(parseReply(edit, ctx).explanation, undefined);
});

test('several edits, CRLF line ends and fences inside the sections', () => {
  const reply = [
    '**Explanation:** two tweaks.',
    '<<<<<<< SEARCH',
    '```js',
    'function priority(item, bins) {',
    '```',
    '=======',
    'function priority(item, bins) { // tuned',
    '>>>>>>> REPLACE',
    '',
    '<<<<<<< SEARCH',
    '  return bins.map((b) => -(b - item));',
    '=======',
    '  return bins.map((b) => -(b - item) * 2);',
    '>>>>>>> REPLACE',
  ].join('\r\n');
  const parsed = parseReply(reply, ctx);
  assert.equal(parsed.explanation, 'two tweaks.');
  assert.equal(parsed.patch.kind === 'search-replace' && parsed.patch.edits.length, 2);
  const out = apply(reply);
  assert.match(out, /\{ \/\/ tuned/);
  assert.match(out, /\* 2\);/);
});

test('a full rewrite of the single block, with or without echoed markers', () => {
  const code = 'function priority(item, bins) {\n  return bins.map((b) => b - item);\n}';
  for (const body of [code, `// EVOLVE-BLOCK-START\n${code}\n// EVOLVE-BLOCK-END`]) {
    const reply = `Use the remaining capacity directly.\n\n\`\`\`javascript\n${body}\n\`\`\`\n`;
    const parsed = parseReply(reply, ctx);
    assert.equal(parsed.patch.kind, 'block');
    assert.equal(parsed.explanation, 'Use the remaining capacity directly.');
    assert.equal(apply(reply), PROGRAM.replace('  return bins.map((b) => -(b - item));', '  return bins.map((b) => b - item);'));
  }
});

test('a whole file in the reply becomes a full patch the engine can check', () => {
  const whole = PROGRAM.replace('-(b - item)', '(item - b)');
  const parsed = parseReply(`Here is the file.\n\`\`\`js\n${whole}\`\`\``, ctx);
  assert.equal(parsed.patch.kind, 'full');
  assert.equal(applyPatch(PROGRAM, parsed.patch), whole);
});

test('several blocks: labelled code blocks replace only their block', () => {
  const two = '// head\n// EVOLVE-BLOCK-START\nconst a = 1;\n// EVOLVE-BLOCK-END\nmid();\n// EVOLVE-BLOCK-START\nconst b = 2;\n// EVOLVE-BLOCK-END\n';
  const parent = program({ code: two, blocks: ['const a = 1;\n', 'const b = 2;\n'] });
  const one = parseReply('Change b.\n```js block 2\nconst b = 3;\n```', { parent, language: 'javascript' });
  assert.deepEqual(one.patch, { kind: 'block', index: 1, code: 'const b = 3;\n' });
  const both = parseReply('```js block 1\nconst a = 5;\n```\n```js block 2\nconst b = 6;\n```', { parent, language: 'javascript' });
  assert.equal(both.patch.kind, 'full');
  assert.equal(applyPatch(two, both.patch), two.replace('a = 1', 'a = 5').replace('b = 2', 'b = 6'));
  assert.throws(() => parseReply('```js\nconst a = 5;\n```', { parent, language: 'javascript' }), /2 evolvable blocks but the reply gives 1 unlabelled code block/);
  assert.throws(() => parseReply('```js block 3\nx\n```', { parent, language: 'javascript' }), /labelled block 3, but the program has blocks 1 to 2/);
});

test('unfenced code after a paragraph of prose', () => {
  const reply = 'Prefer the tightest bin that fits.\n\nfunction priority(item, bins) {\n  return bins.map((b) => (b >= item ? item - b : -1e9));\n}\n';
  const parsed = parseReply(reply, ctx);
  assert.equal(parsed.patch.kind, 'block');
  assert.equal(parsed.explanation, 'Prefer the tightest bin that fits.');
  assert.match(apply(reply), /item - b : -1e9/);
});

test('reasoning in <think> tags is ignored', () => {
  const reply = '<think>\nMaybe ```js\nnope\n``` and <<<<<<< SEARCH\n</think>\nSmall fix.\n<<<<<<< SEARCH\n  return bins.map((b) => -(b - item));\n=======\n  return bins.map((b) => item - b);\n>>>>>>> REPLACE';
  assert.match(apply(reply), /item - b\);/);
});

test('unusable replies are errors that say what was wrong', () => {
  const cases: [string, RegExp][] = [
    ['I would increase the threshold a little, which should help.', /no SEARCH\/REPLACE edit and no code \(reply began: "I would increase/],
    ['', /the reply was empty/],
    ['<<<<<<< SEARCH\nfoo\n>>>>>>> REPLACE', /edit 1 \(SEARCH at reply line 1\) has no '=======' line between/],
    ['<<<<<<< SEARCH\nfoo\n=======\nbar\n', /edit 1 \(SEARCH at reply line 1\) is not closed with '>>>>>>> REPLACE'; the reply may have been cut off/],
    ['Fix:\n<<<<<<< SEARCH\n\n=======\nbar\n>>>>>>> REPLACE', /edit 1 \(reply line 2\) has an empty SEARCH part/],
    ['text\n=======\nbar\n>>>>>>> REPLACE', /'>>>>>>> REPLACE' line at reply line 4 has no matching '<<<<<<< SEARCH'/],
    ['<<<<<<< SEARCH\nx\n=======\nx\n>>>>>>> REPLACE', /nothing would change/],
    ['Here:\n```js\nfunction priority() {\n', /code block opened at reply line 2 is never closed/],
    ['```diff\n--- a\n+++ b\n@@ -1 +1 @@\n+y\n```', /hunk of the unified diff only adds lines/],
    ['{"thoughts": "none", "answer": 42}', /JSON object without code or edits \(its keys: thoughts, answer\)/],
  ];
  for (const [reply, message] of cases) {
    assert.throws(() => parseReply(reply, ctx), (err: Error) => err instanceof ReplyParseError && message.test(err.message), `reply ${JSON.stringify(reply)}`);
  }
});

test('a SEARCH that does not match is reported by the engine with the text', () => {
  const reply = '<<<<<<< SEARCH\n  return nothing;\n=======\n  return 1;\n>>>>>>> REPLACE';
  assert.throws(() => apply(reply), /SEARCH text did not match the parent:\n\s*return nothing;/);
});

const FIXED_PROGRAM = [
  '// Online bin packing.',
  'const CAPACITY = 100;',
  '// EVOLVE-BLOCK-START',
  'function priority(item, bins) {',
  '  return bins.map((b) => -(b - item));',
  '}',
  '// EVOLVE-BLOCK-END',
  'module.exports = { priority, CAPACITY };',
  '',
].join('\n');
const fixedParent = program({ code: FIXED_PROGRAM, blocks: ['function priority(item, bins) {\n  return bins.map((b) => -(b - item));\n}\n'] });

test('ambiguous shapes: a bare or fenced diff becomes edits, a JSON wrapper is unwrapped', () => {
  const diff = ['Tighter fit.', '', '--- a/pack.js', '+++ b/pack.js', '@@ -3,3 +3,3 @@', ' function priority(item, bins) {', '-  return bins.map((b) => -(b - item));', '+  return bins.map((b) => b - item);', ' }'].join('\n');
  const parsed = parseReply(diff, ctx);
  assert.deepEqual(parsed.patch, { kind: 'search-replace', edits: [{ search: 'function priority(item, bins) {\n  return bins.map((b) => -(b - item));\n}', replace: 'function priority(item, bins) {\n  return bins.map((b) => b - item);\n}' }] });
  assert.equal(parsed.explanation, 'Tighter fit.');
  assert.match(apply('```diff\n' + diff.split('\n').slice(2).join('\n') + '\n```'), /return bins\.map\(\(b\) => b - item\);/);

  const wrapped = JSON.stringify({ explanation: 'Roomiest bin first.', code: 'function priority(item, bins) {\n  return bins;\n}' });
  const j = parseReply(wrapped, ctx);
  assert.equal(j.explanation, 'Roomiest bin first.');
  assert.match(apply(wrapped), /\/\/ EVOLVE-BLOCK-START\nfunction priority\(item, bins\) \{\n  return bins;\n\}\n\/\/ EVOLVE-BLOCK-END/);
  const edits = '```json\n' + JSON.stringify({ edits: [{ search: '  return bins.map((b) => -(b - item));', replace: '  return [];' }] }) + '\n```';
  assert.match(apply(edits), /return \[\];/);
});

test('a whole file without markers is mapped onto the block only when the fixed code is unchanged', () => {
  const whole = ['Here is the whole file.', '', '```javascript', '// Online bin packing.', 'const CAPACITY = 100;', '', 'function priority(item, bins) {', '  return bins.map((b) => b);', '}', 'module.exports = { priority, CAPACITY };', '```'].join('\n');
  const out = applyPatch(FIXED_PROGRAM, parseReply(whole, { parent: fixedParent, language: 'javascript' }).patch);
  assert.equal(out.match(/function priority/g)?.length, 1, out);
  assert.equal(out.match(/module\.exports/g)?.length, 1, out);
  assert.match(out, /\/\/ EVOLVE-BLOCK-START\nfunction priority\(item, bins\) \{\n  return bins\.map\(\(b\) => b\);\n\}\n\/\/ EVOLVE-BLOCK-END/);
  const changedFixed = whole.replace('const CAPACITY = 100;', 'const CAPACITY = 120;');
  assert.throws(() => parseReply(changedFixed, { parent: fixedParent, language: 'javascript' }), (err: Error) => err instanceof ReplyParseError && /changes code outside the evolvable block \(expected the line "const CAPACITY = 100;"\)/.test(err.message));
});

test('a SEARCH text that matches several places is an error naming the count', () => {
  const twice = program({ code: PROGRAM.replace('  return bins.map((b) => -(b - item));', '  let x = 1;\n  let x = 1;\n  return bins.map((b) => -(b - item));') });
  const reply = '<<<<<<< SEARCH\n  let x = 1;\n=======\n  let x = 2;\n>>>>>>> REPLACE';
  assert.throws(() => apply(reply, twice), /edit 1: the SEARCH text matches 2 places in the evolvable code/);
  // Whitespace-insensitive matching is held to the same rule.
  const loose = '<<<<<<< SEARCH\nlet x = 1;\n=======\nlet x = 2;\n>>>>>>> REPLACE';
  assert.throws(() => apply(loose, twice), /matches 2 places/);
});
