// The numeric rule table a model checks: thresholds evaluated at one setting, dead rules and
// dominated actions removed, message types relabelled canonically. Two protocols with the same
// canonical table behave identically in that setting, so verdicts are cached by its key.
import type { Protocol } from '../language/ast';
import { thresholdCount } from '../language/expr';
import type { ResolvedSetting } from './settings';

export interface TableType {
  name: string;
  perValue: boolean;
  /** Read only from the designated sender ("from sender"). */
  senderOnly: boolean;
}

export interface TableRule {
  /** Trigger type index, or -1 for the sender's broadcast. */
  type: number;
  /** Distinct parties needed (1 for sender-only types). */
  k: number;
  /** Type indices sent to all, ascending. */
  sends: number[];
  deliver: boolean;
  stop: boolean;
}

export interface RuleTable {
  types: TableType[];
  rules: TableRule[];
}

/** Thresholds at the setting, one table rule per source rule (no simplification). */
export function instantiate(p: Protocol, s: Pick<ResolvedSetting, 'n' | 'f'>): RuleTable {
  const index = new Map<string, number>();
  const senderOnly = new Set(p.rules.flatMap((r) => (r.trigger.kind === 'sender' ? [r.trigger.type] : [])));
  const types: TableType[] = p.messages.map((m, i) => {
    index.set(m.name, i);
    return { name: m.name, perValue: m.perValue, senderOnly: senderOnly.has(m.name) };
  });
  const env = { N: s.n, f: s.f };
  const rules: TableRule[] = p.rules.map((r) => {
    const t = r.trigger;
    const type = t.kind === 'broadcast' ? -1 : (index.get(t.type) as number);
    const k = t.kind === 'quorum' ? thresholdCount(t.threshold, env) : 1;
    const sends = [...new Set(r.actions.flatMap((a) => (a.kind === 'send' ? [index.get(a.type) as number] : [])))].sort((a, b) => a - b);
    return { type, k, sends, deliver: r.actions.some((a) => a.kind === 'deliver'), stop: r.actions.some((a) => a.kind === 'stop') };
  });
  return { types, rules };
}

/**
 * Simplifies a table for a setting: merges rules with the same trigger, drops rules that can
 * never fire (more parties needed than can ever send that type), drops actions already done by a
 * rule on the same type with a lower threshold, drops unused types, and relabels types so that
 * isomorphic tables get the same key.
 */
