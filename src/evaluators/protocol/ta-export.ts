// Export of a rule table as a threshold automaton in ByMC's `.ta` format (also read by TACO), so
// a person can seek a proof for all N rather than the sizes Spin can search. One value is
// modelled (the sender's): a location records whether the process got the sender's message,
// which types it has sent and whether it delivered; a shared counter per type counts the
// correct processes that sent it. Faulty processes add up to F messages of any type to every
// threshold (Byzantine) or may crash in any location (crash). Thresholds must be linear in N and
// f, possibly under one floor or ceil; they become integer guards by multiplying out.
import { resilienceOf, type Expr, type Protocol, type Threshold } from './language/ast';
import { printThreshold } from './language/expr';

export class TaExportError extends Error {}

interface Lin {
  n: number;
  t: number;
  c: number;
}

// Rationals as [numerator, denominator] would be exact but the thresholds of interest have
// small denominators; scaled integers keep the output readable.
function linear(e: Expr): { lin: Lin; den: number } | undefined {
  const add = (a: { lin: Lin; den: number }, b: { lin: Lin; den: number }, sign: number): { lin: Lin; den: number } => {
    const den = a.den * b.den;
    return { lin: { n: a.lin.n * b.den + sign * b.lin.n * a.den, t: a.lin.t * b.den + sign * b.lin.t * a.den, c: a.lin.c * b.den + sign * b.lin.c * a.den }, den };
  };
  switch (e.kind) {
    case 'num':
      return { lin: { n: 0, t: 0, c: e.value }, den: 1 };
    case 'var':
      return { lin: e.name === 'N' ? { n: 1, t: 0, c: 0 } : { n: 0, t: 1, c: 0 }, den: 1 };
    case 'neg': {
      const a = linear(e.arg);
      return a && { lin: { n: -a.lin.n, t: -a.lin.t, c: -a.lin.c }, den: a.den };
    }
    case 'call':
      return undefined;
    case 'bin': {
      const a = linear(e.left);
      const b = linear(e.right);
      if (!a || !b) return undefined;
      if (e.op === '+' || e.op === '-') return add(a, b, e.op === '+' ? 1 : -1);
      const constant = (x: { lin: Lin; den: number }): number | undefined => (x.lin.n === 0 && x.lin.t === 0 ? x.lin.c / x.den : undefined);
      if (e.op === '*') {
        const ka = constant(a);
        const kb = constant(b);
        if (ka !== undefined && Number.isInteger(ka)) return { lin: { n: b.lin.n * ka, t: b.lin.t * ka, c: b.lin.c * ka }, den: b.den };
        if (kb !== undefined && Number.isInteger(kb)) return { lin: { n: a.lin.n * kb, t: a.lin.t * kb, c: a.lin.c * kb }, den: a.den };
        return undefined;
      }
      const kb = constant(b);
      if (kb === undefined || !Number.isInteger(kb) || kb === 0) return undefined;
      return { lin: a.lin, den: a.den * kb };
    }
  }
}

function linText(l: Lin): string {
  const parts: string[] = [];
  const term = (k: number, v: string): void => {
    if (k === 0) return;
    const abs = Math.abs(k);
    parts.push(`${k < 0 ? '-' : parts.length ? '+' : ''} ${abs === 1 ? v : `${abs} * ${v}`}`.trim());
  };
  term(l.n, 'N');
  term(l.t, 'T');
  if (l.c !== 0 || parts.length === 0) parts.push(`${l.c < 0 ? '-' : parts.length ? '+' : ''} ${Math.abs(l.c)}`.trim());
  return parts.join(' ').replace(/^\+ /, '');
}

