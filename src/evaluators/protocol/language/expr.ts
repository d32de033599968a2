// Threshold expressions in N and f: exact evaluation (rationals, so (N+f)/2 is not rounded
// before floor/ceil see it), printing with minimal parentheses, and the standard thresholds.
import type { Expr, Threshold } from './ast';

export interface Rational {
  n: number;
  d: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1;
}

function rat(n: number, d = 1): Rational {
  if (d === 0) throw new RangeError('division by zero');
  const s = d < 0 ? -1 : 1;
  const g = gcd(n, d);
  return { n: (s * n) / g, d: (s * d) / g };
}

export function evalExpr(e: Expr, env: { N: number; f: number }): Rational {
  switch (e.kind) {
    case 'num':
      return rat(e.value);
    case 'var':
      return rat(env[e.name]);
    case 'neg': {
      const a = evalExpr(e.arg, env);
      return rat(-a.n, a.d);
    }
    case 'call': {
      const a = evalExpr(e.arg, env);
      return rat(e.fn === 'floor' ? Math.floor(a.n / a.d) : Math.ceil(a.n / a.d));
    }
    case 'bin': {
      const a = evalExpr(e.left, env);
      const b = evalExpr(e.right, env);
      switch (e.op) {
        case '+':
          return rat(a.n * b.d + b.n * a.d, a.d * b.d);
        case '-':
          return rat(a.n * b.d - b.n * a.d, a.d * b.d);
        case '*':
          return rat(a.n * b.n, a.d * b.d);
        case '/':
          return rat(a.n * b.d, a.d * b.n);
      }
    }
  }
}

/**
 * The number of distinct parties a threshold asks for at (N, f): `>= x` needs ceil(x), `> x`
 * needs floor(x)+1. Below 1 it is 1: a process only reacts to values it has received.
 */
export function thresholdCount(t: Threshold, env: { N: number; f: number }): number {
  const v = evalExpr(t.expr, env);
  const k = t.op === '>=' ? Math.ceil(v.n / v.d) : Math.floor(v.n / v.d) + 1;
  return Math.max(1, k);
}

const PREC: Record<Expr['kind'] | '+' | '-' | '*' | '/', number> = { num: 4, var: 4, call: 4, neg: 3, bin: 0, '+': 1, '-': 1, '*': 2, '/': 2 };

function precOf(e: Expr): number {
  return e.kind === 'bin' ? PREC[e.op] : PREC[e.kind];
}

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'num':
      return String(e.value);
    case 'var':
      return e.name;
    case 'neg':
      return `-${precOf(e.arg) < 3 ? `(${printExpr(e.arg)})` : printExpr(e.arg)}`;
    case 'call':
      return `${e.fn}(${printExpr(e.arg)})`;
    case 'bin': {
      const p = PREC[e.op];
      // A number times a variable reads best as the papers write it: 2f, 3N.
      if (e.op === '*' && e.left.kind === 'num' && e.right.kind === 'var') return `${e.left.value}${e.right.name}`;
      const l = precOf(e.left) < p ? `(${printExpr(e.left)})` : printExpr(e.left);
      // Right operands of - and / need parentheses at equal precedence: N-(f+1), N/(2f).
      const rightNeeds = precOf(e.right) < p || (precOf(e.right) === p && (e.op === '-' || e.op === '/'));
      const r = rightNeeds ? `(${printExpr(e.right)})` : printExpr(e.right);
      return `${l}${e.op}${r}`;
    }
  }
}

export function printThreshold(t: Threshold): string {
  return t.op === '>' ? `> ${printExpr(t.expr)}` : printExpr(t.expr);
}

/** True when the expression mentions N or f (absolute thresholds say nothing about other N). */
export function isSymbolic(e: Expr): boolean {
  switch (e.kind) {
    case 'num':
      return false;
    case 'var':
      return true;
    case 'neg':
    case 'call':
      return isSymbolic(e.arg);
    case 'bin':
      return isSymbolic(e.left) || isSymbolic(e.right);
  }
}

const num = (value: number): Expr => ({ kind: 'num', value });
const N: Expr = { kind: 'var', name: 'N' };
const F: Expr = { kind: 'var', name: 'f' };
const bin = (op: '+' | '-' | '*' | '/', left: Expr, right: Expr): Expr => ({ kind: 'bin', op, left, right });

/** The thresholds the seed paper's agent chooses from, plus N itself. */
export const STANDARD_THRESHOLDS: Readonly<Record<string, Threshold>> = {
  '1': { op: '>=', expr: num(1) },
  'f+1': { op: '>=', expr: bin('+', F, num(1)) },
  '2f+1': { op: '>=', expr: bin('+', bin('*', num(2), F), num(1)) },
  'N-f': { op: '>=', expr: bin('-', N, F) },
  'N-2f': { op: '>=', expr: bin('-', N, bin('*', num(2), F)) },
  'floor((N+f)/2)+1': { op: '>=', expr: bin('+', { kind: 'call', fn: 'floor', arg: bin('/', bin('+', N, F), num(2)) }, num(1)) },
  N: { op: '>=', expr: N },
};
