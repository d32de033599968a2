// One pass over a parsed file that lists every mutation site lying entirely inside an evolvable
// region, plus the named "units" (functions, methods, initialisers, statements) that
// recombination can exchange between two programs. The result is cached per file content.
import type * as TS from 'typescript';
import { lazily, ts } from '../../core/typescript-lazy';
import { effectsOf, independent, type Effects } from './effects';
import { isTunable } from './numbers';
import { intersectsAnyRegion, regionOf, type Region } from './regions';

/** A piece of a program that has a structural name, so the same piece can be found in another program. */
export interface Unit {
  /** Structural path, e.g. `/fn:score/if#0/then/assign:best#0`. */
  key: string;
  /** Replaced range (the whole declaration, or just an initialiser). */
  start: number;
  end: number;
  text: string;
  /** Text with whitespace runs collapsed, filled in on first use by `normalizedText`. */
  normalized?: string;
  /** Indentation of the line the unit starts on. */
  indent: string;
  /** Words for explanations, e.g. "function `score`". */
  label: string;
}

export interface Analysis {
  sf: TS.SourceFile;
  text: string;
  regions: Region[];
  numbers: TS.NumericLiteral[];
  comparisons: TS.BinaryExpression[];
  booleans: TS.Expression[];
  logicals: TS.BinaryExpression[];
  /** If statements with a plain else, and conditional expressions. */
  branches: (TS.IfStatement | TS.ConditionalExpression)[];
  /** Neighbouring links of `if / else if` chains whose tests and bodies can trade places. */
  chainPairs: [TS.IfStatement, TS.IfStatement][];
  /** Neighbouring switch clauses that both end in a jump, so their bodies can trade places. */
  casePairs: [TS.CaseOrDefaultClause, TS.CaseOrDefaultClause][];
  arrays: TS.ArrayLiteralExpression[];
  statementPairs: [TS.Statement, TS.Statement][];
  units: Map<string, Unit>;
}

const COMPARISONS = lazily(() => new Set([
  ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken,
]));

const STATEMENT_WORDS = lazily((): Partial<Record<TS.SyntaxKind, string>> => ({
  [ts.SyntaxKind.IfStatement]: 'if',
  [ts.SyntaxKind.ReturnStatement]: 'return',
  [ts.SyntaxKind.ForStatement]: 'for',
  [ts.SyntaxKind.ForOfStatement]: 'for-of',
  [ts.SyntaxKind.ForInStatement]: 'for-in',
  [ts.SyntaxKind.WhileStatement]: 'while',
  [ts.SyntaxKind.DoStatement]: 'do',
  [ts.SyntaxKind.SwitchStatement]: 'switch',
  [ts.SyntaxKind.TryStatement]: 'try',
  [ts.SyntaxKind.ThrowStatement]: 'throw',
  [ts.SyntaxKind.Block]: 'block',
}));

/** Statement kinds that are declarations or carry no behaviour worth exchanging or moving. */
function isDeclarationLike(s: TS.Statement): boolean {
  return ts.isVariableStatement(s) || ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s)
    || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s) || ts.isModuleDeclaration(s) || ts.isImportDeclaration(s)
    || ts.isImportEqualsDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s) || ts.isEmptyStatement(s);
}

function isTypeOnly(s: TS.Statement): boolean {
  return ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isModuleDeclaration(s) || ts.isEmptyStatement(s)
    || ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s) || ts.isImportEqualsDeclaration(s);
}

/** The unit's text with whitespace runs collapsed, to tell real differences from formatting. */
export function normalizedText(unit: Unit): string {
  unit.normalized ??= compact(unit.text);
  return unit.normalized;
}

function compact(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function propertyNameText(name: TS.PropertyName | undefined, sf: TS.SourceFile): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return compact(name.getText(sf));
}

/** A "simple" statement can move into a then-position without capturing a dangling else. */
function isSafeBranchBody(s: TS.Statement): boolean {
  return ts.isBlock(s) || ts.isExpressionStatement(s) || ts.isReturnStatement(s) || ts.isThrowStatement(s)
    || ts.isBreakStatement(s) || ts.isContinueStatement(s);
}

function endsWithJump(clause: TS.CaseOrDefaultClause): boolean {
  let last: TS.Statement | undefined = clause.statements[clause.statements.length - 1];
  while (last && ts.isBlock(last)) last = last.statements[last.statements.length - 1];
  return !!last && (ts.isBreakStatement(last) || ts.isReturnStatement(last) || ts.isThrowStatement(last) || ts.isContinueStatement(last));
}

