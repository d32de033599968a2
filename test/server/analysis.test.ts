import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DocumentAnalyzer } from '../../src/server/analysis';
import { findGrammarsDir, GrammarSet, SHIPPED_GRAMMARS, grammarFor } from '../../src/server/grammars';
import { buildLenses, scoreTitle } from '../../src/server/lenses';
import { errorLocation } from '../../src/app/evaluate-once';
import { diagnosticsFor } from '../../src/server/documents';
import { globMatches } from '../../src/server/glob';
import { parseSettings, runConfigFor } from '../../src/server/settings';

const root = join(__dirname, '..', '..');
const grammars = new GrammarSet(findGrammarsDir([join(root, 'dist', 'grammars')]));

test('every shipped grammar loads and parses with the pinned runtime', async () => {
  const samples: Record<string, string> = { javascript: 'function f(a) { return a + 1; }', typescript: 'export function f(a: number): number { return a; }', tsx: 'const x = <div>{1}</div>;', python: 'def f(a):\n    return a + 1\n' };
  for (const name of SHIPPED_GRAMMARS) {
    const parser = await grammars.parser(name);
    const tree = parser.parse(samples[name] as string);
    assert.equal(tree.rootNode.hasError, false, `${name} parses its sample`);
    tree.delete();
  }
});

test('regions: EVOLVE-BLOCKs first, else exported policy functions, else the file', async () => {
  const analyzer = new DocumentAnalyzer(grammars);
  const marked = await analyzer.analyze('h.js', 'x\n// EVOLVE-BLOCK-START\nfunction p() {}\n// EVOLVE-BLOCK-END\n');
  assert.deepEqual(marked.regions.map((r) => [r.kind, r.range.startLine]), [['block', 1]]);
  const faas = await analyzer.analyze('p.ts', 'function helper() {}\nexport function init(s: number) { return s; }\nexport const step = (v: unknown) => v;\n');
  assert.deepEqual(faas.regions.map((r) => [r.name, r.range.startLine]), [['init', 1], ['step', 2]]);
  const py = await analyzer.analyze('p.py', 'import os\n\ndef priority(item, bins):\n    return bins\n');
  assert.deepEqual(py.regions.map((r) => [r.name, r.range.startLine]), [['priority', 2]]);
  const plain = await analyzer.analyze('p.rbp', 'protocol x');
  assert.equal(plain.regions[0]?.kind, 'file');
});

test('syntax errors and broken markers are reported at their lines', async () => {
  const analyzer = new DocumentAnalyzer(grammars);
  const bad = await analyzer.analyze('b.js', 'function f() {\n  return 1 +;\n}\n');
  assert.ok(bad.syntax.length > 0);
  assert.equal(bad.syntax[0]?.range.startLine, 1);
  const broken = await analyzer.analyze('b.js', 'a\n// EVOLVE-BLOCK-START\nb\n');
  assert.equal(broken.blockError?.line, 2);
  assert.deepEqual(buildLenses('file:///b.js', broken, { kind: 'unscored' }), []);
});

test('lens titles show score, key metric and deltas against the baseline', () => {
  const result = { ok: true, score: 0.9, metrics: { bins: 10 }, features: {}, perWorkload: [], feedback: '' };
  const baseline = { ...result, score: 0.8, metrics: { bins: 12 } };
  assert.equal(scoreTitle({ kind: 'scored', result, baseline, source: 'cache' }), 'Score 0.9 (+0.1 vs baseline) · bins 10 (−2)');
  assert.match(scoreTitle({ kind: 'scored', result: { ...result, ok: false, score: null, error: 'TypeError: x\nmore' }, source: 'cache' }), /Evaluation failed: TypeError: x$/);
  assert.match(scoreTitle({ kind: 'restricted' }), /Restricted/);
});

test('evaluation error locations', () => {
  assert.deepEqual(errorLocation('at priority (heuristic.js:12:5)', 'heuristic.js'), { line: 11, col: 4 });
  assert.deepEqual(errorLocation('SyntaxError on line 3', 'x.js'), { line: 2, col: 0 });
  assert.equal(errorLocation('no location', 'x.js'), undefined);
  assert.equal(grammarFor('x.mjs'), 'javascript');
  assert.equal(grammarFor('x.rbp'), undefined);
});

test('globs and settings resolve the evaluator per file', () => {
  assert.equal(globMatches('**/heuristic.js', 'examples/bin-packing/heuristic.js'), true);
  assert.equal(globMatches('policies/*.ts', 'policies/a/b.ts'), false);
  assert.equal(globMatches('*.{ts,js}', 'deep/x.js'), true);
  const file = join(root, 'examples/bin-packing/heuristic.js');
  const settings = parseSettings({ generator: 'mutate', budget: { maxCandidates: 7 }, files: [{ pattern: 'nothing/**' }] });
  assert.equal(settings.files.length, 1);
  // A malformed rule is not dropped silently: the run refuses to start, naming it.
  assert.throws(() => runConfigFor(file, 'x', parseSettings({ files: [{ pattern: 'nothing/**' }, 42] }), root), /setting 'policyEvolver\.files\[1\]' must be an object/);
  const config = runConfigFor(file, 'x', settings, root);
  assert.equal(config.evaluator.id, 'command');
  assert.equal(config.budget.maxCandidates, 7);
  assert.equal(config.generator.id, 'mutate');
  const cmd = runConfigFor(join(root, 'nowhere.js'), 'x', parseSettings({ files: [{ pattern: '*.js', evaluator: 'command', options: { command: 'true {file}' } }] }), root, { maxCandidates: 3 });
  assert.equal(cmd.evaluator.options.command, 'true {file}');
  assert.equal(cmd.budget.maxCandidates, 3);
  assert.throws(() => runConfigFor(join(root, 'nowhere.js'), 'x', parseSettings({}), root), /cannot tell how to score/);
});

test('located evaluation diagnostics (a Spin counterexample) appear at their line', () => {
  const evaluation = { ok: true, score: 0.4, metrics: {}, features: {}, perWorkload: [], feedback: '', diagnostics: [{ line: 3, column: 2, severity: 'error' as const, message: 'byz-sender:4: VIOLATED RB-Agreement' }] };
  const diagnostics = diagnosticsFor({ syntax: [], regions: [] } as unknown as Parameters<typeof diagnosticsFor>[0], evaluation, 'p.rbp', 10);
  assert.equal(diagnostics.length, 1);
  assert.deepEqual(diagnostics[0]?.range.start, { line: 2, character: 1 });
  assert.match(diagnostics[0]?.message ?? '', /VIOLATED RB-Agreement/);
});
