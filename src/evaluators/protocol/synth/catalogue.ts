// The agent's actions, taken from the rule language's grammar: "on TYPE from K: send TYPE'" and
// "on TYPE from K: deliver" with the seed paper's thresholds, plus STOP. Heuristics prune what
// cannot help, as the paper does, and keep the space small enough to learn in minutes:
//  - thresholds that coincide at every learning size form one action (the symbolic choice is
//    made after learning, by checking the variants past the search sizes);
//  - a table is a set: rules are added in one fixed order, so each set is built one way;
//  - message types are introduced in order (ECHO before READY), since names are interchangeable;
//  - a rule must read a type somebody already sends; no rule repeats an effect that a rule on the
//    same type with a lower-or-equal threshold already has; the sender's type is either read
//    from the sender or counted, never both;
//  - STOP needs a deliver and no type that is sent but never read.
import { faultsTolerated, type FaultModel, type Protocol, type Rule, type Threshold } from '../language/ast';
import { STANDARD_THRESHOLDS, thresholdCount } from '../language/expr';
import { formatProtocol } from '../language/format';

export type ThresholdName = 'sender' | '1' | 'f+1' | '2f+1' | 'N-f' | 'N-2f' | 'floor((N+f)/2)+1';

export interface RuleChoice {
  type: string;
  from: ThresholdName;
  effect: { kind: 'send'; type: string } | { kind: 'deliver' };
}

export type AgentAction = { kind: 'rule'; id: string; index: number; rule: RuleChoice } | { kind: 'stop'; id: 'STOP'; index: number };

export interface CatalogueOptions {
  fault: FaultModel;
  /** k of N > kf (default: the fault model's); decides f at each size and the written file's resilience line. */
  resilience?: number;
  /** Message types the agent may use; the first is what the sender broadcasts. */
  types?: string[];
  /** Types sent once per value rather than once in total. */
  perValueTypes?: string[];
  maxRules?: number;
  thresholds?: ThresholdName[];
  /** Process counts the agent learns at; thresholds equal at all of them are one action. */
  learningSizes?: number[];
  /** May the sender's type be counted from several parties and relayed (crash: yes; Byzantine: no, a faulty process could forge it). */
  senderTypeQuorum?: boolean;
  /** At most this many deliver rules. */
  maxDeliverRules?: number;
}

export const PAPER_THRESHOLDS: Exclude<ThresholdName, 'sender'>[] = ['1', 'f+1', '2f+1', 'N-f', 'N-2f', 'floor((N+f)/2)+1'];

export function defaultTypes(fault: FaultModel): string[] {
  return fault === 'byzantine' ? ['INIT', 'ECHO', 'READY'] : ['DATA', 'RELAY'];
}

const DEFAULT_MAX_RULES: Record<FaultModel, number> = { none: 3, crash: 4, byzantine: 5 };

export function thresholdOf(name: Exclude<ThresholdName, 'sender'>): Threshold {
  return STANDARD_THRESHOLDS[name] as Threshold;
}

export function ruleId(r: RuleChoice): string {
  return `${r.type}@${r.from}>${r.effect.kind === 'send' ? r.effect.type : '!'}`;
}

export class Catalogue {
  readonly types: string[];
  readonly perValue: Set<string>;
  readonly maxRules: number;
  readonly actions: AgentAction[];
  /** Representative threshold -> every paper threshold equal to it at the learning sizes. */
  readonly classes = new Map<ThresholdName, ThresholdName[]>();
  private readonly byId = new Map<string, AgentAction>();
  private readonly points: { N: number; f: number }[];
  private readonly senderQuorum: boolean;
  private readonly maxDeliver: number;

