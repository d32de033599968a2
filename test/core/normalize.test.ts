import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeHash, normalizeCode } from '../../src/core/normalize';

test('JS/TS hashes ignore whitespace and comments but not code', () => {
  const a = 'function f(x) {\n  // comment\n  return x + 1; /* block */\n}\n';
  const b = 'function f(x){return x+1;}';
  assert.equal(codeHash(a, 'p.ts'), codeHash(b, 'p.ts'));
  assert.notEqual(codeHash(a, 'p.ts'), codeHash('function f(x){return x+2;}', 'p.ts'));
  // Comment markers inside strings and regexes are code.
  assert.notEqual(codeHash('const s = "// a";', 'p.js'), codeHash('const s = "// b";', 'p.js'));
  assert.notEqual(codeHash('const r = /a\\/\\/b/;', 'p.js'), codeHash('const r = /a\\/\\/c/;', 'p.js'));
  assert.notEqual(codeHash('const t = `x ${1} y`;', 'p.ts'), codeHash('const t = `x ${2} y`;', 'p.ts'));
});

test('other languages drop their line comments outside strings', () => {
  assert.equal(normalizeCode('x = 1  # set x\ny = "# not a comment"\n', 'a.py'), 'x = 1 y = "# not a comment"');
  assert.equal(codeHash('select 1; -- one', 'q.sql'), codeHash('select   1;', 'q.sql'));
  assert.equal(codeHash('int x; /* c */ // d\n', 'a.c'), codeHash('int x;', 'a.c'));
});
