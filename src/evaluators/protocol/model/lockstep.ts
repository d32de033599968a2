// The failure-free lock-step execution: every message sent in round r arrives in round r+1, and a
// process handles its round's messages in sender order. It is deterministic, so its costs need
// no model checker: messages sent, communication steps until the last process delivers, and the
// messages each process had counted when it delivered. The semantics mirror the Spin harness:
// a process counts its own message at once, and a message that can no longer change anything at
// its receiver is not delivered (nor counted).
import type { RuleTable } from './table';

export interface LockstepResult {
  /** Messages sent, each send-to-all counting N (the sender's copy to itself included). */
  messages: number;
  /** Round in which the last process delivered; undefined if some process never delivers. */
  steps?: number;
  allDelivered: boolean;
  /** Per process: round of delivery, or undefined. */
  deliveredAt: (number | undefined)[];
  /** Per process: messages counted (own included) when it delivered. */
  receipts: (number | undefined)[];
}

interface ProcState {
  counts: Map<string, number>;
  sent: Map<number, Set<number>>;
  delivered?: number;
  stopped: boolean;
}

export class RuleSemantics {
  constructor(readonly table: RuleTable) {}

  sentAlready(p: ProcState, type: number, value: number): boolean {
    const s = p.sent.get(type);
    if (!s) return false;
    return this.table.types[type]?.perValue ? s.has(value) : s.size > 0;
  }

  pending(p: ProcState, ruleIndex: number, value: number, stopping: boolean): boolean {
    const r = this.table.rules[ruleIndex];
    if (!r) return false;
    if (r.deliver && p.delivered === undefined) return true;
    if (r.stop && !stopping) return true;
    return r.sends.some((t) => !this.sentAlready(p, t, value));
  }

  relevant(p: ProcState, type: number, value: number, stopping = false): boolean {
    if (p.stopped) return false;
    return this.table.rules.some((r, i) => r.type === type && this.pending(p, i, value, stopping));
  }
}

export function lockstep(table: RuleTable, n: number, maxRounds = 64): LockstepResult {
  const sem = new RuleSemantics(table);
  const procs: ProcState[] = Array.from({ length: n }, () => ({ counts: new Map(), sent: new Map(), stopped: false }));
  const deliveredAt: (number | undefined)[] = new Array(n).fill(undefined);
  const receipts: (number | undefined)[] = new Array(n).fill(undefined);
  let messages = 0;
  // Messages in flight for the next round: [receiver, sender, type, value].
  let outbox: [number, number, number, number][] = [];
  let round = 0;

  const countOf = (p: ProcState, t: number, v: number): number => p.counts.get(`${t}/${v}`) ?? 0;
  const total = (p: ProcState): number => [...p.counts.values()].reduce((a, b) => a + b, 0);

  const settle = (id: number, initialValue?: number): void => {
    const p = procs[id] as ProcState;
    let stopping = false;
    const fire = (ri: number, v: number): void => {
      const r = table.rules[ri];
      if (!r) return;
      for (const t of r.sends) {
        if (sem.sentAlready(p, t, v)) continue;
        const s = p.sent.get(t) ?? new Set<number>();
        s.add(v);
        p.sent.set(t, s);
        messages += n;
        for (let q = 0; q < n; q++) {
          if (q === id) {
            if (sem.relevant(p, t, v, stopping)) p.counts.set(`${t}/${v}`, countOf(p, t, v) + 1);
          } else if (sem.relevant(procs[q] as ProcState, t, v)) outbox.push([q, id, t, v]);
        }
      }
      if (r.deliver && p.delivered === undefined) {
        p.delivered = v;
        deliveredAt[id] = round;
        receipts[id] = total(p);
      }
      if (r.stop) stopping = true;
    };
    if (initialValue !== undefined) table.rules.forEach((r, i) => r.type === -1 && fire(i, initialValue));
    for (let changed = true; changed; ) {
      changed = false;
      table.rules.forEach((r, i) => {
        if (r.type < 0) return;
        for (const v of [0]) {
          if (countOf(p, r.type, v) >= r.k && sem.pending(p, i, v, stopping)) {
            fire(i, v);
            changed = true;
          }
        }
      });
    }
    if (stopping) p.stopped = true;
  };

  settle(0, 0);
  while (outbox.length && round < maxRounds) {
    round++;
    const arriving = outbox.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    outbox = [];
    for (const [q, , t, v] of arriving) {
      const p = procs[q] as ProcState;
      if (!sem.relevant(p, t, v)) continue;
      p.counts.set(`${t}/${v}`, countOf(p, t, v) + 1);
      settle(q);
    }
  }
  const allDelivered = procs.every((p) => p.delivered !== undefined);
  const steps = allDelivered ? Math.max(0, ...deliveredAt.map((r) => r ?? 0)) : undefined;
  return { messages, ...(steps !== undefined ? { steps } : {}), allDelivered, deliveredAt, receipts };
}
