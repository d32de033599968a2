// Export of a rule table as a threshold automaton in ByMC's `.ta` format (also read by TACO), so
// a person can seek a proof for all N rather than the sizes Spin can search. One value is
// modelled (the sender's): a location records whether the process got the sender's message,
// which types it has sent, whether it delivered and whether it stopped; a shared counter per type
// counts the correct processes that sent it. Faulty processes add up to F messages of any type to
// every threshold (Byzantine) or may crash in any location (crash).
//
// The output keeps to what ByMC's parser and its specification checker accept (konnov/bymc,
// ta.mly and schemaCheckerLtl.ml): every comparison has one shared counter (times a positive
// constant) on the left and only parameters and constants on the right, so "ECHO count plus the
// F faulty ones" becomes `nsnt0 >= 2 * T + 1 - F`; specifications compare single location
// counters with 0 and never negate a guard (`!(1)` is not in the grammar); `stop` moves a process
// to a location it never leaves, so a stopped process cannot deliver later. Thresholds must be
// linear in N and f, possibly under one floor or ceil.
import { resilienceOf, type Expr, type Protocol, type Threshold } from './language/ast';
import { evalExpr, printThreshold } from './language/expr';

export class TaExportError extends Error {}

/** a*N + b*T + c*F + d, with integer coefficients. */
interface Lin {
  n: number;
  t: number;
  f: number;
  c: number;
}

const ZERO: Lin = { n: 0, t: 0, f: 0, c: 0 };
const scale = (l: Lin, k: number): Lin => ({ n: l.n * k, t: l.t * k, f: l.f * k, c: l.c * k });
const plus = (a: Lin, b: Lin): Lin => ({ n: a.n + b.n, t: a.t + b.t, f: a.f + b.f, c: a.c + b.c });

/** A rational linear expression: lin / den, den > 0. */
interface RatLin {
  lin: Lin;
  den: number;
}

function linear(e: Expr): RatLin | undefined {
  switch (e.kind) {
    case 'num':
      return { lin: { ...ZERO, c: e.value }, den: 1 };
    case 'var':
      return { lin: e.name === 'N' ? { ...ZERO, n: 1 } : { ...ZERO, t: 1 }, den: 1 };
    case 'neg': {
      const a = linear(e.arg);
      return a && { lin: scale(a.lin, -1), den: a.den };
    }
    case 'call':
      return undefined;
    case 'bin': {
      const a = linear(e.left);
      const b = linear(e.right);
      if (!a || !b) return undefined;
      if (e.op === '+' || e.op === '-') return { lin: plus(scale(a.lin, b.den), scale(b.lin, (e.op === '+' ? 1 : -1) * a.den)), den: a.den * b.den };
      const constant = (x: RatLin): number | undefined => (x.lin.n === 0 && x.lin.t === 0 && x.lin.f === 0 ? x.lin.c / x.den : undefined);
      if (e.op === '*') {
        const ka = constant(a);
        const kb = constant(b);
        if (ka !== undefined && Number.isInteger(ka)) return { lin: scale(b.lin, ka), den: b.den };
        if (kb !== undefined && Number.isInteger(kb)) return { lin: scale(a.lin, kb), den: a.den };
        return undefined;
      }
      const kb = constant(b);
      if (kb === undefined || !Number.isInteger(kb) || kb === 0) return undefined;
      return kb > 0 ? { lin: a.lin, den: a.den * kb } : { lin: scale(a.lin, -1), den: a.den * -kb };
    }
  }
}

function linText(l: Lin): string {
  const parts: string[] = [];
  const term = (k: number, v: string): void => {
    if (k === 0) return;
    const abs = Math.abs(k);
    const body = abs === 1 ? v : `${abs} * ${v}`;
    parts.push(parts.length === 0 ? (k < 0 ? `-${body}` : body) : `${k < 0 ? '-' : '+'} ${body}`);
  };
  term(l.n, 'N');
  term(l.t, 'T');
  if (l.c !== 0 || (l.n === 0 && l.t === 0 && l.f === 0)) {
    if (parts.length === 0) parts.push(String(l.c));
    else parts.push(`${l.c < 0 ? '-' : '+'} ${Math.abs(l.c)}`);
  }
  term(l.f, 'F');
  return parts.join(' ');
}

