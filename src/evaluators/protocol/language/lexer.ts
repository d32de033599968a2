// Tokens of one source line. The language is line-oriented, so the lexer works a line at a time
// and reports 1-based columns.

export type TokenKind = 'word' | 'num' | 'op';

export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
}

export interface LexedLine {
  line: number;
  /** Column of the first non-blank character (1-based); 0 for blank or comment-only lines. */
  indent: number;
  tokens: Token[];
  /** The `#` comment at the end of the line, if any. */
  comment?: string;
  /** Set when the line holds a character the language does not use. */
  error?: { column: number; message: string };
}

const OPS = ['>=', '>', '+', '-', '*', '/', '(', ')', ',', ':', ';'];

export function lexLine(text: string, line: number): LexedLine {
  const tokens: Token[] = [];
  let i = 0;
  let comment: string | undefined;
  let error: LexedLine['error'];
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      comment = text.slice(i).replace(/\s+$/, '');
      break;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i] as string)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), line, column: start + 1 });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9]/.test(text[i] as string)) i++;
      tokens.push({ kind: 'num', text: text.slice(start, i), line, column: start + 1 });
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, line, column: start + 1 });
      i += op.length;
      continue;
    }
    const hint = c === '<' || c === '=' ? ' (thresholds are written "from K" for at least K, or "from > K")' : '';
    error = { column: start + 1, message: `unexpected character '${c}'${hint}` };
    break;
  }
  const first = tokens[0];
  return { line, indent: first ? first.column : 0, tokens, ...(comment !== undefined ? { comment } : {}), ...(error ? { error } : {}) };
}
