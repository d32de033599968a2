// Semantic checks after parsing: declared types, the sender-only reading of a type, and
// thresholds that evaluate at every size the tool checks. Errors point at line:column.
import { faultsTolerated, type Position, type Protocol } from './ast';
import { evalExpr } from './expr';

export interface SemanticIssue {
  line: number;
  column: number;
  message: string;
}

/** The interpreter model and the state vector are sized for at most this many types. */
export const MAX_TYPES = 6;
export const MAX_RULES = 32;

function closest(name: string, options: string[]): string | undefined {
  const lower = name.toLowerCase();
  return options.find((o) => o.toLowerCase() === lower) ?? options.find((o) => o.toLowerCase().startsWith(lower.slice(0, 2)));
}

export function validateProtocol(p: Protocol, resiliencePos?: Position): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const at = (q: Position, message: string): void => {
    issues.push({ line: q.line, column: q.column, message });
  };
  const declared = new Map<string, (typeof p.messages)[number]>();
  for (const m of p.messages) {
    const prev = declared.get(m.name);
    if (prev) at(m.pos, `message type ${m.name} is declared twice (first at line ${prev.pos.line})`);
    else declared.set(m.name, m);
  }
  if (declared.size > MAX_TYPES) at((p.messages[MAX_TYPES] as (typeof p.messages)[number]).pos, `at most ${MAX_TYPES} message types are supported`);
  if (p.rules.length > MAX_RULES) at((p.rules[MAX_RULES] as (typeof p.rules)[number]).pos, `at most ${MAX_RULES} rules are supported`);
  if (p.fault === 'none' && p.resilience !== undefined && resiliencePos) at(resiliencePos, "'resilience' needs fault crash or byzantine");

  const names = [...declared.keys()];
  const checkType = (type: string, q: Position): boolean => {
    if (declared.has(type)) return true;
    const near = closest(type, names);
    at(q, `message type ${type} is not declared${near ? ` (did you mean ${near}?)` : names.length ? ` (declared: ${names.join(', ')})` : " (declare it with 'message " + type + "')"}`);
    return false;
  };

  // A type read "from sender" is the sender's own message: accepted only from the sender and sent
  // only when broadcasting. Mixing that with quorum counting would make the counter network unsound.
  const senderRead = new Map<string, Position>();
  const quorumRead = new Map<string, Position>();
  for (const r of p.rules) {
    const t = r.trigger;
    if (t.kind === 'sender' && checkType(t.type, r.triggerPos ?? r.pos)) senderRead.set(t.type, senderRead.get(t.type) ?? r.pos);
    if (t.kind === 'quorum' && checkType(t.type, r.triggerPos ?? r.pos)) quorumRead.set(t.type, quorumRead.get(t.type) ?? r.pos);
  }
  for (const [type, q] of senderRead) {
    const other = quorumRead.get(type);
    if (other) at(other, `${type} is read 'from sender' at line ${q.line}, so counting it from several parties makes no sense; use another type`);
    if (declared.get(type)?.perValue) at((declared.get(type) as { pos: Position }).pos, `${type} is read only from the sender, who sends it once; 'per value' does not apply`);
  }

  for (const r of p.rules) {
    const seen = new Set<string>();
    r.actions.forEach((a, i) => {
      const q = r.actionPos[i] ?? r.pos;
      const key = a.kind === 'send' ? `send ${a.type}` : a.kind;
      if (seen.has(key)) at(q, `'${key}' appears twice in this rule`);
      seen.add(key);
      if (a.kind !== 'send') return;
      if (!checkType(a.type, q)) return;
      if (senderRead.has(a.type) && r.trigger.kind !== 'broadcast') at(q, `${a.type} is read 'from sender' (line ${(senderRead.get(a.type) as Position).line}), so only 'on broadcast' may send it`);
    });
    if (r.trigger.kind === 'quorum') {
      for (let n = 2; n <= 12; n++) {
        const f = p.fault === 'none' ? 0 : faultsTolerated(p, n);
        try {
          evalExpr(r.trigger.threshold.expr, { N: n, f });
        } catch {
          at(r.pos, `the threshold divides by zero at N = ${n}, f = ${f}`);
          break;
        }
      }
    }
  }
  return issues;
}
