// Decides whether two adjacent statements can trade places without changing behaviour. It is a
// conservative over-approximation: any call it does not know to be pure, any control transfer
// and any await/yield pins a statement in place.
import type * as TS from 'typescript';
import { lazily, ts } from '../../core/typescript-lazy';

export interface Effects {
  reads: Set<string>;
  writes: Set<string>;
  movable: boolean;
}

const PURE_FUNCTIONS = new Set(['Number', 'String', 'Boolean', 'BigInt', 'parseInt', 'parseFloat', 'isNaN', 'isFinite']);
const PURE_STATICS: Record<string, Set<string>> = {
  Math: new Set(Object.getOwnPropertyNames(Math).filter((name) => name !== 'random')),
  Number: new Set(['isInteger', 'isFinite', 'isNaN', 'isSafeInteger', 'parseFloat', 'parseInt']),
  Object: new Set(['keys', 'values', 'entries', 'fromEntries']),
  Array: new Set(['isArray', 'of']),
  JSON: new Set(['stringify', 'parse']),
};
const PURE_METHODS = new Set([
  'map', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex',
  'includes', 'indexOf', 'lastIndexOf', 'slice', 'concat', 'join', 'at', 'flat', 'flatMap', 'toSorted',
  'toReversed', 'with', 'toFixed', 'toPrecision', 'toString', 'trim', 'toLowerCase', 'toUpperCase',
  'startsWith', 'endsWith', 'padStart', 'padEnd', 'charAt', 'charCodeAt', 'split', 'has', 'get',
]);
const PINNED_KINDS = lazily(() => new Set([
  ts.SyntaxKind.ReturnStatement, ts.SyntaxKind.BreakStatement, ts.SyntaxKind.ContinueStatement,
  ts.SyntaxKind.ThrowStatement, ts.SyntaxKind.AwaitExpression, ts.SyntaxKind.YieldExpression,
  ts.SyntaxKind.DeleteExpression, ts.SyntaxKind.NewExpression, ts.SyntaxKind.TaggedTemplateExpression,
  ts.SyntaxKind.LabeledStatement, ts.SyntaxKind.DebuggerStatement, ts.SyntaxKind.ImportDeclaration,
  ts.SyntaxKind.ExportDeclaration, ts.SyntaxKind.ExportAssignment, ts.SyntaxKind.ImportEqualsDeclaration,
]));

/** Root variable of an access chain (`a.b[c].d` -> `a`), or undefined when it is not a plain name. */
function rootName(node: TS.Expression): string | undefined {
  let n: TS.Expression = node;
  for (;;) {
    if (ts.isIdentifier(n)) return n.text;
    if (n.kind === ts.SyntaxKind.ThisKeyword) return 'this';
    if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isParenthesizedExpression(n) || ts.isNonNullExpression(n)) {
      n = n.expression;
    } else if (ts.isAsExpression(n) || ts.isSatisfiesExpression(n) || ts.isTypeAssertionExpression(n)) {
      n = n.expression;
    } else {
      return undefined;
    }
  }
}

function isPureCallee(callee: TS.Expression): boolean {
  if (ts.isIdentifier(callee)) return PURE_FUNCTIONS.has(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const method = callee.name.text;
  if (ts.isIdentifier(callee.expression)) {
    const statics = PURE_STATICS[callee.expression.text];
    if (statics) return statics.has(method);
  }
  return PURE_METHODS.has(method);
}

function isAssignmentOperator(kind: TS.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function addBindingNames(name: TS.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) {
    into.add(name.text);
    return;
  }
  for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBindingNames(element.name, into);
}

export function effectsOf(statement: TS.Statement): Effects {
  const effects: Effects = { reads: new Set(), writes: new Set(), movable: true };
  const write = (target: TS.Expression): void => {
    if (ts.isArrayLiteralExpression(target) || ts.isObjectLiteralExpression(target)) {
      // Destructuring assignment: every name inside may be written.
      const visitPattern = (n: TS.Node): void => {
        if (ts.isIdentifier(n)) effects.writes.add(n.text);
        ts.forEachChild(n, visitPattern);
      };
      visitPattern(target);
      return;
    }
    const root = rootName(target);
    if (root === undefined) effects.movable = false;
    else effects.writes.add(root);
  };
  const visit = (node: TS.Node): void => {
    if (!effects.movable) return;
    if (PINNED_KINDS().has(node.kind)) {
      effects.movable = false;
      return;
    }
    if (ts.isTypeNode(node)) return;
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isMemberName = (ts.isPropertyAccessExpression(parent) && parent.name === node)
        || ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node);
      if (!isMemberName) effects.reads.add(node.text);
    } else if (node.kind === ts.SyntaxKind.ThisKeyword) {
      effects.reads.add('this');
    } else if (ts.isVariableDeclaration(node)) {
      addBindingNames(node.name, effects.writes);
    } else if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name) {
      effects.writes.add(node.name.text);
    } else if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind)) {
      write(node.left);
    } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node))
      && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
      write(node.operand);
    } else if (ts.isCallExpression(node) && !isPureCallee(node.expression)) {
      effects.movable = false;
      return;
    }
    ts.forEachChild(node, visit);
  };
  if (ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression)) effects.movable = false; // a directive
  else visit(statement);
  return effects;
}

function disjoint(a: Set<string>, b: Set<string>): boolean {
  for (const x of a) if (b.has(x)) return false;
  return true;
}

export function independent(a: Effects, b: Effects): boolean {
  return a.movable && b.movable && disjoint(a.writes, b.reads) && disjoint(a.writes, b.writes) && disjoint(b.writes, a.reads);
}