  constructor(readonly opts: CatalogueOptions) {
    this.types = opts.types ?? defaultTypes(opts.fault);
    if (this.types.length < 1) throw new Error('the synthesizer needs at least one message type');
    this.perValue = new Set(opts.perValueTypes ?? []);
    this.maxRules = opts.maxRules ?? DEFAULT_MAX_RULES[opts.fault];
    this.senderQuorum = opts.senderTypeQuorum ?? opts.fault !== 'byzantine';
    this.maxDeliver = opts.maxDeliverRules ?? 2;
    const sizes = opts.learningSizes ?? [4];
    this.points = sizes.map((N) => ({ N, f: faultsTolerated(this.model(), N) }));
    const thresholds = (opts.thresholds ?? PAPER_THRESHOLDS).filter((t): t is Exclude<ThresholdName, 'sender'> => t !== 'sender');
    for (const t of thresholds) {
      const rep = [...this.classes.keys()].find((r) => this.vector(r) === this.vector(t));
      if (rep) (this.classes.get(rep) as ThresholdName[]).push(t);
      else this.classes.set(t, [t]);
    }
    this.classes.set('sender', ['sender']);
    const reps = [...this.classes.keys()].filter((t) => t !== 'sender');
    const actions: AgentAction[] = [];
    const effects: RuleChoice['effect'][] = [...this.types.map((t) => ({ kind: 'send' as const, type: t })), { kind: 'deliver' }];
    for (const type of this.types) {
      const first = type === this.types[0];
      const froms: ThresholdName[] = first ? ['sender', ...(this.senderQuorum ? reps : [])] : reps;
      for (const from of froms) {
        for (const effect of effects) {
          if (effect.kind === 'send' && effect.type === this.types[0] && !this.senderQuorum) continue;
          const rule = { type, from, effect };
          actions.push({ kind: 'rule', id: ruleId(rule), index: actions.length, rule });
        }
      }
    }
    actions.push({ kind: 'stop', id: 'STOP', index: actions.length });
    this.actions = actions;
    for (const a of actions) this.byId.set(a.id, a);
  }

  private model(): { fault: FaultModel; resilience?: number } {
    return { fault: this.opts.fault, ...(this.opts.resilience !== undefined ? { resilience: this.opts.resilience } : {}) };
  }

  private vector(t: ThresholdName): string {
    if (t === 'sender') return 'sender';
    return this.points.map((env) => thresholdCount(thresholdOf(t), env)).join(',');
  }

  /** Paper thresholds the learning sizes cannot tell apart from `t` (itself first). */
  equivalents(t: ThresholdName): ThresholdName[] {
    for (const [rep, members] of this.classes) if (rep === t || members.includes(t)) return [t, ...members.filter((m) => m !== t)];
    return [t];
  }

  /** Is threshold a at most b at every learning size and beyond (so a rule at a fires no later)? */
  private atMost(a: ThresholdName, b: ThresholdName): boolean {
    if (a === 'sender' || b === 'sender') return a === b;
    const env = [...this.points, ...[5, 6, 7, 8, 9, 10, 11, 12].map((N) => ({ N, f: faultsTolerated(this.model(), N) }))];
    return env.every((e) => thresholdCount(thresholdOf(a), e) <= thresholdCount(thresholdOf(b), e));
  }

  sentTypes(rules: RuleChoice[]): Set<string> {
    const s = new Set<string>([this.types[0] as string]);
    for (const r of rules) if (r.effect.kind === 'send') s.add(r.effect.type);
    return s;
  }

  usedTypes(rules: RuleChoice[]): Set<string> {
    const s = this.sentTypes(rules);
    for (const r of rules) s.add(r.type);
    return s;
  }

  private indexOf(r: RuleChoice): number {
    return this.byId.get(ruleId(r))?.index ?? -1;
  }

