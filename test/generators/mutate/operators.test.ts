import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import type { GenerationRequest, GenerationResult, Generator } from '../../../src/core/types';
import { createMutateGenerator, OPERATOR_NAMES, type OperatorName } from '../../../src/generators/mutate/index';
import { tuneNumber } from '../../../src/generators/mutate/numbers';
import { Rng } from '../../../src/core/rng';

const POLICY = `// FaaS scheduling policy: picks a node for each invocation and decides keep-alive.
import type { Invocation, NodeState } from './types';

export interface Decision {
  node: number;
  keepAliveMs: number;
}

export const HEADER_LIMIT = 16; // outside the region: must never change

// EVOLVE-BLOCK-START
const cpuShare = 0.5;
const memoryWeight = 1.25;
const warmBonus = 3;
const keepAliveBase = 60_000;
const spillThreshold = 0.85;
const preferWarm = true;
const tiers = [1, 2, 4, 8];

/** Weighted load in [0, ~1.3]. */
function loadOf(node: NodeState): number {
  const cpu = node.cpuUsed / node.cpuTotal;
  const mem = node.memUsed / node.memTotal;
  return cpuShare * cpu + (1 - cpuShare) * mem * memoryWeight;
}

function score(node: NodeState, inv: Invocation): number {
  let s = -loadOf(node);
  if (preferWarm && node.warm.includes(inv.fn)) {
    s += warmBonus; // warm containers avoid a cold start
  } else {
    s -= 0.5;
  }
  if (node.queue.length > 4 || loadOf(node) >= spillThreshold) s -= 10;
  return s;
}

function keepAlive(inv: Invocation): number {
  switch (inv.priority) {
    case 'high':
      return keepAliveBase * 2;
    // rarely used
    case 'low':
      return keepAliveBase / 4;
    default:
      return keepAliveBase;
  }
}

function tierOf(size: number): number {
  if (size < 128) {
    return tiers[0];
  } else if (size < 512) {
    return tiers[1];
  } else if (size <= 2048) {
    return tiers[2];
  }
  return tiers[3];
}

export function schedule(inv: Invocation, nodes: NodeState[]): Decision {
  const tier = tierOf(inv.memMb);
  const budget = inv.deadlineMs * 0.9;
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    if (n.tier < tier) continue;
    const sc = score(n, inv);
    if (sc > bestScore) {
      bestScore = sc;
      best = i;
    }
  }
  const ready = best >= 0 ? true : false;
  if (!ready || budget < 10) return { node: 0, keepAliveMs: keepAlive(inv) };
  return { node: best, keepAliveMs: keepAlive(inv) };
}
// EVOLVE-BLOCK-END

export const policyName = 'weighted-load';
export const fallbackOrder = [3, 2, 1].filter((x) => x > 1 && true);
`;

const INSPIRATION = POLICY
  .replace('return cpuShare * cpu + (1 - cpuShare) * mem * memoryWeight;', 'return Math.max(cpu, mem * memoryWeight);')
  .replace('    s -= 0.5;\n', '    s -= 1.5 * loadOf(node);\n')
  .replace('const budget = inv.deadlineMs * 0.9;', 'const budget = inv.deadlineMs * 0.75;');

const ctx = { promptsDir: '', domain: 'faas', secret: () => undefined };
const never = new AbortController().signal;

function request(seed: number, inspirations: string[] = [INSPIRATION]): GenerationRequest {
  const view = (id: string, code: string) => ({ id, code, score: 0, metrics: {}, feedback: '', blocks: [] });
  return {
    runId: 'run', index: seed, seed, fileName: 'policy.ts', language: 'typescript', domain: 'faas',
    parent: view('parent', POLICY), inspirations: inspirations.map((c, i) => view(`insp-${i}`, c)),
    recentFailures: [], humanNotes: [], patchMode: 'full',
  };
}

