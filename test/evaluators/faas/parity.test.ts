// The contract with Eudoxia: replaying each golden case with our built-in policy reproduces every
// field of the expected.json Eudoxia wrote (integers exactly, floats within 1e-9 relative).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readParamsFile } from '../../../src/evaluators/faas/io/params-file';
import { readTraceFile } from '../../../src/evaluators/faas/io/trace-csv';
import { simulate } from '../../../src/evaluators/faas/engine/simulator';
import { builtinPolicy } from '../../../src/evaluators/faas/policies';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'eudoxia');

/** Differences between Eudoxia's JSON (NaN written as NaN) and ours (null where NaN). */
function differences(expected: unknown, actual: unknown, path = ''): string[] {
  if (typeof expected === 'number') {
    if (Number.isNaN(expected)) return actual === null ? [] : [`${path}: expected NaN (null), got ${String(actual)}`];
    if (typeof actual !== 'number') return [`${path}: expected ${expected}, got ${String(actual)}`];
    if (Number.isInteger(expected) && Number.isInteger(actual)) return expected === actual ? [] : [`${path}: expected ${expected}, got ${actual}`];
    const tolerance = 1e-9 * Math.max(Math.abs(expected), Math.abs(actual));
    return Math.abs(expected - actual) <= tolerance ? [] : [`${path}: expected ${expected}, got ${actual}`];
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return [`${path}: expected an object, got ${String(actual)}`];
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].flatMap((k) => differences((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return expected === actual ? [] : [`${path}: expected ${String(expected)}, got ${String(actual)}`];
}

/** Python's json module writes NaN literally; turn it into a number JSON.parse understands. */
function readExpected(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8').replace(/\bNaN\b/g, '"__NaN__"'), (_k, v: unknown) => (v === '__NaN__' ? Number.NaN : v));
}

const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

test('the golden cases are present', () => {
  assert.deepEqual(cases, ['naive_defaults_10m', 'naive_solo_ops_10m', 'priority_defaults_10m', 'priority_suspensions_10m']);
});

for (const name of cases) {
  test(`parity with Eudoxia: ${name}`, () => {
    const dir = join(FIXTURES, name);
    const params = readParamsFile(join(dir, 'params.toml'));
    const trace = readTraceFile(join(dir, 'trace.csv'));
    const policy = builtinPolicy(params.scheduler_algo);
    assert.ok(policy, `built-in policy ${params.scheduler_algo}`);
    const outcome = simulate(trace, params, policy);
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.failure.message);
    assert.equal(outcome.extra.invalid_decisions, 0);
    const diff = differences(readExpected(join(dir, 'expected.json')), outcome.stats);
    assert.deepEqual(diff, [], `differences from Eudoxia:\n${diff.join('\n')}`);
  });
}

test('the comparison is strict enough to fail on a one-tick difference', () => {
  const dir = join(FIXTURES, 'naive_defaults_10m');
  const expected = readExpected(join(dir, 'expected.json')) as { pipelines_all: { mean_latency_seconds: number } };
  const shifted = structuredClone(expected);
  shifted.pipelines_all.mean_latency_seconds += 0.01 / 41;
  assert.notDeepEqual(differences(expected, shifted), []);
});
