// Reading what a policy returned. The shape is checked here (ids or views, arrays, numbers);
// whether each part is possible right now is checked by the simulator as it applies them.
import type { DecisionError, DecisionRule } from '../policy-api';

export interface ParsedDecision {
  preempt: { taskId: string }[];
  place: { taskId: string; nodeId: string; reason?: string }[];
  wakeAt?: number;
}

export class DecisionLog {
  readonly kept: DecisionError[] = [];
  count = 0;
  readonly byRule: Partial<Record<DecisionRule, number>> = {};

  constructor(private readonly keep: number) {}

  add(error: DecisionError): void {
    this.count++;
    this.byRule[error.rule] = (this.byRule[error.rule] ?? 0) + 1;
    if (this.kept.length < this.keep) this.kept.push(error);
  }
}

/** An id given as a string or as a view object with an `id`. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object') {
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/** Longest explanation kept per placement: reasons are for people, and reports stay small. */
export const MAX_REASON_CHARS = 200;

function show(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return typeof value;
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return typeof value;
  }
}

export function parseDecision(raw: unknown, time: number, log: DecisionLog): ParsedDecision {
  const out: ParsedDecision = { preempt: [], place: [] };
  if (raw === undefined || raw === null) return out;
  const bad = (message: string): void => log.add({ rule: 'malformed-decision', time, message });
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    bad(`decide() must return an object { place?, preempt?, wakeAt? } or nothing, got ${show(raw)}`);
    return out;
  }
  const d = raw as { place?: unknown; preempt?: unknown; wakeAt?: unknown };
  if (d.preempt !== undefined) {
    if (!Array.isArray(d.preempt)) bad(`preempt must be an array of task ids or task views, got ${show(d.preempt)}`);
    else {
      d.preempt.forEach((p, i) => {
        const taskId = idOf(p);
        if (taskId === undefined) bad(`preempt[${i}] must be a task id or a task view, got ${show(p)}`);
        else out.preempt.push({ taskId });
      });
    }
  }
  if (d.place !== undefined) {
    if (!Array.isArray(d.place)) bad(`place must be an array of { task, node }, got ${show(d.place)}`);
    else {
      d.place.forEach((p, i) => {
        if (p === null || typeof p !== 'object') return bad(`place[${i}] must be { task, node }, got ${show(p)}`);
        const placement = p as { task?: unknown; node?: unknown; reason?: unknown };
        const taskId = idOf(placement.task);
        const nodeId = idOf(placement.node);
        if (taskId === undefined) return bad(`place[${i}].task must be a task id or a task view, got ${show(placement.task)}`);
        if (nodeId === undefined) return bad(`place[${i}].node must be a node id or a node view, got ${show(placement.node)}`);
        if (placement.reason !== undefined && typeof placement.reason !== 'string') return bad(`place[${i}].reason must be a string, got ${show(placement.reason)}`);
        out.place.push(placement.reason ? { taskId, nodeId, reason: placement.reason.slice(0, MAX_REASON_CHARS) } : { taskId, nodeId });
      });
    }
  }
  if (d.wakeAt !== undefined && d.wakeAt !== null) {
    if (typeof d.wakeAt !== 'number' || !Number.isFinite(d.wakeAt)) log.add({ rule: 'bad-wake-time', time, message: `wakeAt must be a finite number of seconds, got ${show(d.wakeAt)}` });
    else if (d.wakeAt <= time) log.add({ rule: 'bad-wake-time', time, message: `wakeAt must be later than now (${time}), got ${d.wakeAt}` });
    else out.wakeAt = d.wakeAt;
  }
  return out;
}
