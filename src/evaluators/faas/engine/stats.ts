// Statistics computed the way numpy does, so the Eudoxia-compatible fields match to the last bit.

/** numpy.percentile(values, q) with the default 'linear' method; NaN for an empty list. */
export function percentile(values: readonly number[], q: number): number {
  return percentileOfSorted(sortedCopy(values), q);
}

/**
 * An ascending copy of `values`. The lists the report sorts are tick counts (latencies, queueing
 * delays, container lifetimes): non-negative integers below the run's length, which a counting
 * sort orders in linear time; any other list goes to the comparison sort.
 */
export function sortedCopy(values: readonly number[]): Float64Array {
  const n = values.length;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    // -0 and fractions fail this test (the typed array sort orders -0 before 0).
    if (!(v >= 0 && Math.floor(v) === v && (v > 0 || Object.is(v, 0)))) return Float64Array.from(values).sort();
    if (v > max) max = v;
  }
  if (max > 4 * n + 1024) return Float64Array.from(values).sort();
  const counts = new Int32Array(max + 1);
  for (let i = 0; i < n; i++) counts[values[i] as number]++;
  const out = new Float64Array(n);
  let j = 0;
  for (let v = 0; v <= max; v++) for (let c = counts[v] as number; c > 0; c--) out[j++] = v;
  return out;
}

/** percentile() of values already in ascending order (the report sorts each list once). */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const index = (n - 1) * (q / 100);
  const lo = Math.floor(index);
  const hi = Math.min(lo + 1, n - 1);
  const gamma = index - lo;
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  // numpy's _lerp: a + (b - a) * t, computed from the upper end when t >= 0.5.
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** numpy.mean of integers: exact sum (below 2^53), divided once. NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  // Indexed: this runs once per simulation, too rarely to be optimised, and an unoptimised for-of
  // allocates an iterator result per element.
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** Jain's fairness index of non-negative values: 1 when all equal, 1/n when one takes everything. */
export function jainIndex(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    sum += v;
    squares += v * v;
  }
  return squares === 0 ? 1 : (sum * sum) / (values.length * squares);
}
