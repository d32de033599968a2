// How numpy-ziggurat-tables.ts was computed (scripts/numpy-ziggurat-tables.ts writes it; a test
// re-derives it and compares). Not loaded at run time: the exact arithmetic below takes about ten
// milliseconds, which every sandbox worker that simulates would pay.
//
// numpy's normal ziggurat tables are not the real-number ziggurat rounded to doubles: they are the
// result of running Marsaglia and Tsang's table set-up in double precision, where every step rounds.
// Comparing numpy's normals with the ones our PCG64 bits give under candidate tables showed which
// double computation it was: each layer edge x[i-1] = sqrt(-2·log(v/x[i] + exp(-x[i]·x[i]/2))) with
// every operation rounded to the nearest double, starting from the tail start r and the layer area
// v = 0.004928673233974652 (three doubles below the true area 0.0049286732339746549...; the one
// double whose base layer width v/exp(-r²/2) is numpy's). The only rounding that is not to nearest
// is one exp, at the edge of layer 38: its exact value lies 0.498 ulp above a double, within
// 1/500 ulp of the tie, and the libm that made numpy's tables rounded it up (numpy's draws in
// layers 1..37 follow only from the upper neighbour). We reproduce every other exp and log by
// exact arithmetic instead of Math.exp/Math.log, whose last bits are the engine's choice.

const ZIGGURAT_LAYERS = 256;
/** Start of the normal's tail, x at the edge of the widest layer. */
export const ZIGGURAT_TAIL_START = 3.6541528853610088;
/** Area of every layer (the double numpy's tables were built from). */
const ZIGGURAT_LAYER_AREA = 0.004928673233974652;
/** Scale of the 52-bit integer a draw picks its abscissa with. */
const MANTISSA = 2 ** 52;
/** The argument of the one exp numpy's table set-up rounded up instead of to nearest (see above). */
const ROUNDED_UP_EXP_LAYER = 38;

export interface ZigguratTables {
  /** Per layer: draws whose 52-bit integer is below this are accepted at once. */
  readonly k: readonly number[];
  /** Per layer: the scale from the 52-bit integer to x. */
  readonly w: readonly number[];
  /** Per layer: exp(-x²/2) at the layer's outer edge (1 above the top layer). */
  readonly f: readonly number[];
}

/** Numerator and binary exponent of a finite double: value = m · 2^e exactly. */
function exactParts(value: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const sign = bits >> 63n === 1n ? -1n : 1n;
  if (biased === 0x7ff) throw new RangeError(`exact parts of ${value}`);
  return biased === 0 ? { m: sign * fraction, e: -1074 } : { m: sign * (fraction | (1n << 52n)), e: biased - 1075 };
}

/** value · 2^bits as an integer, rounded toward minus infinity (exact when value has few enough bits). */
function toFixed(value: number, bits: number): bigint {
  const { m, e } = exactParts(value);
  const shift = e + bits;
  return shift >= 0 ? m << BigInt(shift) : m >> BigInt(-shift);
}

/** 2·atanh(s) for a fixed-point s (scale 2^bits, |s| ≤ 1/2): the series s + s³/3 + s⁵/5 + ... */
function twiceAtanh(s: bigint, bits: number): bigint {
  const square = (s * s) >> BigInt(bits);
  let power = s;
  let sum = 0n;
  for (let n = 1n; power !== 0n; n += 2n) {
    sum += power / n;
    power = (power * square) >> BigInt(bits);
  }
  return 2n * sum;
}

const ln2Cache = new Map<number, bigint>();
/** ln 2 = 2·atanh(1/3) at scale 2^bits. */
function ln2(bits: number): bigint {
  let value = ln2Cache.get(bits);
  if (value === undefined) {
    value = twiceAtanh((1n << BigInt(bits)) / 3n, bits);
    ln2Cache.set(bits, value);
  }
  return value;
}

/**
 * The double nearest to a positive fixed-point value (scale 2^bits) known to within `slack` units,
 * or undefined when the value lies too close to a tie between two doubles to tell at this precision.
 */
function nearestDouble(value: bigint, bits: number, slack: bigint): number | undefined {
  if (value <= 0n) throw new RangeError('nearestDouble takes a positive value');
  const length = value.toString(2).length;
  const drop = length - 53;
  if (drop < 2) throw new RangeError('not enough working precision');
  const bigDrop = BigInt(drop);
  let mantissa = value >> bigDrop;
  const rest = value - (mantissa << bigDrop);
  const half = 1n << (bigDrop - 1n);
  const distance = rest > half ? rest - half : half - rest;
  if (distance <= slack) return undefined;
  if (rest > half) mantissa += 1n;
  return Number(mantissa) * 2 ** (drop - bits);
}

/** Retries an exact evaluation at growing precision until its rounding is decided (Ziv's strategy). */
function decided(evaluate: (bits: number) => number | undefined): number {
  for (let bits = 160; bits <= 2560; bits *= 2) {
    const result = evaluate(bits);
    if (result !== undefined) return result;
  }
  throw new RangeError('rounding undecided at 2560 bits');
}

/** exp(q) = 2^k · exp(t) with t in [0, ln2); exp(t) at scale 2^bits, within a few units. */
function expParts(q: number, bits: number): { k: bigint; scaled: bigint } {
  const one = 1n << BigInt(bits);
  const log2 = ln2(bits);
  const fixed = toFixed(q, bits);
  let k = fixed / log2;
  if (fixed - k * log2 < 0n) k -= 1n;
  const t = fixed - k * log2;
  let term = one;
  let scaled = 0n;
  for (let n = 1n; term !== 0n; n++) {
    scaled += term;
    term = (term * t) / (one * n);
  }
  return { k, scaled };
}