async function only(op: OperatorName): Promise<Generator> {
  const weights = Object.fromEntries(OPERATOR_NAMES.map((name) => [name, name === op ? 1 : 0]));
  return createMutateGenerator({ weights, maxMutations: 1 }, ctx);
}

function codeOf(r: GenerationResult): string {
  return r.patch.kind === 'full' ? r.patch.code : assert.fail('expected a full patch');
}

function parseErrors(code: string): string[] {
  const sf = ts.createSourceFile('/x/policy.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const host = ts.createCompilerHost({});
  host.getSourceFile = (n) => (n === sf.fileName ? sf : undefined);
  const program = ts.createProgram([sf.fileName], { noLib: true, noResolve: true, types: [] }, host);
  return program.getSyntacticDiagnostics(sf).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

function split(code: string): { before: string; region: string; after: string } {
  const start = code.indexOf('// EVOLVE-BLOCK-START\n') + '// EVOLVE-BLOCK-START\n'.length;
  const end = code.indexOf('// EVOLVE-BLOCK-END\n');
  return { before: code.slice(0, start), region: code.slice(start, end), after: code.slice(end) };
}

/** Significant tokens of a program, to compare structure while ignoring layout. */
function tokens(code: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code);
  const out: string[] = [];
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) out.push(scanner.getTokenText());
  return out;
}

/** Runs `op` alone over many seeds, checking the common guarantees, and returns the candidates. */
async function exercise(op: OperatorName, seeds = 30): Promise<{ code: string; explanation: string }[]> {
  const g = await only(op);
  const parent = split(POLICY);
  const out: { code: string; explanation: string }[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const r = await g.generate(request(seed), never);
    const code = codeOf(r);
    assert.notEqual(code, POLICY, `${op} seed ${seed} returned the parent`);
    assert.deepEqual(parseErrors(code), [], `${op} seed ${seed} does not parse:\n${code}`);
    const got = split(code);
    assert.equal(got.before, parent.before, `${op} seed ${seed} changed text before the region`);
    assert.equal(got.after, parent.after, `${op} seed ${seed} changed text after the region`);
    out.push({ code, explanation: r.explanation ?? '' });
  }
  return out;
}

test('numbers: only numeric tokens change, integers stay integral, floats stay floats', async () => {
  const before = tokens(POLICY);
  for (const { code, explanation } of await exercise('numbers', 60)) {
    if (/^Flipped the sign of /.test(explanation)) continue; // checked by the next test
    assert.match(explanation, /^(Raised|Lowered) /);
    const after = tokens(code);
    assert.equal(after.length, before.length);
    const changed = after.map((t, i) => [before[i] as string, t] as const).filter(([x, y]) => x !== y);
    assert.equal(changed.length, 1, explanation);
    const [old, next] = changed[0] as readonly [string, string];
    assert.ok(Number.isFinite(Number(next.replace(/_/g, ''))) && Number(next.replace(/_/g, '')) >= 0, next);
    if (/^[\d_]+$/.test(old)) assert.match(next, /^[\d_]+$/, `${old} -> ${next} lost integrality`);
    else assert.match(next, /[.e]/, `${old} -> ${next} lost its fraction`);
  }
});

