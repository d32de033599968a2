// Canonical text of a protocol: one statement per line, rule colons aligned, comments and blank
// lines kept where they were (so EVOLVE-BLOCK markers stay around the same items).
import type { Action, Protocol, ProtocolItem, Rule, Trigger, Trivia } from './ast';
import { printThreshold } from './expr';

export function formatTrigger(t: Trigger): string {
  switch (t.kind) {
    case 'broadcast':
      return 'broadcast';
    case 'sender':
      return `${t.type} from sender`;
    case 'quorum':
      return `${t.type} from ${printThreshold(t.threshold)}`;
  }
}

export function formatAction(a: Action): string {
  return a.kind === 'send' ? `send ${a.type}` : a.kind;
}

export function formatRule(r: Pick<Rule, 'trigger' | 'actions'>, width = 0): string {
  const head = `on ${formatTrigger(r.trigger)}:`;
  return `${head.padEnd(width)} ${r.actions.map(formatAction).join(', ')}`;
}

function canonicalOrder(p: Protocol): ProtocolItem[] {
  return [
    { kind: 'protocol' },
    { kind: 'fault' },
    ...(p.resilience !== undefined ? [{ kind: 'resilience' as const }] : []),
    ...p.messages.map((_, index) => ({ kind: 'message' as const, index })),
    ...p.rules.map((_, index) => ({ kind: 'rule' as const, index })),
  ];
}

export function formatProtocol(p: Protocol): string {
  const width = Math.max(0, ...p.rules.map((r) => `on ${formatTrigger(r.trigger)}:`.length));
  const out: string[] = [];
  const emit = (trivia: Trivia | undefined, text: string, blankBefore: boolean): void => {
    const leading = trivia?.leading ?? [];
    if (leading.length === 0 && blankBefore && out.length) out.push('');
    for (const l of leading) if (l !== '' || (out.length && out[out.length - 1] !== '')) out.push(l);
    out.push(trivia?.trailing ? `${text}  ${trivia.trailing}` : text);
  };
  const order = p.order ?? canonicalOrder(p);
  let prevKind: ProtocolItem['kind'] | undefined;
  // Messages that share a declaration line in the source come back one per line.
  for (const item of order) {
    const section = item.kind === 'message' ? 'message' : item.kind === 'rule' ? 'rule' : 'header';
    const prevSection = prevKind === undefined ? undefined : prevKind === 'message' ? 'message' : prevKind === 'rule' ? 'rule' : 'header';
    // Without source layout, sections are separated by one blank line.
    const blankBefore = !p.order && prevSection !== undefined && prevSection !== section;
    switch (item.kind) {
      case 'protocol':
        emit(p.headerTrivia.protocol, `protocol ${p.name}`, blankBefore);
        break;
      case 'fault':
        emit(p.headerTrivia.fault, `fault ${p.fault}`, blankBefore);
        break;
      case 'resilience':
        emit(p.headerTrivia.resilience, `resilience N > ${p.resilience === 1 ? '' : p.resilience}f`, blankBefore);
        break;
      case 'message': {
        const m = p.messages[item.index];
        if (m) emit(m.trivia, `message ${m.name}${m.perValue ? ' per value' : ''}`, blankBefore);
        break;
      }
      case 'rule': {
        const r = p.rules[item.index];
        if (r) emit(r.trivia, formatRule(r, width), blankBefore);
        break;
      }
    }
    prevKind = item.kind;
  }
  if (p.trailingComments.length) {
    // From source, the comments after the last statement keep their layout; a built protocol's
    // (the synthesizer's closing marker) is set off by a blank line like its sections.
    if (!p.order && out.length && p.trailingComments[0] !== '') out.push('');
    for (const l of p.trailingComments) if (l !== '' || (out.length && out[out.length - 1] !== '')) out.push(l);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}