/** True for array literals that are destructuring targets, where order is not data. */
function isAssignmentPattern(node: TS.Node): boolean {
  let n = node;
  while (ts.isArrayLiteralExpression(n.parent) || ts.isObjectLiteralExpression(n.parent) || ts.isSpreadElement(n.parent)
    || ts.isParenthesizedExpression(n.parent) || (ts.isPropertyAssignment(n.parent) && n.parent.initializer === n)) {
    n = n.parent;
  }
  const p = n.parent;
  if (ts.isBinaryExpression(p)) return p.left === n && p.operatorToken.kind === ts.SyntaxKind.EqualsToken;
  if (ts.isForOfStatement(p) || ts.isForInStatement(p)) return p.initializer === n;
  return false;
}

export function analyse(sf: TS.SourceFile, regions: Region[]): Analysis {
  const text = sf.text;
  const a: Analysis = {
    sf, text, regions, numbers: [], comparisons: [], booleans: [], logicals: [], branches: [], chainPairs: [],
    casePairs: [], arrays: [], statementPairs: [], units: new Map(),
  };
  const inside = (node: TS.Node): boolean => regionOf(regions, node.getStart(sf), node.end) !== undefined;

  const addUnit = (key: string, node: TS.Node, label: string): void => {
    if (a.units.has(key) || !inside(node)) return;
    const start = node.getStart(sf);
    const unitText = text.slice(start, node.end);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart, start))?.[0] ?? '';
    a.units.set(key, { key, start, end: node.end, text: unitText, indent, label });
  };

  const collectSites = (node: TS.Node): void => {
    switch (node.kind) {
      case ts.SyntaxKind.NumericLiteral: {
        const p = node.parent;
        const isName = (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isEnumMember(p)
          || ts.isGetAccessor(p) || ts.isSetAccessor(p)) && p.name === node;
        if (!isName && inside(node) && isTunable(node.getText(sf))) a.numbers.push(node as TS.NumericLiteral);
        break;
      }
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
        if (inside(node)) a.booleans.push(node as TS.Expression);
        break;
      case ts.SyntaxKind.BinaryExpression: {
        const b = node as TS.BinaryExpression;
        const op = b.operatorToken.kind;
        if (COMPARISONS().has(op) && inside(b)) a.comparisons.push(b);
        else if ((op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) && inside(b)) a.logicals.push(b);
        break;
      }
      case ts.SyntaxKind.IfStatement: {
        const s = node as TS.IfStatement;
        if (s.elseStatement && ts.isIfStatement(s.elseStatement)) {
          // Each link is visited as its own IfStatement, so only the link and its successor are paired here.
          const next = s.elseStatement;
          if (isSafeBranchBody(s.thenStatement) && isSafeBranchBody(next.thenStatement) && inside(s)
            && s.expression.getText(sf) !== next.expression.getText(sf)) {
            a.chainPairs.push([s, next]);
          }
        } else if (s.elseStatement && isSafeBranchBody(s.thenStatement) && isSafeBranchBody(s.elseStatement) && inside(s)) {
          a.branches.push(s);
        }
        break;
      }
      case ts.SyntaxKind.ConditionalExpression:
        if (inside(node)) a.branches.push(node as TS.ConditionalExpression);
        break;
      case ts.SyntaxKind.CaseBlock: {
        const clauses = (node as TS.CaseBlock).clauses;
        for (let i = 0; i + 1 < clauses.length; i++) {
          const c1 = clauses[i] as TS.CaseOrDefaultClause;
          const c2 = clauses[i + 1] as TS.CaseOrDefaultClause;
          if (endsWithJump(c1) && endsWithJump(c2) && inside(c1) && inside(c2)
            && c1.statements.map((x) => x.getText(sf)).join('\n') !== c2.statements.map((x) => x.getText(sf)).join('\n')) {
            a.casePairs.push([c1, c2]);
          }
        }
        break;
      }
      case ts.SyntaxKind.ArrayLiteralExpression: {
        const arr = node as TS.ArrayLiteralExpression;
        if (arr.elements.length < 2 || arr.elements.some(ts.isOmittedExpression) || !inside(arr) || isAssignmentPattern(arr)) break;
        const texts = new Set(arr.elements.map((e) => e.getText(sf)));
        if (texts.size >= 2) a.arrays.push(arr);
        break;
      }
      default:
        break;
    }
  };

  const visitList = (statements: TS.NodeArray<TS.Statement>, path: string, owner: string): void => {
    const counts = new Map<string, number>();
    let previous: { statement: TS.Statement; effects: Effects | undefined } | undefined;
    for (const s of statements) {
      if (!intersectsAnyRegion(regions, s.pos, s.end)) {
        previous = undefined;
        continue;
      }
      if (isDeclarationLike(s)) {
        visit(s, path, owner);
      } else {
        collectSites(s);
        const sig = statementSignature(s, sf);
        const n = counts.get(sig) ?? 0;
        counts.set(sig, n + 1);
        const key = `${path}/${sig}#${n}`;
        if (!ts.isBreakStatement(s) && !ts.isContinueStatement(s)) {
          addUnit(key, s, `the ${describeStatement(sig)}${n > 0 ? ` #${n + 1}` : ''}${owner ? ` in ${owner}` : ''}`);
        }
        visitStatementChildren(s, key, owner);
      }
      // Adjacent pairs in the same region whose effects do not interfere can swap.
      const current = { statement: s, effects: undefined as Effects | undefined };
      if (previous && !isTypeOnly(s) && !isTypeOnly(previous.statement)) {
        const r1 = regionOf(regions, previous.statement.getStart(sf), previous.statement.end);
        const r2 = regionOf(regions, s.getStart(sf), s.end);
        if (r1 && r1 === r2) {
          previous.effects ??= effectsOf(previous.statement);
          current.effects = effectsOf(s);
          if (independent(previous.effects, current.effects)) a.statementPairs.push([previous.statement, s]);
        }
      }
      previous = current;
    }
  };

  const visitStatementChildren = (s: TS.Statement, key: string, owner: string): void => {
    if (ts.isIfStatement(s)) {
      visit(s.expression, key, owner);
      visit(s.thenStatement, `${key}/then`, owner);
      if (s.elseStatement) visit(s.elseStatement, `${key}/else`, owner);
    } else if (ts.isTryStatement(s)) {
      visit(s.tryBlock, `${key}/try`, owner);
      if (s.catchClause) visit(s.catchClause, `${key}/catch`, owner);
      if (s.finallyBlock) visit(s.finallyBlock, `${key}/finally`, owner);
    } else {
      ts.forEachChild(s, (child) => visit(child, key, owner));
    }
  };

  const visitChildren = (node: TS.Node, path: string, owner: string): void => {
    ts.forEachChild(node, (child) => visit(child, path, owner));
  };

  const visit = (node: TS.Node, path: string, owner: string): void => {
    if (!intersectsAnyRegion(regions, node.pos, node.end) || ts.isTypeNode(node)) return;
    collectSites(node);
    const children = (childPath: string, childOwner: string): void => visitChildren(node, childPath, childOwner);
    if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node)) {
      visitList(node.statements, path, owner);
    } else if (ts.isCaseClause(node) || ts.isDefaultClause(node)) {
      if (ts.isCaseClause(node)) visit(node.expression, path, owner);
      visitList(node.statements, path, owner);
    } else if (ts.isCaseBlock(node)) {
      const seen = new Map<string, number>();
      for (const clause of node.clauses) {
        const label = ts.isCaseClause(clause) ? `case:${compact(clause.expression.getText(sf))}` : 'default';
        const n = seen.get(label) ?? 0;
        seen.set(label, n + 1);
        visit(clause, `${path}/${label}#${n}`, owner);
      }
    } else if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)
      || ts.isConstructorDeclaration(node)) && node.body) {
      const name = ts.isConstructorDeclaration(node) ? 'constructor' : propertyNameText(node.name, sf);
      if (name === undefined) {
        children(path, owner);
        return;
      }
      const kind = ts.isFunctionDeclaration(node) ? 'fn' : ts.isGetAccessor(node) ? 'get' : ts.isSetAccessor(node) ? 'set' : 'method';
      const key = `${path}/${kind}:${name}`;
      addUnit(key, node, `${kind === 'fn' ? 'function' : 'method'} \`${name}\``);
      children(key, `\`${name}\``);
    } else if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name) {
      children(`${path}/class:${node.name.text}`, `\`${node.name.text}\``);
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const key = `${path}/var:${node.name.text}`;
      addUnit(key, node.initializer, `\`${node.name.text}\``);
      children(key, `\`${node.name.text}\``);
    } else if ((ts.isPropertyAssignment(node) || ts.isPropertyDeclaration(node)) && node.initializer) {
      const name = propertyNameText(node.name, sf);
      if (name === undefined) {
        children(path, owner);
        return;
      }
      const key = `${path}/prop:${name}`;
      addUnit(key, node.initializer, `\`${name}\``);
      children(key, `\`${name}\``);
    } else {
      children(path, owner);
    }
  };

  visit(sf, '', '');
  return a;
}

function statementSignature(s: TS.Statement, sf: TS.SourceFile): string {
  if (ts.isExpressionStatement(s)) {
    const e = s.expression;
    if (ts.isBinaryExpression(e) && e.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && e.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      return `assign:${compact(e.left.getText(sf))}`;
    }
    if (ts.isCallExpression(e)) return `call:${compact(e.expression.getText(sf))}`;
    return 'expr';
  }
  return STATEMENT_WORDS()[s.kind] ?? ts.SyntaxKind[s.kind];
}

function describeStatement(sig: string): string {
  if (sig.startsWith('assign:')) return `assignment to \`${sig.slice(7)}\``;
  if (sig.startsWith('call:')) return `call to \`${sig.slice(5)}\``;
  return `\`${sig}\` statement`;
}
