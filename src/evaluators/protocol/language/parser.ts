// Parser for `.rbp` protocol files. Statements are lines; a rule's actions may continue on the
// following indented lines. Every error carries a 1-based line and column. The grammar is
// documented in examples/protocols/README.md.
import type { Action, Expr, FaultModel, MessageDecl, Position, Protocol, Rule, Threshold, Trigger, Trivia } from './ast';
import { lexLine, type LexedLine, type Token } from './lexer';
import { validateProtocol } from './validate';

export interface SyntaxIssue {
  line: number;
  column: number;
  message: string;
}

export class ProtocolSyntaxError extends Error {
  constructor(readonly issues: SyntaxIssue[]) {
    super(issues.map((i) => `${i.line}:${i.column}: ${i.message}`).join('\n'));
    this.name = 'ProtocolSyntaxError';
  }

  get first(): SyntaxIssue {
    return this.issues[0] as SyntaxIssue;
  }
}

export type ParseResult = { ok: true; protocol: Protocol } | { ok: false; issues: SyntaxIssue[] };

const KEYWORDS = new Set(['protocol', 'fault', 'resilience', 'message', 'messages', 'on']);
const ACTION_WORDS = new Set(['send', 'deliver', 'stop']);

class Fail extends Error {
  constructor(
    readonly pos: Position,
    message: string,
  ) {
    super(message);
  }
}

const MAX_NESTING = 32;
const MAX_OPERATORS = 256;

/** Cursor over one statement's tokens. */
class Cursor {
  private i = 0;
  private depth = 0;
  private operators = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly end: Position,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  next(): Token {
    const t = this.tokens[this.i];
    if (!t) throw new Fail(this.end, 'unexpected end of line');
    this.i++;
    return t;
  }

  /**
   * Bounds an expression's nesting and length: expressions are parsed, evaluated and printed by
   * recursion, and a pathological one must be an error at its position, not a stack overflow.
   */
  nest<T>(at: Position, inner: () => T): T {
    if (++this.depth > MAX_NESTING) throw new Fail(at, `expression nested too deeply (at most ${MAX_NESTING} levels)`);
    try {
      return inner();
    } finally {
      this.depth--;
    }
  }

  operator(at: Position): void {
    if (++this.operators > MAX_OPERATORS) throw new Fail(at, `expression too long (at most ${MAX_OPERATORS} operators)`);
  }

  /** The token consumed last. */
  previous(): Token | undefined {
    return this.tokens[this.i - 1];
  }

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  /** Position of the next token, or the end of the statement. */
  here(): Position {
    const t = this.peek();
    return t ? { line: t.line, column: t.column } : this.end;
  }

  accept(text: string): Token | undefined {
    const t = this.peek();
    if (t && t.text === text) {
      this.i++;
      return t;
    }
    return undefined;
  }

  expect(text: string, what = `'${text}'`): Token {
    const t = this.peek();
    if (!t || t.text !== text) throw new Fail(this.here(), `expected ${what}${t ? ` but found '${t.text}'` : ''}`);
    this.i++;
    return t;
  }

  word(what: string): Token {
    const t = this.peek();
    if (!t || t.kind !== 'word') throw new Fail(this.here(), `expected ${what}${t ? ` but found '${t.text}'` : ''}`);
    this.i++;
    return t;
  }

  done(): void {
    const t = this.peek();
    if (t) throw new Fail({ line: t.line, column: t.column }, `unexpected '${t.text}'`);
  }
}

const pos = (t: Token): Position => ({ line: t.line, column: t.column });

// ---------- expressions ----------

function parseExpr(c: Cursor): Expr {
  let left = parseTerm(c);
  for (;;) {
    const t = c.peek();
    if (t && (t.text === '+' || t.text === '-')) {
      c.operator(pos(t));
      c.next();
      left = { kind: 'bin', op: t.text, left, right: parseTerm(c) };
    } else return left;
  }
}

const FACTOR_WORDS = new Set(['N', 'n', 'f', 'F', 't', 'floor', 'ceil']);

