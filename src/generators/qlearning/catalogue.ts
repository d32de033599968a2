// The agent's actions, taken from the rule language's grammar: "on TYPE from K: send TYPE'" and
// "on TYPE from K: deliver" with the seed paper's thresholds, plus STOP. Heuristics prune
// actions that cannot help, as the paper does: rules reading a type nobody sends yet, duplicate or
// dominated rules, mixing the sender-only and the quorum reading of a type, and stopping before
// the table delivers or while it sends messages nobody reads.
import type { FaultModel, Protocol, Rule, Threshold } from '../../evaluators/protocol/language/ast';
import { thresholdCount, STANDARD_THRESHOLDS } from '../../evaluators/protocol/language/expr';
import { formatProtocol } from '../../evaluators/protocol/language/format';

export type ThresholdName = 'sender' | '1' | 'f+1' | '2f+1' | 'N-f' | 'N-2f' | 'floor((N+f)/2)+1';

export interface RuleChoice {
  type: string;
  from: ThresholdName;
  effect: { kind: 'send'; type: string } | { kind: 'deliver' };
}

export type AgentAction = { kind: 'rule'; id: string; rule: RuleChoice } | { kind: 'stop'; id: 'STOP' };

export interface CatalogueOptions {
  fault: FaultModel;
  /** Message types the agent may use; the first is what the sender broadcasts. */
  types?: string[];
  /** Types sent once per value rather than once in total. */
  perValueTypes?: string[];
  maxRules?: number;
  thresholds?: ThresholdName[];
}

export const PAPER_THRESHOLDS: ThresholdName[] = ['1', 'f+1', '2f+1', 'N-f', 'N-2f', 'floor((N+f)/2)+1'];

export function defaultTypes(fault: FaultModel): string[] {
  return fault === 'byzantine' ? ['INIT', 'ECHO', 'READY'] : ['DATA', 'RELAY'];
}

/** (N, f) points where thresholds are compared for dominance: the search sizes and beyond. */
function samplePoints(fault: FaultModel): { N: number; f: number }[] {
  const k = fault === 'byzantine' ? 3 : fault === 'crash' ? 2 : 0;
  return [3, 4, 5, 6, 7, 8, 9, 10].map((N) => ({ N, f: k ? Math.floor((N - 1) / k) : 0 }));
}

function thresholdOf(name: Exclude<ThresholdName, 'sender'>): Threshold {
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
  private readonly points: { N: number; f: number }[];

  constructor(readonly opts: CatalogueOptions) {
    this.types = opts.types ?? defaultTypes(opts.fault);
    if (this.types.length < 1) throw new Error('the synthesizer needs at least one message type');
    this.perValue = new Set(opts.perValueTypes ?? []);
    this.maxRules = opts.maxRules ?? 6;
    this.points = samplePoints(opts.fault);
    const thresholds = opts.thresholds ?? PAPER_THRESHOLDS;
    const actions: AgentAction[] = [];
    const effects: RuleChoice['effect'][] = [...this.types.map((t) => ({ kind: 'send' as const, type: t })), { kind: 'deliver' }];
    for (const type of this.types) {
      const froms: ThresholdName[] = type === this.types[0] ? ['sender', ...thresholds] : thresholds;
      for (const from of froms) for (const effect of effects) {
        const rule = { type, from, effect };
        actions.push({ kind: 'rule', id: ruleId(rule), rule });
      }
    }
    actions.push({ kind: 'stop', id: 'STOP' });
    this.actions = actions;
  }

  /** Is threshold a at most b at every sample point (so a rule at a fires no later)? */
  private atMost(a: ThresholdName, b: ThresholdName): boolean {
    if (a === 'sender' || b === 'sender') return a === b;
    const ta = thresholdOf(a);
    const tb = thresholdOf(b);
    return this.points.every((env) => thresholdCount(ta, env) <= thresholdCount(tb, env));
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

  allowed(rules: RuleChoice[]): AgentAction[] {
    const sent = this.sentTypes(rules);
    const first = this.types[0] as string;
    const firstFromSender = rules.some((r) => r.type === first && r.from === 'sender');
    const firstQuorum = rules.some((r) => r.type === first && r.from !== 'sender') || rules.some((r) => r.effect.kind === 'send' && r.effect.type === first);
    const out: AgentAction[] = [];
    for (const a of this.actions) {
      if (a.kind === 'stop') {
        if (this.canStop(rules)) out.push(a);
        continue;
      }
      if (rules.length >= this.maxRules) continue;
      const r = a.rule;
      if (!sent.has(r.type)) continue;
      if (r.type === first && r.from === 'sender' && firstQuorum) continue;
      if (r.type === first && r.from !== 'sender' && firstFromSender) continue;
      if (r.effect.kind === 'send' && r.effect.type === first && firstFromSender) continue;
      // The sender's own message is not echoed back as itself when it is read from the sender only.
      if (r.from === 'sender' && r.effect.kind === 'send' && r.effect.type === first) continue;
      const sameEffect = (x: RuleChoice): boolean => x.type === r.type && (x.effect.kind === 'deliver' ? r.effect.kind === 'deliver' : r.effect.kind === 'send' && x.effect.type === r.effect.type);
      if (rules.some((x) => sameEffect(x) && this.atMost(x.from, r.from))) continue;
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
    const ordered = [...rules].sort((a, b) => this.types.indexOf(a.type) - this.types.indexOf(b.type) || PAPER_THRESHOLDS.indexOf(a.from as ThresholdName) - PAPER_THRESHOLDS.indexOf(b.from as ThresholdName));
    const astRules: Rule[] = [
      { trigger: { kind: 'broadcast' }, actions: [{ kind: 'send', type: first }], pos: { line: 0, column: 0 }, actionPos: [], trivia: { leading: [] } },
    ];
    // Rules with the same trigger share a line: "on DATA from sender: deliver, send RELAY".
    const byTrigger = new Map<string, Rule>();
    for (const r of ordered) {
      const key = `${r.type}@${r.from}`;
      let rule = byTrigger.get(key);
      if (!rule) {
        rule = {
          trigger: r.from === 'sender' ? { kind: 'sender', type: r.type } : { kind: 'quorum', type: r.type, threshold: thresholdOf(r.from) },
          actions: [],
          pos: { line: 0, column: 0 },
          actionPos: [],
          trivia: { leading: [] },
        };
        byTrigger.set(key, rule);
        astRules.push(rule);
      }
      rule.actions.push(r.effect.kind === 'send' ? { kind: 'send', type: r.effect.type } : { kind: 'deliver' });
    }
    for (const rule of astRules) rule.actions.sort((a, b) => (a.kind === 'deliver' ? -1 : b.kind === 'deliver' ? 1 : 0));
    return {
      name,
      fault: this.opts.fault,
      messages: this.types.filter((t) => used.has(t)).map((t) => ({ name: t, perValue: this.perValue.has(t), pos: { line: 0, column: 0 }, trivia: { leading: [] } })),
      rules: astRules,
      headerTrivia: { protocol: { leading: [] }, fault: { leading: [] } },
      trailingComments: [],
    };
  }

  /** A key that does not depend on the order rules were added in. */
  stateKey(rules: RuleChoice[]): string {
    return rules
      .map(ruleId)
      .sort()
      .join(';');
  }

  render(rules: RuleChoice[], name?: string): string {
    return formatProtocol(this.toProtocol(rules, name));
  }
}
