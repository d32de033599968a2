// The mutation operators. Each one draws a site from the analysis with the request's PRNG and
// returns text edits plus a plain-words description, or undefined when the draw is unusable
// (the caller then draws again).
import type * as TS from 'typescript';
import { ts } from '../../core/typescript-lazy';
import type { Analysis, Unit } from './analysis';
import { pieceOf, reindent, swapPieces, type Edit } from './edits';
import { tuneNumber } from './numbers';
import { regionOf } from './regions';
import type { Rng } from '../../core/rng';

export const OPERATOR_NAMES = [
  'numbers', 'comparisons', 'booleans', 'logic', 'branches', 'chains', 'cases', 'arrays', 'statements', 'recombine',
] as const;
export type OperatorName = (typeof OPERATOR_NAMES)[number];

/** Relative frequencies; numeric tuning dominates because it is the safest productive change. */
export const DEFAULT_WEIGHTS: Record<OperatorName, number> = {
  numbers: 40, comparisons: 10, booleans: 5, logic: 2, branches: 3, chains: 3, cases: 3, arrays: 5, statements: 2, recombine: 15,
};

export interface Mutation {
  edits: Edit[];
  description: string;
  /** Offset in the parent used to order descriptions in file order. */
  at: number;
}

/** A unit of the parent and a different version of it in an inspiration. */
export interface Crossover {
  target: Unit;
  donor: Unit;
  donorId: string;
}

export interface OperatorInput {
  a: Analysis;
  rng: Rng;
  crossovers: readonly Crossover[];
}

type Operator = (input: OperatorInput) => Mutation | undefined;

export function siteCount(name: OperatorName, a: Analysis, crossovers: readonly Crossover[]): number {
  switch (name) {
    case 'numbers': return a.numbers.length;
    case 'comparisons': return a.comparisons.length;
    case 'booleans': return a.booleans.length;
    case 'logic': return a.logicals.length;
    case 'branches': return a.branches.length;
    case 'chains': return a.chainPairs.length;
    case 'cases': return a.casePairs.length;
    case 'arrays': return a.arrays.length;
    case 'statements': return a.statementPairs.length;
    case 'recombine': return crossovers.length;
  }
}

// ---------- wording ----------

function where(a: Analysis, pos: number): string {
  const line = a.sf.getLineAndCharacterOfPosition(pos).line + 1;
  const region = regionOf(a.regions, pos, pos);
  return region && region.block > 0 ? `block ${region.block}, line ${line}` : `line ${line}`;
}

function snippet(a: Analysis, node: TS.Node, max = 48): string {
  const text = node.getText(a.sf).replace(/\s+/g, ' ');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function unwrap(node: TS.Node): TS.Node {
  let n = node;
  while (ts.isPrefixUnaryExpression(n.parent) || ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent)
    || ts.isSatisfiesExpression(n.parent) || ts.isNonNullExpression(n.parent)) {
    n = n.parent;
  }
  return n;
}

/** What the value at `node` is called in the program, e.g. `cpuShare` or "element 2 of `weights`". */
function nameOf(a: Analysis, node: TS.Node, depth = 0): string | undefined {
  const n = unwrap(node);
  const p = n.parent;
  const ident = (name: TS.Node): string | undefined => (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name) ? `\`${name.text}\`` : undefined);
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isPropertyDeclaration(p) || ts.isBindingElement(p)) && p.initializer === n) return ident(p.name);
  if (ts.isPropertyAssignment(p) && p.initializer === n) return ident(p.name);
  if (ts.isBinaryExpression(p) && p.right === n && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment
    && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
    const target = snippet(a, p.left, 32);
    return p.operatorToken.kind === ts.SyntaxKind.EqualsToken ? `\`${target}\`` : `the step in \`${target} ${p.operatorToken.getText(a.sf)} …\``;
  }
  if (depth < 2 && ts.isArrayLiteralExpression(p)) {
    const outer = nameOf(a, p, depth + 1);
    return `element ${p.elements.indexOf(n as TS.Expression) + 1} of ${outer ?? 'the array'}`;
  }
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments) {
    const i = p.arguments.indexOf(n as TS.Expression);
    if (i >= 0) return `argument ${i + 1} of \`${snippet(a, p.expression, 32)}\``;
  }
  return undefined;
}