/** Can this token start the right operand of an implicit multiplication (2f, 3N, 2(N-f))? */
function startsFactor(t: Token | undefined): boolean {
  return !!t && ((t.kind === 'word' && FACTOR_WORDS.has(t.text)) || t.text === '(');
}

/** A word written right after a number (2g) is meant as a factor, even if it is not a known name. */
function glued(prev: Token | undefined, t: Token | undefined): boolean {
  return !!prev && !!t && prev.kind === 'num' && t.kind === 'word' && t.line === prev.line && t.column === prev.column + prev.text.length;
}

function parseTerm(c: Cursor): Expr {
  let left = parseUnary(c);
  for (;;) {
    const t = c.peek();
    if (t && (t.text === '*' || t.text === '/')) {
      c.operator(pos(t));
      c.next();
      left = { kind: 'bin', op: t.text, left, right: parseUnary(c) };
    } else if (t && left.kind === 'num' && (startsFactor(t) || glued(c.previous(), t))) {
      c.operator(pos(t));
      // Implicit multiplication as the papers write it: 2f, 3N, 2(N-f).
      left = { kind: 'bin', op: '*', left, right: parseUnary(c) };
    } else return left;
  }
}

function parseUnary(c: Cursor): Expr {
  const t = c.peek();
  if (t?.text === '-') {
    c.next();
    return c.nest(pos(t), () => ({ kind: 'neg', arg: parseUnary(c) }));
  }
  return parseFactor(c);
}

function parseFactor(c: Cursor): Expr {
  const at = c.here();
  const t = c.peek();
  if (!t) throw new Fail(at, 'expected a threshold expression in N and f');
  if (t.kind === 'num') {
    c.next();
    return { kind: 'num', value: Number(t.text) };
  }
  if (t.text === '(') {
    c.next();
    return c.nest(at, () => {
      const e = parseExpr(c);
      c.expect(')', "')'");
      return e;
    });
  }
  if (t.kind === 'word') {
    c.next();
    if (t.text === 'N' || t.text === 'n') return { kind: 'var', name: 'N' };
    if (t.text === 'f' || t.text === 'F' || t.text === 't') return { kind: 'var', name: 'f' };
    if (t.text === 'floor' || t.text === 'ceil') {
      c.expect('(', `'(' after ${t.text}`);
      return c.nest(at, () => {
        const arg = parseExpr(c);
        c.expect(')', "')'");
        return { kind: 'call', fn: t.text as 'floor' | 'ceil', arg };
      });
    }
    throw new Fail(at, `unknown name '${t.text}' in a threshold (use N, f, numbers, + - * /, floor(), ceil())`);
  }
  throw new Fail(at, `expected a threshold expression in N and f but found '${t.text}'`);
}

// ---------- statements ----------

interface Statement {
  tokens: Token[];
  /** Where each physical line of the statement ends, for 'unexpected end' errors. */
  end: Position;
  first: LexedLine;
  trivia: Trivia;
}

function parseTrigger(c: Cursor): Trigger {
  const at = c.here();
  const head = c.word("'broadcast' or a message type");
  if (head.text === 'broadcast') return { kind: 'broadcast' };
  if (!c.accept('from')) {
    const t = c.peek();
    throw new Fail(c.here(), `expected 'from' after the message type ${head.text}${t ? ` but found '${t.text}'` : ''} (rules read "on TYPE from K:" or "on TYPE from sender:")`);
  }
  if (c.accept('sender')) return { kind: 'sender', type: head.text };
  let op: Threshold['op'] = '>=';
  if (c.accept('>=')) op = '>=';
  else if (c.accept('>')) op = '>';
  const expr = parseExpr(c);
  void at;
  return { kind: 'quorum', type: head.text, threshold: { op, expr } };
}

