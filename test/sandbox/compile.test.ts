import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCandidate, loaderForFileName } from '../../src/sandbox/compile';

test('TypeScript compiles to CommonJS with types removed and a source map', async () => {
  const result = await compileCandidate('export const f = (x: number): number => x + 1;\ninterface Unused { a: string }\n', 'policy.ts');
  assert.equal(result.ok, true);
  if (!result.ok) return;
  assert.match(result.compiled.js, /exports\.f = f/);
  assert.doesNotMatch(result.compiled.js, /: number|interface/);
  assert.equal(JSON.parse(result.compiled.map).version, 3);
  assert.equal(result.compiled.fileName, 'policy.ts');
});

test('dynamic import() becomes require(), which the sandbox refuses', async () => {
  const result = await compileCandidate("export const load = () => import('fs');", 'policy.js');
  assert.equal(result.ok, true);
  if (result.ok) {
    assert.doesNotMatch(result.compiled.js, /import\(/);
    assert.match(result.compiled.js, /require\(['"]fs['"]\)/);
  }
});

test('a syntax error names file:line:column (1-based, in characters) and shows the line', async () => {
  const result = await compileCandidate('const label = "äöü";\nexport function f() {\n  return label +* 1;\n}\n', 'p.ts');
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.match(result.message, /^p\.ts:3:17: Expression expected/);
  assert.match(result.message, /\n  3 \|   return label \+\* 1;\n    \| {17}\^$/);
});

test('a non-ASCII line keeps character columns', async () => {
  const result = await compileCandidate('const s = "ééé"; foo(', 'x.js');
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.message, /^x\.js:1:22: /);
});

test('top-level await is a compile failure, not a crash', async () => {
  const result = await compileCandidate('await Promise.resolve(1);\nexport {};\n', 'p.ts');
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.message, /Top-level await/);
});

test('unsupported extensions are refused with the supported list', async () => {
  assert.equal(loaderForFileName('a.TS'), 'ts');
  assert.equal(loaderForFileName('a.cjs'), 'js');
  assert.equal(loaderForFileName('a.py'), undefined);
  const result = await compileCandidate('print(1)', 'a.py');
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.message, /extension must be one of \.ts, \.mts, \.cts, \.js, \.mjs, \.cjs/);
});

test('results are cached by content and concurrent requests share one compilation', async () => {
  const code = `export const marker = ${Math.random()};`;
  const [a, b] = await Promise.all([compileCandidate(code, 'c.js'), compileCandidate(code, 'c.js')]);
  assert.equal(a, b);
  assert.equal(await compileCandidate(code, 'c.js'), a);
  const renamed = await compileCandidate(code, 'd.js');
  assert.notEqual(renamed, a, 'the file name is part of the key (it appears in messages and maps)');
  assert.ok(a.ok && renamed.ok && a.compiled.hash !== renamed.compiled.hash);
});
