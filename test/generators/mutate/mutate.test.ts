import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import type { GenerationRequest, GenerationResult, Generator, JsonValue } from '../../../src/core/types';
import { createMutateGenerator, mutateSettings } from '../../../src/generators/mutate/index';

const ctx = { promptsDir: '', domain: 'faas', secret: () => undefined };

async function generator(options: { [key: string]: JsonValue } = {}): Promise<Generator> {
  return createMutateGenerator(options, ctx);
}

function request(code: string, seed: number, fileName = 'policy.ts', inspirations: { id: string; code: string }[] = []): GenerationRequest {
  const view = (id: string, c: string) => ({ id, code: c, score: 0, metrics: {}, feedback: '', blocks: [] });
  return {
    runId: 'run', index: seed, seed, fileName, language: 'typescript', domain: 'faas',
    parent: view('parent', code), inspirations: inspirations.map((i) => view(i.id, i.code)),
    recentFailures: [], humanNotes: [], patchMode: 'full',
  };
}

function codeOf(r: GenerationResult): string {
  assert.equal(r.patch.kind, 'full');
  return r.patch.kind === 'full' ? r.patch.code : '';
}

const never = new AbortController().signal;

/** Parse errors through a one-file program, independent of the generator's own gate. */
function parseErrors(code: string, fileName: string): string[] {
  const kind = /\.tsx$/.test(fileName) ? ts.ScriptKind.TSX : /\.jsx$/.test(fileName) ? ts.ScriptKind.JSX : /\.[cm]?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const name = `/x/${fileName.replace(/\.[cm]js$/, '.js')}`;
  const sf = ts.createSourceFile(name, code, ts.ScriptTarget.Latest, false, kind);
  const host = ts.createCompilerHost({});
  host.getSourceFile = (n) => (n === name ? sf : undefined);
  const program = ts.createProgram([name], { noLib: true, noResolve: true, allowJs: true, types: [] }, host);
  return program.getSyntacticDiagnostics(sf).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
}

/** The text outside the evolvable regions, marker lines included. */
function outside(code: string): string {
  let inBlock = false;
  const kept: string[] = [];
  for (const line of code.split('\n')) {
    if (line.includes('EVOLVE-BLOCK-END')) inBlock = false;
    kept.push(inBlock ? '<region>' : line);
    if (line.includes('EVOLVE-BLOCK-START')) inBlock = true;
  }
  return kept.join('\n').replace(/(<region>\n?)+/g, '<region>\n');
}

const TWO_BLOCKS = `import { clamp } from './util';

const outsideLimit = 7; // must never change
export function outsideCheck(x: number): boolean {
  return x > outsideLimit && x < 100;
}

// EVOLVE-BLOCK-START
const memoryWeight = 0.75;
const spill = 12;
export function pick(loads: number[]): number {
  let best = 0;
  for (let i = 1; i < loads.length; i++) if (loads[i] * memoryWeight < loads[best]) best = i;
  return best > spill ? 0 : best;
}
// EVOLVE-BLOCK-END

export const between = [1, 2, 3].map((v) => v * 2 >= 4);

/* EVOLVE-BLOCK-START */
export function keepAlive(idle: number): number {
  return idle >= 30 ? 0.5 * idle : 60;
}
/* EVOLVE-BLOCK-END */
export const tail = clamp(outsideLimit, 0, 9) === 7 ? true : false;
`;

test('the same request yields the same bytes; different seeds explore different candidates', async () => {
  const g1 = await generator();
  const g2 = await generator();
  const outputs = new Set<string>();
  for (let seed = 0; seed < 40; seed++) {
    const a = await g1.generate(request(TWO_BLOCKS, seed), never);
    const b = await g2.generate(request(TWO_BLOCKS, seed), never);
    const again = await g1.generate(request(TWO_BLOCKS, seed), never);
    assert.equal(codeOf(a), codeOf(b));
    assert.equal(codeOf(a), codeOf(again));
    assert.equal(a.explanation, b.explanation);
    assert.equal(a.source, 'mutate');
    outputs.add(codeOf(a));
  }
  assert.ok(outputs.size >= 30, `only ${outputs.size} distinct candidates from 40 seeds`);
});

test('changes stay inside every region and both regions get mutated', async () => {
  const g = await generator();
  const expectedOutside = outside(TWO_BLOCKS);
  let firstBlockChanged = 0;
  let secondBlockChanged = 0;
  const blockOf = (code: string, n: number) => code.split('EVOLVE-BLOCK-START')[n]?.split('EVOLVE-BLOCK-END')[0];
  for (let seed = 0; seed < 150; seed++) {
    const code = codeOf(await g.generate(request(TWO_BLOCKS, seed), never));
    assert.notEqual(code, TWO_BLOCKS);
    assert.equal(outside(code), expectedOutside, `seed ${seed} changed text outside the regions`);
    assert.deepEqual(parseErrors(code, 'policy.ts'), [], `seed ${seed} does not parse`);
    if (blockOf(code, 1) !== blockOf(TWO_BLOCKS, 1)) firstBlockChanged++;
    if (blockOf(code, 2) !== blockOf(TWO_BLOCKS, 2)) secondBlockChanged++;
  }
  assert.ok(firstBlockChanged > 20 && secondBlockChanged > 20, `block changes: ${firstBlockChanged}, ${secondBlockChanged}`);
});