function parseActions(c: Cursor, actions: Action[], actionPos: Position[]): void {
  for (;;) {
    const at = c.here();
    const t = c.word("an action ('send TYPE', 'deliver' or 'stop')");
    if (t.text === 'send') {
      const type = c.word('a message type after send');
      actions.push({ kind: 'send', type: type.text });
    } else if (t.text === 'deliver') actions.push({ kind: 'deliver' });
    else if (t.text === 'stop') actions.push({ kind: 'stop' });
    else throw new Fail(at, `unknown action '${t.text}' (actions are 'send TYPE', 'deliver' and 'stop')`);
    actionPos.push(at);
    if (c.atEnd()) return;
    if (!c.accept(',') && !c.accept(';')) {
      const n = c.peek() as Token;
      if (!ACTION_WORDS.has(n.text)) throw new Fail(pos(n), `expected ',' between actions but found '${n.text}'`);
    }
    if (c.atEnd()) return;
  }
}

function groupStatements(text: string, issues: SyntaxIssue[]): { statements: Statement[]; trailing: string[] } {
  const statements: Statement[] = [];
  let pending: string[] = [];
  const lines = text.split('\n');
  let current: Statement | undefined;
  for (let i = 0; i < lines.length; i++) {
    const lexed = lexLine(lines[i] as string, i + 1);
    if (lexed.error) {
      issues.push({ line: i + 1, column: lexed.error.column, message: lexed.error.message });
      continue;
    }
    if (lexed.tokens.length === 0) {
      if (lexed.comment !== undefined) pending.push(lexed.comment);
      else if (pending.length === 0 || pending[pending.length - 1] !== '') pending.push('');
      current = undefined;
      continue;
    }
    const first = lexed.tokens[0] as Token;
    const lastTok = lexed.tokens[lexed.tokens.length - 1] as Token;
    const end = { line: i + 1, column: lastTok.column + lastTok.text.length };
    if (!KEYWORDS.has(first.text)) {
      // Continuation of a rule's actions on an indented line.
      const prev = statements[statements.length - 1];
      if (current && prev === current && current.tokens[0]?.text === 'on' && ACTION_WORDS.has(first.text) && lexed.indent > current.first.indent) {
        const last = current.tokens[current.tokens.length - 1] as Token;
        if (last.text !== ':' && last.text !== ',' && last.text !== ';') current.tokens.push({ kind: 'op', text: ',', line: first.line, column: first.column });
        current.tokens.push(...lexed.tokens);
        current.end = end;
        if (lexed.comment && !current.trivia.trailing) current.trivia.trailing = lexed.comment;
        continue;
      }
      const hint = ACTION_WORDS.has(first.text) ? ' (an action belongs after a rule\'s colon, or on an indented line below it)' : '';
      issues.push({ line: first.line, column: first.column, message: `expected a statement (protocol, fault, resilience, message, on) but found '${first.text}'${hint}` });
      current = undefined;
      continue;
    }
    // A blank line before a statement (or its comments) is kept, so `format` keeps the file's layout.
    current = { tokens: [...lexed.tokens], end, first: lexed, trivia: { leading: pending, ...(lexed.comment !== undefined ? { trailing: lexed.comment } : {}) } };
    pending = [];
    statements.push(current);
  }
  while (pending.length && pending[pending.length - 1] === '') pending.pop();
  return { statements, trailing: pending };
}

const FAULTS: FaultModel[] = ['none', 'crash', 'byzantine'];

