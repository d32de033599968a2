// Code identity for deduplication: a hash that ignores whitespace and comments, so a candidate
// that differs from a known one only in layout is recognised and never evaluated again.
import { createHash } from 'node:crypto';
import type * as TS from 'typescript';
import { ts } from './typescript-lazy';
import { hasBlockComments, isJsLike, languageOf, lineCommentPrefixes } from './language';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

let scanner: TS.Scanner | undefined;

/** JS/TS tokens joined by single spaces; the TypeScript scanner knows strings, templates and regexes. */
function normalizeJs(code: string, language: string): string {
  scanner ??= ts.createScanner(ts.ScriptTarget.Latest, true);
  scanner.setLanguageVariant(language === 'typescript' ? ts.LanguageVariant.Standard : ts.LanguageVariant.JSX);
  scanner.setText(code);
  const parts: string[] = [];
  let previous: TS.SyntaxKind = ts.SyntaxKind.Unknown;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    // A `/` after an operand-less position starts a regex; rescanning gives the whole literal.
    if ((token === ts.SyntaxKind.SlashToken || token === ts.SyntaxKind.SlashEqualsToken) && !endsOperand(previous)) {
      token = scanner.reScanSlashToken();
    }
    parts.push(scanner.getTokenText());
    previous = token;
  }
  return parts.join(' ');
}

function endsOperand(kind: TS.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.Identifier ||
    kind === ts.SyntaxKind.NumericLiteral ||
    kind === ts.SyntaxKind.StringLiteral ||
    kind === ts.SyntaxKind.CloseParenToken ||
    kind === ts.SyntaxKind.CloseBracketToken ||
    kind === ts.SyntaxKind.CloseBraceToken ||
    kind === ts.SyntaxKind.ThisKeyword ||
    kind === ts.SyntaxKind.TrueKeyword ||
    kind === ts.SyntaxKind.FalseKeyword ||
    kind === ts.SyntaxKind.NullKeyword
  );
}

/** Drops line comments outside quotes and collapses whitespace; good enough for hashing. */
function normalizeGeneric(code: string, language: string): string {
  const prefixes = lineCommentPrefixes(language);
  const blockComments = hasBlockComments(language);
  let out = '';
  let quote = '';
  for (let i = 0; i < code.length; i++) {
    const ch = code[i] as string;
    if (quote) {
      out += ch;
      if (ch === '\\') out += code[++i] ?? '';
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      out += ch;
      continue;
    }
    if (blockComments && ch === '/' && code[i + 1] === '*') {
      const close = code.indexOf('*/', i + 2);
      i = close < 0 ? code.length : close + 1;
      out += ' ';
      continue;
    }
    if (prefixes.some((p) => code.startsWith(p, i))) {
      const nl = code.indexOf('\n', i);
      i = nl < 0 ? code.length : nl - 1;
      continue;
    }
    out += ch;
  }
  return out.replace(/\s+/g, ' ').trim();
}

export function normalizeCode(code: string, fileName: string): string {
  const language = languageOf(fileName);
  return isJsLike(language) ? normalizeJs(code, language) : normalizeGeneric(code, language);
}

/** Hash of the normalised code: equal for candidates that differ only in whitespace and comments. */
export function codeHash(code: string, fileName: string): string {
  return sha256(normalizeCode(code, fileName));
}