test('numbers: float knobs sometimes cross zero, integers never change sign', async () => {
  const weights = Object.fromEntries(OPERATOR_NAMES.map((name) => [name, name === 'numbers' ? 1 : 0]));
  const g = createMutateGenerator({ weights, maxMutations: 1 }, ctx);
  const code = '// EVOLVE-BLOCK-START\nconst A = 0.5;\nconst B = -1.25;\nconst C = 3;\n// EVOLVE-BLOCK-END\nexport const x = A + B + C;\n';
  const view = (id: string, c: string) => ({ id, code: c, score: 0, metrics: {}, feedback: '', blocks: [] });
  const flips: string[] = [];
  for (let seed = 0; seed < 80; seed++) {
    const r = await (await g).generate({ ...request(seed, []), parent: view('parent', code) }, never);
    const out = codeOf(r);
    assert.deepEqual(parseErrors(out), [], out);
    const values = [...out.matchAll(/const ([ABC]) = (-?[\d.]+);/g)].map((m) => [m[1], Number(m[2])] as const);
    assert.equal(values.length, 3, out);
    const c = values.find(([n]) => n === 'C')?.[1] as number;
    assert.ok(Number.isInteger(c) && c >= 0, `the integer stays a non-negative integer: ${c}`);
    if (/^Flipped the sign of /.test(r.explanation ?? '')) flips.push(`${r.explanation}`);
  }
  assert.ok(flips.some((f) => /`A` from 0\.5 to -/.test(f)), `a positive float became negative: ${flips.join(' | ')}`);
  assert.ok(flips.some((f) => /`B` from -1\.25 to \d/.test(f)), `a negative float became positive: ${flips.join(' | ')}`);
});

test('tuneNumber keeps literal shapes and makes both small steps and large jumps', () => {
  const rng = new Rng(7);
  const ratios: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const literal = ['0.5', '3', '60_000', '0x1F', '1e-3', '0', '0.0', '2.5e3', '7.'][i % 9] as string;
    const tuned = tuneNumber(literal, rng);
    if (!tuned) continue;
    assert.ok(Number.isFinite(tuned.value) && tuned.value >= 0, `${literal} -> ${tuned.text}`);
    assert.equal(Number(tuned.text.replace(/_/g, '')), tuned.value);
    assert.equal(ts.createSourceFile('n.ts', `x = ${tuned.text};`, ts.ScriptTarget.Latest).statements.length, 1);
    if (literal === '0x1F') assert.match(tuned.text, /^0x[0-9A-F]+$/);
    if (literal === '3' || literal === '0') assert.match(tuned.text, /^\d+$/);
    if (literal === '0.0' || literal === '7.') assert.match(tuned.text, /[.e]/);
    if (literal === '0.5') ratios.push(tuned.value / 0.5);
  }
  assert.ok(ratios.some((r) => r > 0.9 && r < 1.1), 'no small relative step');
  assert.ok(ratios.some((r) => r >= 2) && ratios.some((r) => r <= 0.5), 'no large jump');
});