test('a file without markers is evolvable as a whole', async () => {
  const code = `const first = 10;\nfunction mid(x: number) {\n  return x < first ? 1.5 : 2.5;\n}\nexport const last = [mid(3), 4 > 2];\n`;
  const g = await generator();
  const changedLines = new Set<number>();
  for (let seed = 0; seed < 80; seed++) {
    const out = codeOf(await g.generate(request(code, seed), never));
    assert.deepEqual(parseErrors(out, 'policy.ts'), []);
    const before = code.split('\n');
    out.split('\n').forEach((line, i) => {
      if (line !== before[i]) changedLines.add(i);
    });
  }
  assert.ok(changedLines.has(0), 'the first line was never mutated');
  assert.ok(changedLines.has(4), 'the last line was never mutated');
});

test('TypeScript types are left alone and typed code still parses', async () => {
  const code = `type Tier = 1 | 2 | 4;
interface Node { load: number; tier: Tier }
// EVOLVE-BLOCK-START
const limits: Record<Tier, number> = { 1: 0.5, 2: 0.75, 4: 0.9 };
export function fits<T extends Node>(node: T, extra = 3): boolean {
  const cap = limits[node.tier] as number;
  return node.load + extra / 100 <= cap && (node.tier satisfies Tier) >= 2;
}
// EVOLVE-BLOCK-END
`;
  const g = await generator();
  for (let seed = 0; seed < 60; seed++) {
    const out = codeOf(await g.generate(request(code, seed), never));
    assert.deepEqual(parseErrors(out, 'policy.ts'), [], `seed ${seed}`);
    assert.ok(out.includes('type Tier = 1 | 2 | 4;'));
    assert.ok(out.includes('const limits: Record<Tier, number> = { 1: '), `property keys changed at seed ${seed}`);
    assert.ok(out.includes('<T extends Node>(node: T, extra = '));
  }
});

test('plain JavaScript files (.js, .mjs, .cjs) are mutated and still parse', async () => {
  const code = `// EVOLVE-BLOCK-START
function priority(job, now) {
  const age = now - job.arrival;
  if (age > 250) return 2 * job.weight;
  return job.weight / (1 + job.size);
}
// EVOLVE-BLOCK-END
module.exports = { priority };
`;
  const g = await generator();
  for (const fileName of ['policy.js', 'policy.mjs', 'policy.cjs']) {
    for (let seed = 0; seed < 25; seed++) {
      const out = codeOf(await g.generate(request(code, seed, fileName), never));
      assert.notEqual(out, code);
      assert.deepEqual(parseErrors(out, fileName), [], `${fileName} seed ${seed}`);
      assert.ok(out.endsWith('// EVOLVE-BLOCK-END\nmodule.exports = { priority };\n'));
    }
  }
});

test('recombination splices the inspiration version of a function', async () => {
  const parent = `// EVOLVE-BLOCK-START
export function score(load: number): number {
  return 1 - load;
}
export const spare = 0.25;
// EVOLVE-BLOCK-END
`;
  const inspiration = parent.replace('return 1 - load;', 'return Math.exp(-3 * load);');
  const g = await generator({ weights: { recombine: 1, numbers: 0, comparisons: 0, booleans: 0, logic: 0, branches: 0, chains: 0, cases: 0, arrays: 0, statements: 0 } });
  const r = await g.generate(request(parent, 5, 'policy.ts', [{ id: 'insp-42', code: inspiration }]), never);
  assert.equal(codeOf(r), inspiration);
  assert.match(r.explanation ?? '', /from program insp-42/);
  await assert.rejects(g.generate(request(parent, 5, 'policy.ts', []), never), /no mutable site in the evolvable region of policy\.ts/);
});

test('recombination re-indents a donor unit to the parent indentation', async () => {
  const parent = `// EVOLVE-BLOCK-START
class Policy {
  pick(xs: number[]): number {
    return xs[0];
  }
}
// EVOLVE-BLOCK-END
`;
  const donor = `// EVOLVE-BLOCK-START
class Policy {
    pick(xs: number[]): number {
        const best = Math.max(...xs);
        return xs.indexOf(best);
    }
}
// EVOLVE-BLOCK-END
`;
  const g = await generator({ weights: { recombine: 1, numbers: 0, comparisons: 0, booleans: 0, logic: 0, branches: 0, chains: 0, cases: 0, arrays: 0, statements: 0 } });
  const seen = new Set<string>();
  for (let seed = 0; seed < 20; seed++) seen.add(codeOf(await g.generate(request(parent, seed, 'policy.ts', [{ id: 'd', code: donor }]), never)));
  assert.ok(seen.has(`// EVOLVE-BLOCK-START
class Policy {
  pick(xs: number[]): number {
      const best = Math.max(...xs);
      return xs.indexOf(best);
  }
}
// EVOLVE-BLOCK-END
`), [...seen].join('\n----\n'));
});