  allowed(rules: RuleChoice[]): AgentAction[] {
    const sent = this.sentTypes(rules);
    const first = this.types[0] as string;
    const firstFromSender = rules.some((r) => r.type === first && r.from === 'sender');
    const firstCounted = rules.some((r) => r.type === first && r.from !== 'sender') || rules.some((r) => r.effect.kind === 'send' && r.effect.type === first);
    const last = Math.max(-1, ...rules.map((r) => this.indexOf(r)));
    // The next type that may be introduced (names are interchangeable).
    const nextNew = this.types.find((t) => !sent.has(t));
    const delivers = rules.filter((r) => r.effect.kind === 'deliver').length;
    const out: AgentAction[] = [];
    for (const a of this.actions) {
      if (a.kind === 'stop') {
        if (this.canStop(rules)) out.push(a);
        continue;
      }
      if (rules.length >= this.maxRules || a.index <= last) continue;
      const r = a.rule;
      if (!sent.has(r.type)) continue;
      if (r.effect.kind === 'send' && !sent.has(r.effect.type) && r.effect.type !== nextNew) continue;
      if (r.effect.kind === 'deliver' && delivers >= this.maxDeliver) continue;
      if (r.type === first && r.from === 'sender' && firstCounted) continue;
      if (r.type === first && r.from !== 'sender' && firstFromSender) continue;
      if (r.effect.kind === 'send' && r.effect.type === first && (firstFromSender || r.from === 'sender')) continue;
      const sameEffect = (x: RuleChoice): boolean => x.type === r.type && (x.effect.kind === 'deliver' ? r.effect.kind === 'deliver' : r.effect.kind === 'send' && x.effect.type === r.effect.type);
      if (rules.some((x) => sameEffect(x) && (this.atMost(x.from, r.from) || this.atMost(r.from, x.from)))) continue;
      out.push(a);
    }
    return out;
  }

  canStop(rules: RuleChoice[]): boolean {
    if (!rules.some((r) => r.effect.kind === 'deliver')) return false;
    const read = new Set(rules.map((r) => r.type));
    for (const t of this.sentTypes(rules)) if (!read.has(t)) return false;
    return true;
  }

  /** The protocol a rule set stands for: the sender broadcasts the first type, then the rules. */
  toProtocol(rules: RuleChoice[], name = 'Synthesized'): Protocol {
    const used = this.usedTypes(rules);
    const first = this.types[0] as string;
    const order = (t: ThresholdName): number => (t === 'sender' ? -1 : PAPER_THRESHOLDS.indexOf(t));
    const ordered = [...rules].sort((a, b) => this.types.indexOf(a.type) - this.types.indexOf(b.type) || order(a.from) - order(b.from));
    const at = { line: 0, column: 0 };
    const astRules: Rule[] = [{ trigger: { kind: 'broadcast' }, actions: [{ kind: 'send', type: first }], pos: at, actionPos: [], trivia: { leading: [] } }];
    // Rules with the same trigger share a line: "on DATA from sender: deliver, send RELAY".
    const byTrigger = new Map<string, Rule>();
    for (const r of ordered) {
      const key = `${r.type}@${r.from}`;
      let rule = byTrigger.get(key);
      if (!rule) {
        rule = { trigger: r.from === 'sender' ? { kind: 'sender', type: r.type } : { kind: 'quorum', type: r.type, threshold: thresholdOf(r.from) }, actions: [], pos: at, actionPos: [], trivia: { leading: [] } };
        byTrigger.set(key, rule);
        astRules.push(rule);
      }
      rule.actions.push(r.effect.kind === 'send' ? { kind: 'send', type: r.effect.type } : { kind: 'deliver' });
    }
    for (const rule of astRules) rule.actions.sort((a, b) => (a.kind === 'deliver' ? -1 : b.kind === 'deliver' ? 1 : 0));
    return {
      name,
      fault: this.opts.fault,
      ...(this.opts.resilience !== undefined ? { resilience: this.opts.resilience } : {}),
      messages: this.types.filter((t) => used.has(t)).map((t) => ({ name: t, perValue: this.perValue.has(t), pos: at, trivia: { leading: [] } })),
      rules: astRules,
      headerTrivia: { protocol: { leading: [] }, fault: { leading: [] } },
      trailingComments: [],
    };
  }

  /** A key that does not depend on the order rules were added in. */
  stateKey(rules: RuleChoice[]): string {
    return rules.map(ruleId).sort().join(';');
  }

  render(rules: RuleChoice[], name?: string): string {
    return formatProtocol(this.toProtocol(rules, name));
  }
}