/** Parses and validates a protocol file. Never throws for bad input. */
export function parseProtocol(text: string): ParseResult {
  const issues: SyntaxIssue[] = [];
  const { statements, trailing } = groupStatements(text, issues);
  let name: { value: string; pos: Position } | undefined;
  let fault: { value: FaultModel; pos: Position } | undefined;
  let resilience: { value: number; pos: Position } | undefined;
  const headerTrivia: Protocol['headerTrivia'] = { protocol: { leading: [] }, fault: { leading: [] } };
  const messages: MessageDecl[] = [];
  const rules: Rule[] = [];
  const order: NonNullable<Protocol['order']> = [];

  const seen = new Set<string>();
  for (const st of statements) {
    const c = new Cursor(st.tokens, st.end);
    const kw = c.next();
    seen.add(kw.text);
    try {
      switch (kw.text) {
        case 'protocol': {
          const n = c.word('a protocol name');
          c.done();
          if (name) throw new Fail(pos(kw), `second 'protocol' line (the first is at line ${name.pos.line})`);
          name = { value: n.text, pos: pos(kw) };
          headerTrivia.protocol = st.trivia;
          order.push({ kind: 'protocol' });
          break;
        }
        case 'fault': {
          const at = c.here();
          const f = c.word('a fault model (none, crash or byzantine)');
          c.done();
          if (!FAULTS.includes(f.text as FaultModel)) throw new Fail(at, `unknown fault model '${f.text}' (use none, crash or byzantine)`);
          if (fault) throw new Fail(pos(kw), `second 'fault' line (the first is at line ${fault.pos.line})`);
          fault = { value: f.text as FaultModel, pos: pos(kw) };
          headerTrivia.fault = st.trivia;
          order.push({ kind: 'fault' });
          break;
        }
        case 'resilience': {
          c.expect('N', "'N' (resilience is written N > k f, e.g. N > 3f)");
          c.expect('>', "'>' (resilience is written N > k f, e.g. N > 3f)");
          const at = c.here();
          const e = parseExpr(c);
          c.done();
          const k = e.kind === 'var' && e.name === 'f' ? 1 : e.kind === 'bin' && e.op === '*' && e.left.kind === 'num' && e.right.kind === 'var' && e.right.name === 'f' ? e.left.value : 0;
          if (k < 1) throw new Fail(at, 'resilience must read N > k f with a positive integer k, e.g. N > 5f');
          if (resilience) throw new Fail(pos(kw), `second 'resilience' line (the first is at line ${resilience.pos.line})`);
          resilience = { value: k, pos: pos(kw) };
          headerTrivia.resilience = st.trivia;
          order.push({ kind: 'resilience' });
          break;
        }
        case 'message':
        case 'messages': {
          const names: Token[] = [c.word('a message type name')];
          while (c.accept(',')) names.push(c.word('a message type name after ,'));
          let perValue = false;
          if (c.accept('per')) {
            c.expect('value', "'value' (write 'per value')");
            perValue = true;
          }
          c.done();
          names.forEach((n, i) => {
            messages.push({ name: n.text, perValue, pos: pos(n), trivia: i === 0 ? st.trivia : { leading: [] } });
            order.push({ kind: 'message', index: messages.length - 1 });
          });
          break;
        }
        case 'on': {
          const triggerPos = c.here();
          const trigger = parseTrigger(c);
          c.expect(':', "':' after the trigger");
          const actions: Action[] = [];
          const actionPos: Position[] = [];
          if (c.atEnd()) throw new Fail(c.here(), 'a rule needs at least one action after the colon (send TYPE, deliver, stop)');
          parseActions(c, actions, actionPos);
          rules.push({ trigger, actions, actionPos, pos: pos(kw), ...(trigger.kind !== 'broadcast' ? { triggerPos } : {}), trivia: st.trivia });
          order.push({ kind: 'rule', index: rules.length - 1 });
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof Fail)) throw err;
      issues.push({ line: err.pos.line, column: err.pos.column, message: err.message });
    }
  }
  if (!name && !seen.has('protocol')) issues.push({ line: 1, column: 1, message: "missing 'protocol NAME' line" });
  if (!fault && !seen.has('fault')) issues.push({ line: 1, column: 1, message: "missing 'fault none|crash|byzantine' line" });
  if (issues.length || !name || !fault) return { ok: false, issues: sortIssues(issues) };

  const protocol: Protocol = {
    name: name.value,
    fault: fault.value,
    ...(resilience ? { resilience: resilience.value } : {}),
    messages,
    rules,
    headerTrivia,
    trailingComments: trailing,
    order,
  };
  const semantic = validateProtocol(protocol, resilience?.pos);
  if (semantic.length) return { ok: false, issues: sortIssues(semantic) };
  return { ok: true, protocol };
}

function sortIssues(issues: SyntaxIssue[]): SyntaxIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Parses or throws a ProtocolSyntaxError listing every issue as line:column: message. */
export function parseProtocolOrThrow(text: string): Protocol {
  const r = parseProtocol(text);
  if (!r.ok) throw new ProtocolSyntaxError(r.issues);
  return r.protocol;
}