// ---------- operators ----------

/** Share of float tunings that also cross zero. */
const SIGN_FLIP_CHANCE = 0.15;

const numbers: Operator = ({ a, rng }) => {
  const lit = rng.pick(a.numbers);
  const start = lit.getStart(a.sf);
  const old = a.text.slice(start, lit.end);
  const tuned = tuneNumber(old, rng);
  if (!tuned) return undefined;
  const outer = lit.parent;
  const negative = ts.isPrefixUnaryExpression(outer) && outer.operator === ts.SyntaxKind.MinusToken;
  const sign = negative ? '-' : '';
  const oldValue = Number(old.replace(/_/g, ''));
  const name = nameOf(a, lit);
  // Weights of a scoring function often need the other sign (prefer the costly node, the low
  // priority): a float knob sometimes crosses zero. Integers keep their sign: they are counts and
  // indices far more often than weights.
  if (/[.eE]/.test(old) && !/^0[xob]/i.test(old) && rng.chance(SIGN_FLIP_CHANCE)) {
    const from = negative ? (outer as TS.PrefixUnaryExpression).getStart(a.sf) : start;
    const flipped = negative ? tuned.text : `-${tuned.text}`;
    const label = name ?? `\`${snippet(a, unwrap(lit).parent, 40)}\``;
    return { edits: [{ start: from, end: lit.end, text: flipped }], description: `flipped the sign of ${label} from ${sign}${old} to ${flipped} (${where(a, start)})`, at: from };
  }
  const raised = negative ? tuned.value < oldValue : tuned.value > oldValue;
  const verb = raised ? 'raised' : 'lowered';
  const what = name
    ? `${verb} ${name} from ${sign}${old} to ${sign}${tuned.text}`
    : `${verb} ${sign}${old} to ${sign}${tuned.text} in \`${snippet(a, unwrap(lit).parent, 40)}\``;
  return { edits: [{ start, end: lit.end, text: tuned.text }], description: `${what} (${where(a, start)})`, at: start };
};

const RELATIONAL_TOGGLE: Record<string, string> = { '<': '<=', '<=': '<', '>': '>=', '>=': '>' };
const RELATIONAL_REVERSE: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const NEGATED: Record<string, string> = {
  '<': '>=', '<=': '>', '>': '<=', '>=': '<', '===': '!==', '!==': '===', '==': '!=', '!=': '==',
};

const comparisons: Operator = ({ a, rng }) => {
  const expr = rng.pick(a.comparisons);
  const op = expr.operatorToken;
  const start = op.getStart(a.sf);
  const old = a.text.slice(start, op.end);
  const next = RELATIONAL_TOGGLE[old] ? (rng.chance(0.7) ? RELATIONAL_TOGGLE[old] : RELATIONAL_REVERSE[old]) : NEGATED[old];
  if (!next) return undefined;
  return {
    edits: [{ start, end: op.end, text: next }],
    description: `flipped \`${old}\` to \`${next}\` in \`${snippet(a, expr)}\` (${where(a, start)})`,
    at: start,
  };
};

const booleans: Operator = ({ a, rng }) => {
  const lit = rng.pick(a.booleans);
  const start = lit.getStart(a.sf);
  const old = lit.kind === ts.SyntaxKind.TrueKeyword ? 'true' : 'false';
  const next = old === 'true' ? 'false' : 'true';
  const name = nameOf(a, lit);
  return {
    edits: [{ start, end: lit.end, text: next }],
    description: `flipped \`${old}\` to \`${next}\`${name ? ` for ${name}` : ''} (${where(a, start)})`,
    at: start,
  };
};