/** The guard "count >= threshold" as a linear integer comparison over `count` (an expression). */
export function thresholdGuard(th: Threshold, count: string): string {
  let e = th.expr;
  let offset = 0;
  // Peel "+ c" / "- c" around a floor or ceil.
  const topCall = (x: Expr): boolean => x.kind === 'call' || (x.kind === 'bin' && (x.op === '+' || x.op === '-') && x.right.kind === 'num' && topCall(x.left));
  while (e.kind === 'bin' && (e.op === '+' || e.op === '-') && e.right.kind === 'num' && topCall(e.left)) {
    offset += e.op === '+' ? e.right.value : -e.right.value;
    e = e.left;
  }
  const scaled = (den: number, x: string): string => (den === 1 ? x : `${den} * (${x})`);
  const shift = (x: string, by: number): string => (by === 0 ? x : `${x} ${by > 0 ? '-' : '+'} ${Math.abs(by)}`);
  if (e.kind === 'call') {
    const l = linear(e.arg);
    if (!l) throw new TaExportError(`threshold ${printThreshold(th)} is not linear in N and f`);
    if (th.op !== '>=') throw new TaExportError(`threshold ${printThreshold(th)}: write floor/ceil thresholds with >=`);
    // x >= floor(L) + c  <=>  x - c + 1 > L;   x >= ceil(L) + c  <=>  x - c >= L.
    if (e.fn === 'floor') return `${scaled(l.den, shift(count, offset - 1))} > ${linText(l.lin)}`;
    return `${scaled(l.den, shift(count, offset))} >= ${linText(l.lin)}`;
  }
  const l = linear(th.expr);
  if (!l) throw new TaExportError(`threshold ${printThreshold(th)} is not linear in N and f`);
  return `${scaled(l.den, count)} ${th.op} ${linText(l.lin)}`;
}

interface Loc {
  got: boolean;
  sent: number;
  delivered: boolean;
  crashed?: boolean;
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
  const delivers = (r: (typeof rules)[number]): boolean => r.actions.some((a) => a.kind === 'deliver');
  const sendsOf = (r: (typeof rules)[number]): number => r.actions.reduce((m, a) => (a.kind === 'send' && idx.has(a.type) ? m | (1 << (idx.get(a.type) as number)) : m), 0);
  const name = (l: Loc): string => (l.crashed ? 'locCR' : `loc${l.got ? 'V1' : 'V0'}_s${l.sent}${l.delivered ? '_dlv' : ''}`);
  const countOf = (t: string): string => (byz ? `nsnt${idx.get(t)} + F` : `nsnt${idx.get(t)}`);