/** `coef * counter op rhs`: one shared counter on the left, parameters and constants on the right. */
export interface CounterGuard {
  counter: string;
  coef: number;
  op: '>=' | '>';
  rhs: Lin;
}

export function guardText(g: CounterGuard, negate = false): string {
  const op = negate ? (g.op === '>=' ? '<' : '<=') : g.op;
  return `${g.coef === 1 ? g.counter : `${g.coef} * ${g.counter}`} ${op} ${linText(g.rhs)}`;
}

/**
 * "count >= threshold" as guards on the counter alone, where count = counter + `extra` F
 * (the faulty processes' messages). A threshold below 1 still needs one message (the rule
 * language reacts only to values it received), so a second guard keeps it at 1.
 */
export function thresholdGuards(th: Threshold, counter: string, extraF: number, k: number): CounterGuard[] {
  let e = th.expr;
  let offset = 0;
  const topCall = (x: Expr): boolean => x.kind === 'call' || (x.kind === 'bin' && (x.op === '+' || x.op === '-') && x.right.kind === 'num' && topCall(x.left));
  while (e.kind === 'bin' && (e.op === '+' || e.op === '-') && e.right.kind === 'num' && topCall(e.left)) {
    offset += e.op === '+' ? e.right.value : -e.right.value;
    e = e.left;
  }
  const minusF = (den: number): Lin => ({ ...ZERO, f: -extraF * den });
  let main: CounterGuard;
  if (e.kind === 'call') {
    const l = linear(e.arg);
    if (!l) throw new TaExportError(`threshold ${printThreshold(th)} is not linear in N and f`);
    if (th.op !== '>=') throw new TaExportError(`threshold ${printThreshold(th)}: write floor/ceil thresholds with >=`);
    // x + eF >= floor(L) + c  <=>  den*x > lin + den*(c - 1) - den*eF;  x + eF >= ceil(L) + c  <=>  den*x >= lin + den*c - den*eF.
    const shift = e.fn === 'floor' ? offset - 1 : offset;
    main = { counter, coef: l.den, op: e.fn === 'floor' ? '>' : '>=', rhs: plus(plus(l.lin, { ...ZERO, c: l.den * shift }), minusF(l.den)) };
  } else {
    const l = linear(th.expr);
    if (!l) throw new TaExportError(`threshold ${printThreshold(th)} is not linear in N and f`);
    main = { counter, coef: l.den, op: th.op, rhs: plus(l.lin, minusF(l.den)) };
  }
  return mayDropBelowOne(th, k) ? [main, { counter, coef: 1, op: '>=', rhs: { ...ZERO, c: 1, f: -extraF } }] : [main];
}

/** Can the threshold ask for fewer than one message for some N > kT, T >= 1? (Sampled: thresholds are linear.) */
function mayDropBelowOne(th: Threshold, k: number): boolean {
  for (let f = 1; f <= 4; f++)
    for (let n = k * f + 1; n <= k * f + 4; n++) {
      const v = evalExpr(th.expr, { N: n, f });
      if (th.op === '>=' ? v.n <= 0 : v.n < 0) return true;
    }
  return false;
}

interface Loc {
  got: boolean;
  sent: number;
  delivered: boolean;
  stopped: boolean;
  crashed?: boolean;
}

interface Edge {
  from: Loc;
  to: Loc;
  /** Conjunction; empty: always enabled (`when (1)`). */
  guards: CounterGuard[];
  sends: number;
  rule: string;
}

