// The report's counting sort and the run-wide container timeline column replaced a comparison sort
// and an array per container for speed: they must give exactly what the plain versions gave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortedCopy } from '../../../src/evaluators/faas/engine/stats';
import { TimelineColumn } from '../../../src/evaluators/faas/engine/records';

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function plainSort(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Element-wise Object.is, so -0 and NaN count. */
function sameValues(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

test('sortedCopy orders tick counts and any other numbers exactly as the typed array sort does', () => {
  const rnd = lcg(3);
  const lists: number[][] = [[], [0], [5, 5, 5], [3, 0, 2, 0, 1]];
  for (let round = 0; round < 40; round++) {
    const n = Math.floor(rnd() * 300);
    const range = [1, 10, 1000, 100_000][round % 4] as number;
    lists.push(Array.from({ length: n }, () => Math.floor(rnd() * range)));
  }
  // Lists the counting sort must leave to the comparison sort.
  lists.push([2, -0, 0, 1, -0], [1.5, 0, 1], [3, -1, 2], [1, Number.NaN, 0], [2, Number.POSITIVE_INFINITY, 1], [1e12, 0, 5]);
  for (const values of lists) {
    const before = [...values];
    assert.ok(sameValues(sortedCopy(values), plainSort(values)), `list ${JSON.stringify(values.slice(0, 8))}`);
    assert.deepEqual(values, before, 'the input is left as it was');
  }
});

test('TimelineColumn hands out consecutive entries and keeps earlier operator numbers and timelines when it grows', () => {
  const column = new TimelineColumn();
  const ranges: { at: number; n: number }[] = [];
  let expectedAt = 0;
  for (let i = 0; i < 2000; i++) {
    const n = 1 + (i % 7);
    const at = column.take(n);
    assert.equal(at, expectedAt);
    expectedAt += n;
    for (let k = 0; k < n; k++) column.ops[at + k] = i * 10 + k;
    for (let k = 0; k < 3 * n; k++) column.data[3 * at + k] = i * 100 + k;
    ranges.push({ at, n });
  }
  assert.ok(column.ops.length >= expectedAt);
  assert.ok(column.data.length >= 3 * expectedAt);
  for (let i = 0; i < ranges.length; i++) {
    const { at, n } = ranges[i] as { at: number; n: number };
    for (let k = 0; k < n; k++) assert.equal(column.ops[at + k], i * 10 + k);
    for (let k = 0; k < 3 * n; k++) assert.equal(column.data[3 * at + k], i * 100 + k);
  }
});