export function canonicalize(table: RuleTable, s: ResolvedSetting): { table: RuleTable; key: string } {
  const faultyCount = s.byzantine.length;
  const correctCount = s.n - faultyCount;
  // Merge rules with identical triggers.
  const merged = new Map<string, TableRule>();
  for (const r of table.rules) {
    const id = `${r.type}/${r.k}`;
    const m = merged.get(id);
    if (m) {
      m.sends = [...new Set([...m.sends, ...r.sends])].sort((a, b) => a - b);
      m.deliver ||= r.deliver;
      m.stop ||= r.stop;
    } else merged.set(id, { ...r, sends: [...r.sends] });
  }
  let rules = [...merged.values()];

  // Liveness fixpoint: which rules can fire at all.
  const live = new Set<TableRule>();
  for (;;) {
    const sentBy = (t: number): number => {
      const ty = table.types[t] as TableType;
      if (ty.senderOnly) {
        const fromCorrectSender = !s.senderFaulty && [...live].some((r) => r.type === -1 && r.sends.includes(t)) ? 1 : 0;
        return fromCorrectSender + (s.senderFaulty ? 1 : 0);
      }
      const byRule = [...live].some((r) => r.type !== -1 && r.sends.includes(t));
      const byBroadcast = !s.senderFaulty && [...live].some((r) => r.type === -1 && r.sends.includes(t));
      return faultyCount + (byRule ? correctCount : byBroadcast ? 1 : 0);
    };
    let grew = false;
    for (const r of rules) {
      if (live.has(r)) continue;
      const canFire = r.type === -1 ? !s.senderFaulty : sentBy(r.type) >= r.k;
      if (canFire) {
        live.add(r);
        grew = true;
      }
    }
    if (!grew) break;
  }
  rules = rules.filter((r) => live.has(r));

  // Dominated actions: on the same trigger type, the lowest threshold fires first and actions
  // are idempotent, so a higher-threshold rule repeating an action adds nothing.
  rules.sort((a, b) => a.type - b.type || a.k - b.k);
  const done = new Map<number, { sends: Set<number>; deliver: boolean; stop: boolean }>();
  rules = rules.flatMap((r) => {
    if (r.type === -1) return [r];
    const d = done.get(r.type) ?? { sends: new Set<number>(), deliver: false, stop: false };
    done.set(r.type, d);
    const out: TableRule = { type: r.type, k: r.k, sends: r.sends.filter((t) => !d.sends.has(t)), deliver: r.deliver && !d.deliver, stop: r.stop && !d.stop };
    r.sends.forEach((t) => d.sends.add(t));
    d.deliver ||= r.deliver;
    d.stop ||= r.stop;
    return out.sends.length || out.deliver || out.stop ? [out] : [];
  });

  // Keep the types that are read or sent.
  const used = new Set<number>();
  for (const r of rules) {
    if (r.type >= 0) used.add(r.type);
    r.sends.forEach((t) => used.add(t));
  }
  const kept = [...used].sort((a, b) => a - b);
  const best = bestRelabelling(table, rules, kept);
  return best;
}

function ruleKey(r: TableRule, map: Map<number, number>): string {
  const ty = r.type === -1 ? 'B' : `t${map.get(r.type)}`;
  const sends = r.sends.map((t) => map.get(t) as number).sort((a, b) => a - b);
  return `${ty}>=${r.k}:${sends.map((t) => `s${t}`).join('')}${r.deliver ? 'd' : ''}${r.stop ? 'x' : ''}`;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) for (let i = 0; i <= rest.length; i++) out.push([...rest.slice(0, i), n - 1, ...rest.slice(i)]);
  return out;
}

function bestRelabelling(table: RuleTable, rules: TableRule[], kept: number[]): { table: RuleTable; key: string } {
  let best: { key: string; perm: number[] } | undefined;
  for (const perm of permutations(kept.length)) {
    // perm[i] = new index of kept[i]
    const map = new Map<number, number>(kept.map((t, i) => [t, perm[i] as number]));
    const typeKey = kept
      .map((t, i) => ({ at: perm[i] as number, ty: table.types[t] as TableType }))
      .sort((a, b) => a.at - b.at)
      .map(({ ty }) => `${ty.senderOnly ? 'S' : ty.perValue ? 'V' : 'T'}`)
      .join('');
    const key = `${typeKey}|${rules
      .map((r) => ruleKey(r, map))
      .sort()
      .join(';')}`;
    if (!best || key < best.key) best = { key, perm };
  }
  const perm = (best as { perm: number[] }).perm;
  const map = new Map<number, number>(kept.map((t, i) => [t, perm[i] as number]));
  const types: TableType[] = new Array(kept.length);
  kept.forEach((t, i) => {
    types[perm[i] as number] = { ...(table.types[t] as TableType) };
  });
  const outRules = rules
    .map((r) => ({ ...r, type: r.type === -1 ? -1 : (map.get(r.type) as number), sends: r.sends.map((t) => map.get(t) as number).sort((a, b) => a - b) }))
    .sort((a, b) => a.type - b.type || a.k - b.k);
  return { table: { types, rules: outRules }, key: (best as { key: string }).key };
}

/** True when some rule delivers: a table that never delivers fails validity wherever it runs. */
export function canDeliver(table: RuleTable): boolean {
  return table.rules.some((r) => r.deliver);
}