export function exportThresholdAutomaton(p: Protocol): string {
  if (p.fault === 'none') throw new TaExportError("a threshold automaton needs faults: declare 'fault crash' or 'fault byzantine'");
  const types = p.messages.map((m) => m.name);
  const first = p.rules.find((r) => r.trigger.kind === 'broadcast');
  const senderTypes = new Set(p.rules.flatMap((r) => (r.trigger.kind === 'sender' ? [r.trigger.type] : [])));
  const broadcastSends = first ? first.actions.flatMap((a) => (a.kind === 'send' ? [a.type] : [])) : [];
  if (broadcastSends.some((t) => !senderTypes.has(t)))
    throw new TaExportError(`the sender's message ${broadcastSends.find((t) => !senderTypes.has(t))} is counted like the others; the export models the sender's value as an initial location, so read it 'from sender'`);
  const quorumTypes = types.filter((t) => !senderTypes.has(t));
  const idx = new Map(quorumTypes.map((t, i) => [t, i]));
  const byz = p.fault === 'byzantine';
  const rules = p.rules.filter((r) => r.trigger.kind !== 'broadcast');
  if (!rules.some((r) => r.actions.some((a) => a.kind === 'deliver'))) throw new TaExportError('the protocol never delivers, so there is nothing to prove');
  const sendsOf = (r: (typeof rules)[number]): number => r.actions.reduce((m, a) => (a.kind === 'send' && idx.has(a.type) ? m | (1 << (idx.get(a.type) as number)) : m), 0);
  const name = (l: Loc): string => (l.crashed ? 'locCR' : `loc${l.got ? 'V1' : 'V0'}_s${l.sent}${l.delivered ? '_dlv' : ''}${l.stopped ? '_stop' : ''}`);
  const guardsCache = new Map<(typeof rules)[number], CounterGuard[]>();
  const guardsOf = (r: (typeof rules)[number]): CounterGuard[] => {
    let g = guardsCache.get(r);
    if (!g) {
      const t = r.trigger;
      g = t.kind === 'quorum' ? thresholdGuards(t.threshold, `nsnt${idx.get(t.type)}`, byz ? 1 : 0, resilienceOf(p)) : [];
      guardsCache.set(r, g);
    }
    return g;
  };

  // Explore the reachable locations from the two initial ones.
  const locs = new Map<string, Loc>();
  const edges: Edge[] = [];
  const queue: Loc[] = [
    { got: false, sent: 0, delivered: false, stopped: false },
    { got: true, sent: 0, delivered: false, stopped: false },
  ];
  while (queue.length) {
    const l = queue.shift() as Loc;
    if (locs.has(name(l))) continue;
    locs.set(name(l), l);
    // A stopped process takes no further steps. (The harness still fires, in the step that
    // stops, rules its own new message enables; the automaton may reorder the other rules before
    // the stopping one, but not those, which can only make it deliver less, never more.)
    if (l.stopped) continue;
    for (const r of rules) {
      const t = r.trigger;
      if (t.kind === 'sender' && !l.got) continue;
      if (t.kind !== 'sender' && t.kind !== 'quorum') continue;
      const sends = sendsOf(r) & ~l.sent;
      const dl = r.actions.some((a) => a.kind === 'deliver') && !l.delivered;
      const stop = r.actions.some((a) => a.kind === 'stop');
      if (!sends && !dl && !stop) continue;
      const to: Loc = { got: l.got, sent: l.sent | sends, delivered: l.delivered || dl, stopped: stop };
      edges.push({ from: l, to, guards: guardsOf(r), sends, rule: t.kind === 'sender' ? `${t.type} from sender` : `${t.type} from ${printThreshold(t.threshold)}` });
      queue.push(to);
    }
  }
  const all = [...locs.values()];
  const crashLoc: Loc = { got: false, sent: 0, delivered: false, stopped: false, crashed: true };
  const shared = [...quorumTypes.map((_, i) => `nsnt${i}`), ...(byz ? [] : ['nfaulty'])];
  if (!shared.length) shared.push('nsntNone');
  const keep = (changed: string[]): string => shared.filter((v) => !changed.includes(v)).map((v) => `${v}' == ${v};`).join(' ');
  const out: string[] = [];
  const k = resilienceOf(p);
  out.push(`/* ${p.name}: threshold automaton exported by policy-evolver from the rule table.`);
  out.push(` * Locations: V1 = got the sender's value, s<bits> = types sent (${quorumTypes.map((t, i) => `bit ${i} ${t}`).join(', ') || 'none'}), dlv = delivered, stop = stopped.`);
  out.push(` * nsnt<i> counts correct processes that sent type i; ${byz ? 'the F faulty processes may add one message of every type to every count' : 'crashed processes stop in locCR; messages they sent stay counted'}.`);
  out.push(` * Thresholds use T for the f of the rule table; our semantics also count a process's own message. */`);
  out.push('', 'skel Proc {', '  local pc;', `  shared ${shared.join(', ')};`, '  parameters N, T, F;', '');
  out.push('  assumptions (3) {', `    N > ${k} * T;`, '    T >= F;', '    T >= 1;', '  }', '');
  const locList = byz ? all : [...all, crashLoc];
  out.push(`  locations (${locList.length}) {`);
  locList.forEach((l, i) => out.push(`    ${name(l)}: [${i}];`));
  out.push('  }', '');
  const v0 = name({ got: false, sent: 0, delivered: false, stopped: false });
  const v1 = name({ got: true, sent: 0, delivered: false, stopped: false });
  const inits = [`(${v0} + ${v1}) == ${byz ? 'N - F' : 'N'};`, ...locList.filter((l) => name(l) !== v0 && name(l) !== v1).map((l) => `${name(l)} == 0;`), ...shared.map((v) => `${v} == 0;`)];
  out.push(`  inits (${inits.length}) {`, ...inits.map((x) => `    ${x}`), '  }', '');
  const ruleLines: string[] = [];
  let n = 0;
  const when = (gs: CounterGuard[]): string => (gs.length ? `when (${gs.map((g) => guardText(g)).join(' && ')})` : 'when (1)');
  for (const e of edges) {
    const inc = shared.filter((_, i) => i < quorumTypes.length && (e.sends >> i) & 1);
    ruleLines.push(`  ${n++}: ${name(e.from)} -> ${name(e.to)}`, `      ${when(e.guards)}`, `      do { ${[...inc.map((v) => `${v}' == ${v} + 1;`), keep(inc)].filter(Boolean).join(' ')} };  /* ${e.rule} */`);
  }
  if (!byz) for (const l of all) ruleLines.push(`  ${n++}: ${name(l)} -> locCR`, '      when (nfaulty < F)', `      do { ${["nfaulty' == nfaulty + 1;", keep(['nfaulty'])].filter(Boolean).join(' ')} };`);
  for (const l of locList) ruleLines.push(`  ${n++}: ${name(l)} -> ${name(l)}`, '      when (1)', `      do { ${keep([])} };`);
  out.push(`  rules (${n}) {`, ...ruleLines, '  }', '');

  // Specifications: location counters compared with 0 only, guards never negated with `!`.
  const allZero = (xs: string[]): string => (xs.length === 1 ? `${xs[0]} == 0` : `(${xs.map((x) => `${x} == 0`).join(' && ')})`);
  const someNonZero = (xs: string[]): string => (xs.length === 1 ? `${xs[0]} != 0` : `(${xs.map((x) => `${x} != 0`).join(' || ')})`);
  // Justice: no rule stays enabled forever in a location that still holds processes. Rules that
  // are always enabled come first, as ByMC's checker merges location tests before counter tests.
  const justiceTerms = [
    ...edges.filter((e) => e.guards.length === 0).map((e) => `${name(e.from)} == 0`),
    ...edges.filter((e) => e.guards.length > 0).map((e) => `(${name(e.from)} == 0 || ${e.guards.map((g) => guardText(g, true)).join(' || ')})`),
  ];
  const fair = `<>[](${[...new Set(justiceTerms)].join(' && ')})`;
  const dlvLocs = all.filter((l) => l.delivered).map(name);
  const notDlv = all.filter((l) => !l.delivered).map(name);
  out.push('  specifications (3) {');
  out.push(`    unforg: (${v1} == 0) -> [](${allZero(dlvLocs)});`);
  out.push(`    corr: ${fair} -> ((${v0} == 0) -> <>(${allZero(notDlv)}));`);
  out.push(`    relay: ${fair} -> []((${someNonZero(dlvLocs)}) -> <>(${allZero(notDlv)}));`);
  out.push('  }', '} /* Proc */', '');
  return out.join('\n');
}