test('comparisons: one comparison operator flips', async () => {
  const ops = new Set<string>();
  for (const { explanation } of await exercise('comparisons')) {
    const m = /^Flipped `([<>=!]+)` to `([<>=!]+)` in `/.exec(explanation);
    assert.ok(m, explanation);
    ops.add(`${m[1]}->${m[2]}`);
  }
  assert.ok(ops.size >= 5, [...ops].join(' '));
});

test('booleans: a boolean literal flips', async () => {
  const results = await exercise('booleans', 12);
  assert.ok(results.some((r) => r.code.includes('const preferWarm = false;')));
  for (const r of results) assert.match(r.explanation, /^Flipped `(true|false)` to `(false|true)`/);
});

test('logic: && and || swap', async () => {
  const results = await exercise('logic', 12);
  assert.ok(results.some((r) => r.code.includes('preferWarm || node.warm.includes(inv.fn)')));
  assert.ok(results.some((r) => r.code.includes('node.queue.length > 4 && loadOf(node) >= spillThreshold')));
});

test('branches: if/else bodies and ternary arms swap under a negated test', async () => {
  const results = await exercise('branches', 20);
  const swappedIf = results.find((r) => r.code.includes('if (!(preferWarm && node.warm.includes(inv.fn))) {\n    s -= 0.5;\n  } else {\n    s += warmBonus; // warm containers avoid a cold start\n  }'));
  assert.ok(swappedIf, 'the if/else in score was never swapped');
  assert.ok(results.some((r) => r.code.includes('const ready = best < 0 ? false : true;')), 'the ternary was never swapped');
});

test('chains: neighbouring tests of an else-if chain trade places with their bodies', async () => {
  const results = await exercise('chains', 12);
  assert.ok(results.some((r) => r.code.includes('if (size < 512) {\n    return tiers[1];\n  } else if (size < 128) {\n    return tiers[0];\n  }')));
  assert.ok(results.some((r) => r.code.includes('} else if (size <= 2048) {\n    return tiers[2];\n  } else if (size < 512) {\n    return tiers[1];\n  }')));
});

test('cases: bodies of neighbouring switch clauses that end in a jump trade places under fixed labels', async () => {
  const results = await exercise('cases', 12);
  assert.ok(results.some((r) => r.code.includes("    case 'high':\n      return keepAliveBase / 4;\n    // rarely used\n    case 'low':\n      return keepAliveBase * 2;\n    default:\n      return keepAliveBase;")));
  assert.ok(results.some((r) => r.code.includes("    case 'high':\n      return keepAliveBase * 2;\n    // rarely used\n    case 'low':\n      return keepAliveBase;\n    default:\n      return keepAliveBase / 4;")));
  for (const r of results) assert.match(r.explanation, /^Swapped the bodies of `(case 'high'|case 'low')` and `(case 'low'|default)` in a switch/);
});

test('arrays: two elements of an array literal trade places', async () => {
  for (const { code } of await exercise('arrays', 12)) {
    const m = /const tiers = \[(.*)\];/.exec(code);
    assert.ok(m);
    assert.deepEqual((m[1] as string).split(', ').map(Number).sort((x, y) => x - y), [1, 2, 4, 8]);
    assert.notEqual(m[1], '1, 2, 4, 8');
  }
});

test('statements: only independent neighbours swap, keeping every line', async () => {
  const lines = (code: string) => split(code).region.split('\n').map((l) => l.trim()).sort();
  for (const { code, explanation } of await exercise('statements', 30)) {
    assert.match(explanation, /^Swapped the independent statements /);
    assert.deepEqual(lines(code), lines(POLICY));
    const region = split(code).region;
    // A statement that reads a name never moves above the statement that declares it.
    assert.ok(region.indexOf('const mem = ') < region.indexOf('return cpuShare * cpu'), explanation);
    assert.ok(region.indexOf('let s = -loadOf(node);') < region.indexOf('if (preferWarm'), explanation);
    assert.ok(region.indexOf('let best = -1;') < region.indexOf('for (let i = 0;'), explanation);
  }
});

test('recombine: units come from the inspiration', async () => {
  const results = await exercise('recombine', 30);
  const pieces = [
    'return Math.max(cpu, mem * memoryWeight);',
    's -= 1.5 * loadOf(node);',
    'const budget = inv.deadlineMs * 0.75;',
  ];
  for (const piece of pieces) assert.ok(results.some((r) => r.code.includes(piece)), `never took "${piece}"`);
  for (const r of results) {
    assert.match(r.explanation, /^Took .* from program insp-0/);
    assert.ok(pieces.some((p) => r.code.includes(p)));
  }
});

test('property: default mix over many seeds always parses and stays in the region', async () => {
  const g = await createMutateGenerator({}, ctx);
  const parent = split(POLICY);
  const distinct = new Set<string>();
  const kinds = new Set<string>();
  for (let seed = 0; seed < 300; seed++) {
    const r = await g.generate(request(seed * 7919 + 1), never);
    const code = codeOf(r);
    assert.notEqual(code, POLICY);
    assert.deepEqual(parseErrors(code), [], `seed ${seed}:\n${code}`);
    const got = split(code);
    assert.equal(got.before, parent.before);
    assert.equal(got.after, parent.after);
    distinct.add(code);
    for (const part of (r.explanation ?? '').split('; ')) kinds.add(part.split(' ')[0]?.toLowerCase() ?? '');
  }
  assert.ok(distinct.size > 160, `${distinct.size} distinct candidates`);
  for (const verb of ['raised', 'lowered', 'flipped', 'replaced', 'swapped', 'moved', 'took']) assert.ok(kinds.has(verb), `never saw "${verb}"`);
});