function checkExpArgument(q: number): void {
  if (!(q > -700 && q < 700)) throw new RangeError(`exp arguments here lie in (-700, 700), got ${q}`);
}

/** exp(q) rounded to the nearest double. */
export function expNearest(q: number): number {
  checkExpArgument(q);
  if (q === 0) return 1;
  return decided((bits) => {
    const { k, scaled } = expParts(q, bits);
    // Scaling by 2^k is exact while the result stays a normal double.
    const mantissa = nearestDouble(scaled, bits, 1n << 40n);
    return mantissa === undefined ? undefined : mantissa * 2 ** Number(k);
  });
}

/** How far exp(q) lies above the double just below it, in ulps of that double (0 ≤ fraction < 1, to ~1e-30). */
export function expUlpFraction(q: number): number {
  checkExpArgument(q);
  const bits = 320;
  const { scaled } = expParts(q, bits);
  const drop = BigInt(scaled.toString(2).length - 53);
  const rest = scaled - ((scaled >> drop) << drop);
  return Number((rest << 64n) >> drop) / 2 ** 64;
}

/** log(y) rounded to the nearest double, for 0 < y < 1. */
export function logNearest(y: number): number {
  if (!(y > 0 && y < 1)) throw new RangeError(`logNearest takes y in (0, 1), got ${y}`);
  return -decided((bits) => {
    // y = m · 2^e with m in [1, 2): log y = e·ln2 + 2·atanh((m - 1)/(m + 1)).
    const { m, e } = exactParts(y);
    const length = m.toString(2).length;
    const exponent = e + length - 1;
    const one = 1n << BigInt(bits);
    const mantissa = length - 1 > bits ? m >> BigInt(length - 1 - bits) : m << BigInt(bits - (length - 1));
    const s = ((mantissa - one) << BigInt(bits)) / (mantissa + one);
    const log = BigInt(exponent) * ln2(bits) + twiceAtanh(s, bits);
    return nearestDouble(-log, bits, 1n << 40n);
  });
}

/** The next double above a positive double. */
function nextUp(value: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

/** exp(-x²/2) as numpy's table set-up computed it for the edge of `layer`. */
function density(x: number, layer: number): number {
  const value = expNearest(-0.5 * x * x);
  return layer === ROUNDED_UP_EXP_LAYER ? nextUp(value) : value;
}

/**
 * Marsaglia and Tsang's table set-up, in double precision from r and v downwards:
 * layer i's outer edge x[i] (i = 255 is r), w[i] = x[i]/2^52, f[i] = exp(-x[i]²/2),
 * k[i] = x[i-1]/x[i]·2^52 truncated, and the base layer 0 a rectangle of area v under f(r).
 */
export function deriveNormalZiggurat(): ZigguratTables {
  const k = new Array<number>(ZIGGURAT_LAYERS).fill(0);
  const w = new Array<number>(ZIGGURAT_LAYERS).fill(0);
  const f = new Array<number>(ZIGGURAT_LAYERS).fill(0);
  const top = ZIGGURAT_LAYERS - 1;
  let edge = ZIGGURAT_TAIL_START;
  let outer = edge;
  let fEdge = density(edge, top);
  const baseWidth = ZIGGURAT_LAYER_AREA / fEdge;
  k[0] = Math.trunc((edge / baseWidth) * MANTISSA);
  w[0] = baseWidth / MANTISSA;
  w[top] = edge / MANTISSA;
  f[0] = 1;
  f[top] = fEdge;
  for (let i = top - 1; i >= 1; i--) {
    edge = Math.sqrt(-2 * logNearest(ZIGGURAT_LAYER_AREA / edge + fEdge));
    k[i + 1] = Math.trunc((edge / outer) * MANTISSA);
    outer = edge;
    fEdge = density(edge, i);
    f[i] = fEdge;
    w[i] = edge / MANTISSA;
  }
  return { k, w, f };
}

/** The source text of numpy-ziggurat-tables.ts: each number in the shortest form that reads back exactly. */
export function renderZigguratTables(tables: ZigguratTables): string {
  const list = (values: readonly number[]): string => {
    const lines: string[] = [];
    for (let i = 0; i < values.length; i += 4) lines.push(`  ${values.slice(i, i + 4).map((v) => String(v)).join(', ')},`);
    return `[\n${lines.join('\n')}\n]`;
  };
  return [
    '// Generated by scripts/numpy-ziggurat-tables.ts from ziggurat-derivation.ts; do not edit.',
    '// numpy\'s 256-layer normal ziggurat, as doubles (see ziggurat-derivation.ts for how they were made).',
    '',
    '/** Per layer: draws whose 52-bit integer is below this are accepted at once. */',
    `export const ZIGGURAT_K: readonly number[] = ${list(tables.k)};`,
    '',
    '/** Per layer: the scale from the 52-bit integer to x. */',
    `export const ZIGGURAT_W: readonly number[] = ${list(tables.w)};`,
    '',
    '/** Per layer: exp(-x²/2) at the layer\'s outer edge (1 above the top layer). */',
    `export const ZIGGURAT_F: readonly number[] = ${list(tables.f)};`,
    '',
  ].join('\n');
}
