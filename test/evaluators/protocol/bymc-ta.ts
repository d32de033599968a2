// A checker of ByMC's threshold-automaton language, written for the tests from ByMC's published
// grammar (konnov/bymc: bymc/src/talex.mll and bymc/src/ta.mly) and the input its specification
// checker accepts (bymc/src/schemaCheckerLtl.ml: extract_utl and is_legal_lhs). It accepts what
// that grammar accepts and adds the checker's restrictions on comparisons:
//  - in rule guards and specifications, a counter comparison has one shared variable (times a
//    non-negative constant) on the left and only parameters and constants on the right;
//  - a location variable is only compared with 0 (`loc == 0`, `loc != 0`), never summed;
//  - `when (1)` is the only place a bare constant may stand for a condition (no `!(1)`).
// Semantic checks: every location lists one integer per local variable, names are declared.

type Tok =
  | { k: 'int'; v: number; at: number }
  | { k: 'name'; v: string; at: number }
  | { k: 'macro'; v: string; at: number }
  | { k: 'kw'; v: string; at: number }
  | { k: 'sym'; v: string; at: number }
  | { k: 'eof'; at: number };

const KEYWORDS = new Set(['true', 'skel', 'threshAuto', 'thresholdAutomaton', 'assumptions', 'specifications', 'do', 'inits', 'local', 'locations', 'parameters', 'unknowns', 'rules', 'shared', 'when', 'unchanged', 'define']);
// Longest symbols first, as ocamllex takes the longest match.
const SYMBOLS = ['<>', '[]', '&&', '||', '->', '!=', '==', '<=', '>=', '!', '+', '-', '*', '<', '>', ',', '(', ')', '[', ']', '{', '}', ':', ';', "'"];

export class TaSyntaxError extends Error {}

