// Shared helpers for the sandbox tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from '../../src/core/types';
import type { SandboxLimits, SandboxOutcome, SandboxPool } from '../../src/sandbox/types';

export const PROBE_HARNESS = join(__dirname, 'fixtures', 'harness-probe.ts');

export function hostileSource(fileName: string): string {
  return readFileSync(join(__dirname, 'hostile', fileName), 'utf8');
}

/** Runs one export of a candidate from test/sandbox/hostile through the `call` harness. */
export function callHostile(
  pool: SandboxPool,
  fileName: string,
  exportName = 'run',
  args: JsonValue[] = [],
  limits?: Partial<SandboxLimits>,
  signal?: AbortSignal,
): Promise<SandboxOutcome> {
  return pool.run(
    { harness: 'call', candidateCode: hostileSource(fileName), candidateFileName: fileName, input: { export: exportName, args }, limits },
    signal,
  );
}

export function assertFailure(outcome: SandboxOutcome, kind: string, pattern: RegExp): void {
  assert.equal(outcome.ok, false, `expected a ${kind} failure, got ${JSON.stringify(outcome)}`);
  if (outcome.ok) return;
  assert.equal(outcome.kind, kind, `expected kind ${kind}, got ${outcome.kind}: ${outcome.message}`);
  assert.match(outcome.message, pattern);
}

export function assertValue(outcome: SandboxOutcome, expected: JsonValue): void {
  assert.equal(outcome.ok, true, `expected success, got ${JSON.stringify(outcome)}`);
  if (outcome.ok) assert.deepEqual(outcome.value, expected);
}

/** After a hostile candidate, the same pool must still run a good one. */
export async function assertStillServes(pool: SandboxPool): Promise<void> {
  const a = Math.floor(Math.random() * 1000);
  assertValue(await callHostile(pool, 'good.js', 'add', [a, 1]), a + 1);
}