const logic: Operator = ({ a, rng }) => {
  const expr = rng.pick(a.logicals);
  const op = expr.operatorToken;
  const start = op.getStart(a.sf);
  const old = op.kind === ts.SyntaxKind.AmpersandAmpersandToken ? '&&' : '||';
  const next = old === '&&' ? '||' : '&&';
  return {
    edits: [{ start, end: op.end, text: next }],
    description: `replaced \`${old}\` with \`${next}\` in \`${snippet(a, expr)}\` (${where(a, start)})`,
    at: start,
  };
};

function isSimpleOperand(e: TS.Expression): boolean {
  return ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isCallExpression(e)
    || ts.isParenthesizedExpression(e) || e.kind === ts.SyntaxKind.ThisKeyword || e.kind === ts.SyntaxKind.TrueKeyword
    || e.kind === ts.SyntaxKind.FalseKeyword || ts.isNonNullExpression(e);
}

/** Text of the logical negation of `e`, readable rather than wrapped in `!( )` where possible. */
function negation(a: Analysis, e: TS.Expression, inIfHead: boolean): string {
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    const operand = e.operand;
    // Dropping the parentheses is only safe where the if statement supplies its own.
    if (inIfHead && ts.isParenthesizedExpression(operand)) return operand.expression.getText(a.sf);
    return operand.getText(a.sf);
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken;
    const inverted = NEGATED[a.text.slice(op.getStart(a.sf), op.end)];
    if (inverted) return a.text.slice(e.getStart(a.sf), op.getStart(a.sf)) + inverted + a.text.slice(op.end, e.end);
  }
  const text = e.getText(a.sf);
  return isSimpleOperand(e) ? `!${text}` : `!(${text})`;
}

const branches: Operator = ({ a, rng }) => {
  const node = rng.pick(a.branches);
  const t = a.text;
  const cond = ts.isIfStatement(node) ? node.expression : node.condition;
  const yes = ts.isIfStatement(node) ? node.thenStatement : node.whenTrue;
  const no = ts.isIfStatement(node) ? node.elseStatement : node.whenFalse;
  if (!no) return undefined;
  const c0 = cond.getStart(a.sf);
  const y0 = yes.getStart(a.sf);
  const n0 = no.getStart(a.sf);
  const edits: Edit[] = [
    { start: c0, end: cond.end, text: negation(a, cond, ts.isIfStatement(node)) },
    { start: y0, end: yes.end, text: t.slice(n0, no.end) },
    { start: n0, end: no.end, text: t.slice(y0, yes.end) },
  ];
  const at = node.getStart(a.sf);
  const description = ts.isIfStatement(node)
    ? `swapped the branches of \`if (${snippet(a, cond, 40)})\` and negated its test (${where(a, at)})`
    : `swapped the arms of \`${snippet(a, node)}\` and negated its test (${where(a, at)})`;
  return { edits, description, at };
};

const chains: Operator = ({ a, rng }) => {
  const [x, y] = rng.pick(a.chainPairs);
  const t = a.text;
  const span = (n: TS.Node): [number, number] => [n.getStart(a.sf), n.end];
  const [xc0, xc1] = span(x.expression);
  const [yc0, yc1] = span(y.expression);
  const [xt0, xt1] = span(x.thenStatement);
  const [yt0, yt1] = span(y.thenStatement);
  const at = y.getStart(a.sf);
  return {
    edits: [
      { start: xc0, end: xc1, text: t.slice(yc0, yc1) },
      { start: xt0, end: xt1, text: t.slice(yt0, yt1) },
      { start: yc0, end: yc1, text: t.slice(xc0, xc1) },
      { start: yt0, end: yt1, text: t.slice(xt0, xt1) },
    ],
    description: `moved the test \`${snippet(a, y.expression, 40)}\` ahead of \`${snippet(a, x.expression, 40)}\` in an if/else-if chain (${where(a, at)})`,
    at,
  };
};