function lex(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new TaSyntaxError('unterminated comment');
      i = end + 2;
      continue;
    }
    const sym = SYMBOLS.find((s) => text.startsWith(s, i));
    if (sym) {
      out.push({ k: 'sym', v: sym, at: i });
      i += sym.length;
      continue;
    }
    const num = /^[0-9]+/.exec(text.slice(i));
    if (num) {
      out.push({ k: 'int', v: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    // NAME: one capital letter, or anything with a small letter; MACRO: capitals, digits, _ (2+ chars).
    const word = /^[_A-Za-z][_A-Za-z0-9]*/.exec(text.slice(i));
    if (word) {
      const w = word[0];
      if (KEYWORDS.has(w)) out.push({ k: 'kw', v: w, at: i });
      else if (/[a-z]/.test(w) || /^[A-Z]$/.test(w)) out.push({ k: 'name', v: w, at: i });
      else out.push({ k: 'macro', v: w, at: i });
      i += w.length;
      continue;
    }
    throw new TaSyntaxError(`Unrecognized char: ${c} at offset ${i}`);
  }
  out.push({ k: 'eof', at: text.length });
  return out;
}

type Arith = { k: 'int'; v: number } | { k: 'var'; v: string } | { k: 'next'; v: string } | { k: 'bin'; op: '+' | '-' | '*'; l: Arith; r: Arith } | { k: 'neg'; a: Arith };
interface Cmp {
  op: string;
  l: Arith;
  r: Arith;
}

export interface TaSummary {
  name: string;
  locals: string[];
  shared: string[];
  parameters: string[];
  locations: string[];
  rules: { from: string; to: string }[];
  specifications: string[];
}

class Parser {
  private i = 0;
  private readonly locals: string[] = [];
  private readonly shared: string[] = [];
  private readonly params: string[] = [];
  private readonly locs = new Map<string, number[]>();

  constructor(private readonly toks: Tok[], private readonly text: string) {}

  private peek(o = 0): Tok {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)] as Tok;
  }

  private fail(what: string): never {
    const t = this.peek();
    const line = this.text.slice(0, t.at).split('\n').length;
    throw new TaSyntaxError(`line ${line}: expected ${what}, found ${t.k === 'eof' ? 'end of input' : `'${'v' in t ? t.v : ''}'`}`);
  }

  private is(k: Tok['k'], v?: string | number): boolean {
    const t = this.peek();
    return t.k === k && (v === undefined || ('v' in t && t.v === v));
  }

  private eat(k: Tok['k'], v?: string | number): Tok {
    if (!this.is(k, v)) this.fail(v !== undefined ? `'${v}'` : k);
    return this.toks[this.i++] as Tok;
  }

  private name(): string {
    return (this.eat('name') as { v: string }).v;
  }

  private names(): string[] {
    const out = [this.name()];
    while (this.is('sym', ',')) {
      this.i++;
      out.push(this.name());
    }
    return out;
  }

  parse(): TaSummary {
    if (this.is('kw', 'skel') || this.is('kw', 'thresholdAutomaton') || this.is('kw', 'threshAuto')) this.i++;
    const name = this.name();
    this.eat('sym', '{');
    for (;;) {
      if (this.is('kw', 'local')) (this.i++, this.locals.push(...this.names()));
      else if (this.is('kw', 'shared')) (this.i++, this.shared.push(...this.names()));
      else if (this.is('kw', 'parameters')) (this.i++, this.params.push(...this.names()));
      else if (this.is('kw', 'unknowns')) (this.i++, this.names());
      else break;
      this.eat('sym', ';');
    }
    if (this.is('kw', 'define')) this.fail('no macros (this checker does not expand them)');
    this.section('assumptions', () => {
      this.boolExpr('assumption');
      this.eat('sym', ';');
    });
    this.section('locations', () => {
      const n = this.name();
      this.eat('sym', ':');
      this.eat('sym', '[');
      const ints = [(this.eat('int') as { v: number }).v];
      while (this.is('sym', ';') && this.peek(1).k === 'int') {
        this.i++;
        ints.push((this.eat('int') as { v: number }).v);
      }
      if (this.is('sym', ';')) this.i++;
      this.eat('sym', ']');
      this.eat('sym', ';');
      if (ints.length !== this.locals.length) throw new TaSyntaxError(`All locations must contain the list of ${this.locals.length} integer values, found ${ints.length} in ${n}`);
      this.locs.set(n, ints);
    });
    this.section('inits', () => {
      this.relExpr();
      this.eat('sym', ';');
    });
    const rules: { from: string; to: string }[] = [];
    this.section('rules', () => {
      this.eat('int');
      this.eat('sym', ':');
      const from = this.location();
      this.eat('sym', '->');
      const to = this.location();
      this.eat('kw', 'when');
      this.eat('sym', '(');
      // `when (1)` is sugar for true; any other bare constant is an error.
      if (this.is('int') && this.peek(1).k === 'sym' && (this.peek(1) as { v: string }).v === ')') {
        if ((this.peek() as { v: number }).v !== 1) this.fail('when (1)');
        this.i++;
      } else this.boolExpr('guard');
      this.eat('sym', ')');
      this.eat('kw', 'do');
      this.eat('sym', '{');
      while (!this.is('sym', '}')) {
        if (this.is('kw', 'unchanged')) {
          this.i++;
          this.eat('sym', '(');
          for (const v of this.names()) this.sharedVar(v);
          this.eat('sym', ')');
        } else {
          this.sharedVar(this.name());
          this.eat('sym', "'");
          this.eat('sym', '==');
          this.arith();
        }
        this.eat('sym', ';');
      }
      this.eat('sym', '}');
      this.eat('sym', ';');
      rules.push({ from, to });
    });
    const specs: string[] = [];
    this.section('specifications', () => {
      specs.push(this.name());
      this.eat('sym', ':');
      this.ltl();
      this.eat('sym', ';');
    });
    this.eat('sym', '}');
    this.eat('eof');
    return { name, locals: this.locals, shared: this.shared, parameters: this.params, locations: [...this.locs.keys()], rules, specifications: specs };
  }

  private section(keyword: string, item: () => void): void {
    this.eat('kw', keyword);
    this.eat('sym', '(');
    this.eat('int');
    this.eat('sym', ')');
    this.eat('sym', '{');
    while (!this.is('sym', '}')) item();
    this.eat('sym', '}');
  }

  private location(): string {
    const n = this.name();
    if (!this.locs.has(n)) throw new TaSyntaxError(`location ${n} not found`);
    return n;
  }

  private sharedVar(n: string): void {
    if (!this.shared.includes(n)) throw new TaSyntaxError(`${n} is not a shared variable`);
  }

  // arith: + and - (left), * binds tighter, unary minus, parentheses.
  private arith(): Arith {
    let l = this.term();
    while (this.is('sym', '+') || this.is('sym', '-')) {
      const op = (this.eat('sym') as { v: string }).v as '+' | '-';
      l = { k: 'bin', op, l, r: this.term() };
    }
    return l;
  }

  private term(): Arith {
    let l = this.factor();
    while (this.is('sym', '*')) {
      this.i++;
      l = { k: 'bin', op: '*', l, r: this.factor() };
    }
    return l;
  }

  private factor(): Arith {
    if (this.is('sym', '-')) {
      this.i++;
      return { k: 'neg', a: this.factor() };
    }
    if (this.is('int')) return { k: 'int', v: (this.eat('int') as { v: number }).v };
    if (this.is('name')) {
      const v = this.name();
      if (![...this.shared, ...this.params, ...this.locals, ...this.locs.keys()].includes(v)) throw new TaSyntaxError(`Variable ${v} not found`);
      if (this.is('sym', "'")) {
        this.i++;
        return { k: 'next', v };
      }
      return { k: 'var', v };
    }
    if (this.is('sym', '(')) {
      this.i++;
      const e = this.arith();
      this.eat('sym', ')');
      return e;
    }
    return this.fail('an arithmetic expression');
  }

  private cmp(): Cmp {
    const l = this.arith();
    const t = this.peek();
    if (t.k !== 'sym' || !['>', '>=', '<', '<=', '==', '!='].includes(t.v)) this.fail('a comparison');
    this.i++;
    return { op: (t as { v: string }).v, l, r: this.arith() };
  }

  /** A comparison here, or undefined with the position unchanged. */
  private tryCmp(): Cmp | undefined {
    const at = this.i;
    try {
      return this.cmp();
    } catch (err) {
      if (!(err instanceof TaSyntaxError) || /not found|not a shared/.test(err.message)) throw err;
      this.i = at;
      return undefined;
    }
  }

  private relExpr(): void {
    const c = this.tryCmp();
    if (c) return;
    this.eat('sym', '(');
    this.relExpr();
    this.eat('sym', ')');
  }

  /** bool_expr with OR < AND < NOT; `where` says which restrictions apply to comparisons. */
  private boolExpr(where: 'guard' | 'assumption'): void {
    this.boolAnd(where);
    while (this.is('sym', '||')) (this.i++, this.boolAnd(where));
  }

  private boolAnd(where: 'guard' | 'assumption'): void {
    this.boolNot(where);
    while (this.is('sym', '&&')) (this.i++, this.boolNot(where));
  }

  private boolNot(where: 'guard' | 'assumption'): void {
    if (this.is('sym', '!')) {
      this.i++;
      this.boolNot(where);
      return;
    }
    if (this.is('kw', 'true')) {
      this.i++;
      return;
    }
    const c = this.tryCmp();
    if (c) {
      if (where === 'guard') this.counterTest(c, 'guard');
      return;
    }
    this.eat('sym', '(');
    this.boolExpr(where);
    this.eat('sym', ')');
  }

  // ltl: -> (lowest, left) < || < && < prefix ! <> [].
  private ltl(): void {
    this.ltlOr();
    while (this.is('sym', '->')) (this.i++, this.ltlOr());
  }

  private ltlOr(): void {
    this.ltlAnd();
    while (this.is('sym', '||')) (this.i++, this.ltlAnd());
  }

  private ltlAnd(): void {
    this.ltlPrefix();
    while (this.is('sym', '&&')) (this.i++, this.ltlPrefix());
  }

  private ltlPrefix(): void {
    if (this.is('sym', '!') || this.is('sym', '<>') || this.is('sym', '[]')) {
      this.i++;
      this.ltlPrefix();
      return;
    }
    const c = this.tryCmp();
    if (c) {
      this.counterTest(c, 'specification');
      return;
    }
    this.eat('sym', '(');
    this.ltl();
    this.eat('sym', ')');
  }

  /** The specification checker's forms: `loc == 0` / `loc != 0`, or counters on the left and parameters on the right. */
  private counterTest(c: Cmp, where: string): void {
    const text = `${show(c.l)} ${c.op} ${show(c.r)}`;
    if (c.l.k === 'var' && this.locs.has(c.l.v)) {
      if ((c.op === '==' || c.op === '!=') && c.r.k === 'int' && c.r.v === 0) return;
      throw new TaSyntaxError(`${where}: a location counter may only be compared with 0: ${text}`);
    }
    if (!this.singleCounter(c.l)) throw new TaSyntaxError(`${where}: the left-hand side must be one shared counter (times a constant): ${text}`);
    if (!this.onlyParameters(c.r)) throw new TaSyntaxError(`${where}: the right-hand side may use only parameters and constants: ${text}`);
  }

  private singleCounter(e: Arith): boolean {
    if (e.k === 'var') return this.shared.includes(e.v);
    return e.k === 'bin' && e.op === '*' && e.l.k === 'int' && e.l.v >= 0 && e.r.k === 'var' && this.shared.includes(e.r.v);
  }

  private onlyParameters(e: Arith): boolean {
    switch (e.k) {
      case 'int':
        return true;
      case 'var':
        return this.params.includes(e.v);
      case 'next':
        return false;
      case 'neg':
        return this.onlyParameters(e.a);
      case 'bin':
        return this.onlyParameters(e.l) && this.onlyParameters(e.r);
    }
  }
}

function show(e: Arith): string {
  switch (e.k) {
    case 'int':
      return String(e.v);
    case 'var':
      return e.v;
    case 'next':
      return `${e.v}'`;
    case 'neg':
      return `-${show(e.a)}`;
    case 'bin':
      return `(${show(e.l)} ${e.op} ${show(e.r)})`;
  }
}

/** Parses a `.ta` file as ByMC would; throws TaSyntaxError naming the first problem. */
export function checkThresholdAutomaton(text: string): TaSummary {
  return new Parser(lex(text), text).parse();
}
