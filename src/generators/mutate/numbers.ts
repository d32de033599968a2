// Numeric literal tuning. The new literal keeps the old one's shape: integers stay integers in
// the same radix, floats stay floats (a float never collapses to `1`, which later tuning would
// treat as an integer), and magnitudes stay non-negative because the sign lives in a unary
// minus outside the literal token.
import type { Rng } from '../../core/rng';

export interface Tuned {
  text: string;
  value: number;
}

interface LiteralShape {
  value: number;
  integer: boolean;
  radix: 2 | 8 | 10 | 16;
  upperHex: boolean;
  exponent: boolean;
  grouped: boolean;
  significant: number;
}

const DECIMAL = /^(?:\d[\d_]*)?(?:\.[\d_]*)?(?:[eE][+-]?\d[\d_]*)?$/;
const MAX_MAGNITUDE = 1e21;

function shapeOf(literal: string): LiteralShape | undefined {
  const prefix = literal.slice(0, 2).toLowerCase();
  const radix = prefix === '0x' ? 16 : prefix === '0o' ? 8 : prefix === '0b' ? 2 : 10;
  if (radix === 10) {
    // Legacy octal (`017`) and leading-zero decimals are errors in strict code.
    if (/^0\d/.test(literal) || !DECIMAL.test(literal) || !/\d/.test(literal)) return undefined;
  }
  const value = Number(literal.replace(/_/g, ''));
  if (!Number.isFinite(value)) return undefined;
  const exponent = radix === 10 && /[eE]/.test(literal);
  const integer = radix !== 10 || (!literal.includes('.') && !/[eE]-/.test(literal) && Number.isSafeInteger(value));
  if (integer && !Number.isSafeInteger(value)) return undefined;
  return {
    value,
    integer,
    radix,
    upperHex: radix === 16 && /[A-F]/.test(literal.slice(2)),
    exponent,
    grouped: literal.includes('_'),
    significant: significantDigits(literal),
  };
}

function significantDigits(literal: string): number {
  const mantissa = literal.replace(/_/g, '').split(/[eE]/)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '');
  const trimmed = mantissa.includes('.') ? digits : digits.replace(/0+$/, '');
  return Math.max(1, trimmed.length);
}

function stepInteger(v: number, rng: Rng): number {
  if (rng.chance(0.72)) {
    if (v < 10) return v === 0 ? 1 : v + (rng.chance(0.5) ? 1 : -1);
    const factor = 1 + (rng.chance(0.5) ? 1 : -1) * rng.range(0.05, 0.3);
    const next = Math.round(v * factor);
    return next === v ? v + (factor > 1 ? 1 : -1) : next;
  }
  if (v === 0) return rng.pick([1, 2, 10]);
  const jump = rng.int(v >= 10 ? 4 : 3);
  if (jump === 0) return v * 2;
  if (jump === 1) return v * 10;
  if (jump === 2) return v === 1 ? 2 : Math.round(v / 2);
  return Math.round(v / 10);
}

function stepFloat(v: number, rng: Rng): number {
  if (v === 0) return rng.pick([0.01, 0.05, 0.1, 0.25, 0.5, 1]);
  if (rng.chance(0.72)) return v * (1 + (rng.chance(0.5) ? 1 : -1) * rng.range(0.05, 0.3));
  return v * rng.pick([2, 0.5, 10, 0.1]);
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, '_');
}

function formatInteger(v: number, shape: LiteralShape): string {
  if (shape.radix !== 10) {
    const body = v.toString(shape.radix);
    const prefix = shape.radix === 16 ? '0x' : shape.radix === 8 ? '0o' : '0b';
    return prefix + (shape.upperHex ? body.toUpperCase() : body);
  }
  if (shape.exponent && v >= 1000) return v.toExponential().replace('e+', 'e');
  const digits = String(v);
  return shape.grouped && v >= 10000 ? groupThousands(digits) : digits;
}

function formatFloat(v: number, shape: LiteralShape): string {
  const precision = Math.min(8, Math.max(3, shape.significant));
  const rounded = Number(v.toPrecision(precision));
  let text = shape.exponent ? rounded.toExponential().replace('e+', 'e') : String(rounded).replace('e+', 'e');
  if (!/[.e]/.test(text)) text += '.0';
  return text;
}

/** A changed literal text for `literal`, or undefined when this draw produced nothing usable. */
export function tuneNumber(literal: string, rng: Rng): Tuned | undefined {
  const shape = shapeOf(literal);
  if (!shape) return undefined;
  if (shape.integer) {
    const next = Math.max(0, stepInteger(shape.value, rng));
    if (next === shape.value || !Number.isSafeInteger(next)) return undefined;
    return { text: formatInteger(next, shape), value: next };
  }
  const next = Math.abs(stepFloat(shape.value, rng));
  if (!Number.isFinite(next) || next > MAX_MAGNITUDE || (next !== 0 && next < 1e-12)) return undefined;
  const text = formatFloat(next, shape);
  const value = Number(text);
  if (!Number.isFinite(value) || value === shape.value) return undefined;
  return { text, value };
}

/** True when the literal text is one `tuneNumber` knows how to change. */
export function isTunable(literal: string): boolean {
  return shapeOf(literal) !== undefined;
}
