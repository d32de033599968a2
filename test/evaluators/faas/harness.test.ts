// The trusted FaaS harness: in-process with a fake context, then for real through the sandbox
// pool, where simulator and candidate policy share one confined worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from '../../../src/core/types';
import faasHarness from '../../../src/evaluators/faas/harness';
import type { SimulationOutcome } from '../../../src/evaluators/faas/engine/results';
import { createSandboxPool } from '../../../src/sandbox/pool';
import { FAAS_HARNESS } from '../../../src/evaluators/faas/sandbox-harness';
import { fakeHarnessContext } from './support';

const PRIORITY = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'faas', 'priority.ts'), 'utf8');
const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'eudoxia', 'priority_defaults_10m');

function goldenWorkload(): JsonValue {
  const params = Object.fromEntries(
    readFileSync(join(GOLDEN, 'params.toml'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => {
        const [k, v] = l.split('=').map((s) => s.trim()) as [string, string];
        return [k, v.startsWith('"') ? v.slice(1, -1) : v === 'true' ? true : v === 'false' ? false : Number(v)];
      }),
  );
  return { trace: { csv: readFileSync(join(GOLDEN, 'trace.csv'), 'utf8'), name: 'trace.csv' }, params, label: 'golden priority_defaults_10m' };
}

function outcomes(value: JsonValue): Record<string, SimulationOutcome> {
  const results = (value as unknown as { results: { id: string; outcome: SimulationOutcome }[] }).results;
  return Object.fromEntries(results.map((r) => [r.id, r.outcome]));
}

const THROWS = `export function step(ctx) { if (ctx.now > 100) throw new Error('bad state at ' + ctx.now); return {}; }`;
const INVALID = `export function step(ctx, results, arrivals) {
  console.log('arrivals', arrivals.length);
  return { assignments: arrivals.map((p) => ({ operators: p.operators, cpu: 1, ram: 1, poolId: 99 })) };
}`;
const LOOPS = `export function step() { for (;;) {} }`;
const RANDOM = `let seen = 0;
export function step(ctx, results, arrivals) {
  seen += arrivals.length;
  if (arrivals.length) console.log('draw', Math.random().toFixed(6), 'seen', seen);
  return {};
}`;

test('the harness runs the golden case with the example policy and reproduces Eudoxia', async () => {
  const input = { workloads: [{ id: 'golden', data: goldenWorkload() }] };
  const out = outcomes(await faasHarness(fakeHarnessContext(PRIORITY, 'priority.ts', input)));
  const golden = out['golden'];
  assert.ok(golden?.ok);
  assert.equal(golden.stats.assignments, 709);
  assert.equal(golden.stats.pipelines_all.mean_latency_seconds, 19.434769874476988);
});

test('the harness reports policy errors, invalid decisions and bad workloads per workload', async () => {
  const data = { trace: { profile: 'eudoxia', seed: 3 }, params: { duration: 60, num_pools: 2 } };
  const thrown = outcomes(await faasHarness(fakeHarnessContext(THROWS, 'throws.js', { workloads: [{ id: 'w', data }] })))['w'];
  assert.ok(thrown && !thrown.ok);
  assert.equal(thrown.failure.kind, 'policy-error');
  assert.match(thrown.failure.message, /bad state at/);
  const invalid = outcomes(await faasHarness(fakeHarnessContext(INVALID, 'invalid.js', { workloads: [{ id: 'w', data }] })))['w'];
  assert.ok(invalid?.ok);
  assert.ok(invalid.extra.invalid_decisions > 0);
  assert.equal(invalid.invalid[0]?.rule, 'unknown-pool');
  const missing = outcomes(await faasHarness(fakeHarnessContext('export const x = 1;', 'x.js', { workloads: [{ id: 'w', data }] })))['w'];
  assert.ok(missing && !missing.ok);
  assert.equal(missing.failure.kind, 'bad-exports');
  assert.match(missing.failure.message, /must export a function step/);
  const broken = outcomes(await faasHarness(fakeHarnessContext(PRIORITY, 'p.ts', { workloads: [{ id: 'w', data: { trace: { profile: 'nope', seed: 1 } } }] })))['w'];
  assert.ok(broken && !broken.ok);
  assert.equal(broken.failure.kind, 'workload-error');
});

test('through the sandbox: the example policy runs, and a policy that throws, loops or uses Math.random is contained', async () => {
  const pool = createSandboxPool({ size: 1 });
  try {
    const data = { trace: { profile: 'eudoxia', seed: 3 }, params: { duration: 120, num_pools: 2 } };
    const two = { workloads: [{ id: 'a', data }, { id: 'b', data: { ...data, trace: { profile: 'poisson', seed: 4 } } }] };
    const good = await pool.run({ harness: FAAS_HARNESS, candidateCode: PRIORITY, candidateFileName: 'priority.ts', input: two, limits: { timeoutMs: 60_000 } });
    assert.ok(good.ok, good.ok ? '' : good.message);
    const res = outcomes(good.value);
    assert.ok(res['a']?.ok && res['b']?.ok);
    assert.ok(res['a'].stats.assignments > 0);

    const thrown = await pool.run({ harness: FAAS_HARNESS, candidateCode: THROWS, candidateFileName: 'throws.js', input: { workloads: [{ id: 'a', data }] }, limits: { timeoutMs: 60_000 } });
    assert.ok(thrown.ok);
    const failure = outcomes(thrown.value)['a'];
    assert.ok(failure && !failure.ok);
    assert.match(failure.failure.message, /bad state at/);

    const random = await pool.run({ harness: FAAS_HARNESS, candidateCode: RANDOM, candidateFileName: 'random.js', input: two, limits: { timeoutMs: 60_000 } });
    assert.ok(random.ok, random.ok ? '' : random.message);
    const logs = outcomes(random.value);
    assert.match(logs['a']?.logs?.[0] ?? '', /^draw 0\.\d+ seen \d+$/);
    assert.match(logs['b']?.logs?.[0] ?? '', /seen \d+$/);
    // Module state does not leak from one workload to the next: each gets a fresh module.
    assert.ok(Number(/seen (\d+)/.exec(logs['b']?.logs?.[0] ?? '')?.[1]) < 10);

    const loops = await pool.run({ harness: FAAS_HARNESS, candidateCode: LOOPS, candidateFileName: 'loops.js', input: { workloads: [{ id: 'a', data }] }, limits: { timeoutMs: 3_000 } });
    assert.ok(!loops.ok);
    assert.equal(loops.kind, 'timeout');
  } finally {
    await pool.close();
  }
});
