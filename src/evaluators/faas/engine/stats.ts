// Statistics computed the way numpy does, so the Eudoxia-compatible fields match to the last bit.

/** numpy.percentile(values, q) with the default 'linear' method; NaN for an empty list. */
export function percentile(values: readonly number[], q: number): number {
  return percentileOfSorted(sortedCopy(values), q);
}

/** An ascending copy of `values`. */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
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
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Jain's fairness index of non-negative values: 1 when all equal, 1/n when one takes everything. */
export function jainIndex(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    squares += v * v;
  }
  return squares === 0 ? 1 : (sum * sum) / (values.length * squares);
}