  // Explore the reachable locations from the two initial ones.
  const locs = new Map<string, Loc>();
  const edges: { from: Loc; to: Loc; guard: string; sends: number; rule: string }[] = [];
  const queue: Loc[] = [
    { got: false, sent: 0, delivered: false },
    { got: true, sent: 0, delivered: false },
  ];
  while (queue.length) {
    const l = queue.shift() as Loc;
    if (locs.has(name(l))) continue;
    locs.set(name(l), l);
    for (const r of rules) {
      const t = r.trigger;
      let guard: string;
      if (t.kind === 'sender') {
        if (!l.got) continue;
        guard = '1';
      } else if (t.kind === 'quorum') guard = thresholdGuard(t.threshold, countOf(t.type));
      else continue;
      const sends = sendsOf(r) & ~l.sent;
      const dl = delivers(r) && !l.delivered;
      if (!sends && !dl) continue;
      const to: Loc = { got: l.got, sent: l.sent | sends, delivered: l.delivered || dl };
      edges.push({ from: l, to, guard, sends, rule: r.actions.length ? `${t.kind === 'sender' ? `${t.type} from sender` : `${t.type} from ${printThreshold(t.threshold)}`}` : '' });
      queue.push(to);
    }
  }
  const all = [...locs.values()];
  const crashLoc: Loc = { got: false, sent: 0, delivered: false, crashed: true };
  const shared = quorumTypes.map((_, i) => `nsnt${i}`);
  const unchanged = (except: number): string => shared.filter((_, i) => !((except >> i) & 1)).map((v) => `${v}' == ${v};`).join(' ');
  const out: string[] = [];
  const k = resilienceOf(p);
  out.push(`/* ${p.name}: threshold automaton exported by policy-evolver from the rule table.`);
  out.push(` * Locations: V1 = got the sender's value, s<bits> = types sent (${quorumTypes.map((t, i) => `bit ${i} ${t}`).join(', ') || 'none'}), dlv = delivered.`);
  out.push(` * nsnt<i> counts correct processes that sent type i; ${byz ? 'the F faulty processes may add one message of every type to every count' : 'crashed processes stop in locCR; messages they sent stay counted'}.`);
  out.push(` * Thresholds use T for the f of the rule table; our semantics also count a process's own message. */`);
  out.push('', `skel Proc {`, '  local pc;', `  shared ${[...shared, ...(byz ? [] : ['nfaulty'])].join(', ') || 'dummy'};`, '  parameters N, T, F;', '');
  out.push('  assumptions (0) {', `    N > ${k} * T;`, '    T >= F;', '    T >= 1;', '  }', '');
  const locList = byz ? all : [...all, crashLoc];
  out.push(`  locations (${locList.length}) {`);
  locList.forEach((l, i) => out.push(`    ${name(l)}: [${i}];`));
  out.push('  }', '');
  const v0 = name({ got: false, sent: 0, delivered: false });
  const v1 = name({ got: true, sent: 0, delivered: false });
  out.push('  inits (0) {', `    (${v0} + ${v1}) == ${byz ? 'N - F' : 'N'};`);
  for (const l of locList) if (name(l) !== v0 && name(l) !== v1) out.push(`    ${name(l)} == 0;`);
  for (const v of shared) out.push(`    ${v} == 0;`);
  if (!byz) out.push('    nfaulty == 0;');
  out.push('  }', '');
  const ruleLines: string[] = [];
  let n = 0;
  for (const e of edges) {
    const upd = [...shared.map((v, i) => ((e.sends >> i) & 1 ? `${v}' == ${v} + 1;` : '')).filter(Boolean), unchanged(e.sends), ...(byz ? [] : ["nfaulty' == nfaulty;"])].filter(Boolean).join(' ');
    ruleLines.push(`  ${n++}: ${name(e.from)} -> ${name(e.to)}`, `      when (${e.guard})`, `      do { ${upd} };  /* ${e.rule} */`);
  }
  if (!byz)
    for (const l of all) ruleLines.push(`  ${n++}: ${name(l)} -> locCR`, '      when (nfaulty < F)', `      do { ${unchanged(0)} nfaulty' == nfaulty + 1; };`);
  for (const l of locList) ruleLines.push(`  ${n++}: ${name(l)} -> ${name(l)}`, '      when (1)', `      do { ${unchanged(0)}${byz ? '' : " nfaulty' == nfaulty;"} };`);
  out.push(`  rules (${n}) {`, ...ruleLines, '  }', '');
  // Justice: no rule stays enabled forever in a location that still holds processes.
  const justice = edges.map((e) => `(${name(e.from)} == 0 || !(${e.guard}))`);
  const fair = justice.length ? `<>[](${justice.join(' && ')})` : 'true';
  const dlvLocs = all.filter((l) => l.delivered).map(name);
  const notDlv = all.filter((l) => !l.delivered).map(name);
  const sum = (xs: string[]): string => (xs.length ? xs.join(' + ') : '0');
  out.push('  specifications (3) {');
  out.push(`    unforg: (${v1} == 0) -> [](${sum(dlvLocs)} == 0);`);
  out.push(`    corr: ${fair} -> ((${v0} == 0) -> <>(${sum(notDlv)} == 0));`);
  out.push(`    relay: ${fair} -> []((${sum(dlvLocs)} != 0) -> <>(${sum(notDlv)} == 0));`);
  out.push('  }', '} /* Proc */', '');
  return out.join('\n');
}