function swapNodes(a: Analysis, first: TS.Node, second: TS.Node): Edit[] | undefined {
  const region = regionOf(a.regions, first.getStart(a.sf), first.end);
  if (!region || regionOf(a.regions, second.getStart(a.sf), second.end) !== region) return undefined;
  return swapPieces(a.text, pieceOf(a.sf, first, region), pieceOf(a.sf, second, region));
}

function caseLabel(a: Analysis, c: TS.CaseOrDefaultClause): string {
  return ts.isCaseClause(c) ? `case ${snippet(a, c.expression, 32)}` : 'default';
}

/** Exchanging whole clauses would change nothing (a switch matches by label), so the bodies trade places under fixed labels. */
const cases: Operator = ({ a, rng }) => {
  const [c1, c2] = rng.pick(a.casePairs);
  const region = regionOf(a.regions, c1.getStart(a.sf), c2.end);
  if (!region) return undefined;
  const body = (c: TS.CaseOrDefaultClause) => {
    const first = pieceOf(a.sf, c.statements[0] as TS.Statement, region);
    const last = pieceOf(a.sf, c.statements[c.statements.length - 1] as TS.Statement, region);
    return { start: first.start, end: last.end, endsWithLineComment: last.endsWithLineComment };
  };
  const edits = swapPieces(a.text, body(c1), body(c2));
  if (!edits) return undefined;
  const at = c1.getStart(a.sf);
  return { edits, description: `swapped the bodies of \`${caseLabel(a, c1)}\` and \`${caseLabel(a, c2)}\` in a switch (${where(a, at)})`, at };
};

const arrays: Operator = ({ a, rng }) => {
  const arr = rng.pick(a.arrays);
  const n = arr.elements.length;
  let lo: number;
  let hi: number;
  // Mostly neighbours, sometimes any pair, so both small and large reorderings happen.
  if (rng.chance(0.6)) {
    lo = rng.int(n - 1);
    hi = lo + 1;
  } else {
    const i = rng.int(n);
    let j = rng.int(n - 1);
    if (j >= i) j += 1;
    lo = Math.min(i, j);
    hi = Math.max(i, j);
  }
  const e1 = arr.elements[lo] as TS.Expression;
  const e2 = arr.elements[hi] as TS.Expression;
  const s1 = e1.getStart(a.sf);
  const s2 = e2.getStart(a.sf);
  const t1 = a.text.slice(s1, e1.end);
  const t2 = a.text.slice(s2, e2.end);
  if (t1 === t2) return undefined;
  const name = nameOf(a, arr);
  const at = arr.getStart(a.sf);
  return {
    edits: [{ start: s1, end: e1.end, text: t2 }, { start: s2, end: e2.end, text: t1 }],
    description: `swapped elements ${lo + 1} and ${hi + 1} (\`${snippet(a, e1, 24)}\`, \`${snippet(a, e2, 24)}\`) of ${name ?? 'an array'} (${where(a, at)})`,
    at,
  };
};

const statements: Operator = ({ a, rng }) => {
  const [s1, s2] = rng.pick(a.statementPairs);
  const edits = swapNodes(a, s1, s2);
  if (!edits) return undefined;
  const at = s1.getStart(a.sf);
  return { edits, description: `swapped the independent statements \`${snippet(a, s1, 32)}\` and \`${snippet(a, s2, 32)}\` (${where(a, at)})`, at };
};

const recombine: Operator = ({ a, rng, crossovers }) => {
  const { target, donor, donorId } = rng.pick(crossovers);
  return {
    edits: [{ start: target.start, end: target.end, text: reindent(donor.text, donor.indent, target.indent) }],
    description: `took ${target.label} from program ${donorId} (${where(a, target.start)})`,
    at: target.start,
  };
};

export const OPERATORS: Record<OperatorName, Operator> = {
  numbers, comparisons, booleans, logic, branches, chains, cases, arrays, statements, recombine,
};