test('a region with nothing to mutate is a clear error', async () => {
  const code = `const kept = 5;\n// EVOLVE-BLOCK-START\nexport { kept };\nexport type Name = string;\n// EVOLVE-BLOCK-END\n`;
  const g = await generator();
  await assert.rejects(g.generate(request(code, 1, 'empty.ts'), never), { message: 'no mutable site in the evolvable region of empty.ts' });
});

test('an aborted signal rejects with its reason', async () => {
  const g = await generator();
  const controller = new AbortController();
  const reason = new Error('run stopped');
  controller.abort(reason);
  await assert.rejects(g.generate(request(TWO_BLOCKS, 1), controller.signal), (err) => err === reason);
});

test('bad input is reported in words', async () => {
  const g = await generator();
  await assert.rejects(g.generate(request('const x = ;\n', 1), never), /cannot mutate policy\.ts: the program does not parse \(line 1:/);
  await assert.rejects(g.generate(request('// EVOLVE-BLOCK-START\nconst x = 1;\n', 1), never), /EVOLVE-BLOCK-START at line 1 is never closed by EVOLVE-BLOCK-END/);
  await assert.rejects(g.generate(request('const x = 1;\n// EVOLVE-BLOCK-END\n', 1), never), /EVOLVE-BLOCK-END at line 2 has no matching/);
  await assert.rejects(g.generate(request('x = 1\n', 1, 'policy.py'), never), /cannot mutate "policy\.py"/);
  assert.throws(() => mutateSettings({ maxMutation: 2 }), /unknown mutate option "maxMutation"/);
  assert.throws(() => mutateSettings({ weights: { numbrs: 1 } }), /unknown mutate operator "numbrs"/);
  assert.throws(() => mutateSettings({ maxMutations: 0 }), /"maxMutations" must be an integer from 1 to 8/);
});

test('the explanation names the value, its old and new text and where it is', async () => {
  const code = `// EVOLVE-BLOCK-START\nconst cpuShare = 0.5;\n// EVOLVE-BLOCK-END\n`;
  const g = await generator();
  const r = await g.generate(request(code, 3), never);
  const m = /^(Raised|Lowered) `cpuShare` from 0\.5 to ([0-9.e-]+) \(block 1, line 2\)\.$/.exec(r.explanation ?? '');
  assert.ok(m, r.explanation);
  assert.equal(codeOf(r), code.replace('0.5', m[2] as string));
});

test('output does not depend on what the parse cache holds', async () => {
  const other = TWO_BLOCKS.replace('const spill = 12;', 'const spill = 15;');
  const tiny = await generator({ cacheSize: 1 });
  for (let seed = 0; seed < 12; seed++) {
    const parent = seed % 2 === 0 ? TWO_BLOCKS : other;
    const donor = seed % 2 === 0 ? other : TWO_BLOCKS;
    const cached = await tiny.generate(request(parent, seed, 'policy.ts', [{ id: 'd', code: donor }]), never);
    const fresh = await (await generator()).generate(request(parent, seed, 'policy.ts', [{ id: 'd', code: donor }]), never);
    assert.equal(codeOf(cached), codeOf(fresh));
    assert.equal(cached.explanation, fresh.explanation);
  }
});

test('nodes that straddle a marker are never touched, even by recombination', async () => {
  const parent = `export function plan(load: number, xs: number[]): number {
  let share = 0.5;
  if (load > 0.9) {
    // EVOLVE-BLOCK-START
    share = share * 2 + (load >= 0.95 ? 1 : 0);
    xs.sort((a, b) => a - b);
    // EVOLVE-BLOCK-END
  } else {
    share = 1;
  }
  return share > 1 ? 1 : share;
}
`;
  // The donor also differs outside the region; none of that may leak in.
  const donor = parent.replace('let share = 0.5;', 'let share = 0.7;').replace('share * 2 +', 'share * 3 +').replace('share = 1;', 'share = 2;');
  const g = await generator();
  const expectedOutside = outside(parent);
  const seen = new Set<string>();
  for (let seed = 0; seed < 150; seed++) {
    const r = await g.generate(request(parent, seed, 'plan.ts', [{ id: 'donor', code: donor }]), never);
    const code = codeOf(r);
    assert.equal(outside(code), expectedOutside, `seed ${seed}: ${r.explanation}`);
    assert.deepEqual(parseErrors(code, 'plan.ts'), []);
    seen.add(code);
  }
  assert.ok([...seen].some((c) => c.includes('share = share * 3 +')), 'the in-region statement was never recombined');
});
