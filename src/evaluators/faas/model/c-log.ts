// The natural logarithm as Eudoxia gets it from numpy: the correctly rounded value, except for the
// few integers where numpy's own log is one ulp off (found by comparing numpy with a 70-digit
// logarithm; test/evaluators/faas/eudoxia/numpy_log_table.py regenerates the list). V8's Math.log
// is off by one ulp for many more inputs (67 of the integers 1..5000), which moves tick counts
// of the `log` scaling curve, so it cannot be used.

/** Integers where numpy 2.x's log differs from the correctly rounded one (numpy's value), 1..65536. */
const NUMPY_EXCEPTIONS: ReadonlyMap<number, number> = new Map([[19143, 9.859692392536456]]);

const PRECISION = 160n;
const ONE = 1n << PRECISION;
const cache = new Map<number, number>();

/** atanh(z) for a fixed-point z = Z / 2^PRECISION with |z| <= 1/3, to about PRECISION bits. */
function atanhFixed(z: bigint): bigint {
  const z2 = (z * z) >> PRECISION;
  let term = z;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * z2) >> PRECISION;
  }
  return sum;
}

/** ln of a fixed-point value in [1, 2). */
function lnUnit(f: bigint): bigint {
  return 2n * atanhFixed(((f - ONE) << PRECISION) / (f + ONE));
}

/** ln 2 = 2 atanh(1/3). */
const LN2 = 2n * atanhFixed(ONE / 3n);

/** Splits a positive finite double into an integer mantissa and a power of two: x = m * 2^e. */
function decompose(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return { m, e };
}

/** Correctly rounded ln(x) for a positive finite x (170-bit intermediate, then one rounding). */
function correctlyRoundedLog(x: number): number {
  const { m, e } = decompose(x);
  const bits = m.toString(2).length;
  // x = (m / 2^(bits-1)) * 2^(e + bits - 1), with the first factor in [1, 2).
  const shift = BigInt(bits - 1);
  const f = shift <= PRECISION ? m << (PRECISION - shift) : m >> (shift - PRECISION);
  const value = lnUnit(f) + BigInt(e + bits - 1) * LN2;
  // Number(bigint) rounds to nearest; dividing by a power of two is exact.
  return Number(value) / 2 ** Number(PRECISION);
}

/** numpy's log(x) (C-library quality: correctly rounded, with numpy's known exceptions). */
export function cLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  if (x === 1) return 0;
  let y = cache.get(x);
  if (y === undefined) {
    y = NUMPY_EXCEPTIONS.get(x) ?? correctlyRoundedLog(x);
    if (cache.size < 4096) cache.set(x, y);
  }
  return y;
}
