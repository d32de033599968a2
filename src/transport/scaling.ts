// How many evaluator processes a machine should run, decided again every few seconds from the
// queue depth and the machine's CPU use: grow one process at a time while work waits, every worker
// is busy and there is CPU to spare; shrink when the queue has stayed empty with idle workers, or
// when the machine has stayed overloaded. One step per tick keeps the fleet from oscillating.
import { cpus } from 'node:os';

export interface ScalingBounds {
  min: number;
  max: number;
  /** Grow only while the machine's CPU use (0-1) is below this. */
  cpuLimit: number;
  /** Consecutive quiet (or overloaded) ticks before a process is stopped. */
  patience: number;
  /** CPU use at which the machine counts as overloaded, so a process is stopped even with work waiting. */
  overload?: number;
}

export interface ScalingInput {
  running: number;
  busy: number;
  /** Ready messages in the evaluate queue; undefined when the broker could not be asked. */
  queueDepth: number | undefined;
  /** CPU use over the last tick, 0-1; undefined on the first tick. */
  cpu: number | undefined;
}

export interface ScalingState {
  quietTicks: number;
  overloadedTicks: number;
}

export interface ScalingDecision {
  /** +1: start one, -1: stop one (an idle one first), 0: keep. */
  change: -1 | 0 | 1;
  reason: string;
  state: ScalingState;
}

const DEFAULT_OVERLOAD = 0.97;

export function decideScaling(input: ScalingInput, bounds: ScalingBounds, state: ScalingState): ScalingDecision {
  const { running, busy, queueDepth, cpu } = input;
  if (running < bounds.min) return { change: 1, reason: `below the minimum of ${bounds.min}`, state: { quietTicks: 0, overloadedTicks: 0 } };
  if (running > bounds.max) return { change: -1, reason: `above the maximum of ${bounds.max}`, state: { quietTicks: 0, overloadedTicks: 0 } };
  if (queueDepth === undefined) return { change: 0, reason: 'queue depth unknown (broker unreachable)', state };
  const overloadedTicks = cpu !== undefined && cpu >= (bounds.overload ?? DEFAULT_OVERLOAD) && running > 0 ? state.overloadedTicks + 1 : 0;
  const quietTicks = queueDepth === 0 && busy < running ? state.quietTicks + 1 : 0;
  const next = { quietTicks, overloadedTicks };
  const cpuText = cpu === undefined ? 'cpu unknown' : `cpu ${Math.round(cpu * 100)}%`;
  if (overloadedTicks >= bounds.patience && running > bounds.min) {
    return { change: -1, reason: `machine overloaded (${cpuText}) for ${overloadedTicks} ticks`, state: { quietTicks: 0, overloadedTicks: 0 } };
  }
  if (quietTicks >= bounds.patience && running > bounds.min) {
    return { change: -1, reason: `queue empty with ${running - busy} idle for ${quietTicks} ticks`, state: { quietTicks: 0, overloadedTicks: 0 } };
  }
  if (queueDepth > 0 && busy >= running && running < bounds.max) {
    if (cpu !== undefined && cpu >= bounds.cpuLimit) return { change: 0, reason: `${queueDepth} waiting but ${cpuText} is at the limit of ${Math.round(bounds.cpuLimit * 100)}%`, state: next };
    return { change: 1, reason: `${queueDepth} waiting, all ${running} busy, ${cpuText}`, state: next };
  }
  return { change: 0, reason: `${queueDepth} waiting, ${busy}/${running} busy, ${cpuText}`, state: next };
}

/** Machine-wide CPU use between successive calls (like psutil's cpu_percent without an interval). */
export class CpuMeter {
  private last = this.snapshot();

  private snapshot(): { idle: number; total: number } {
    let idle = 0;
    let total = 0;
    for (const c of cpus()) {
      const t = c.times;
      idle += t.idle;
      total += t.user + t.nice + t.sys + t.idle + t.irq;
    }
    return { idle, total };
  }

  /** Fraction 0-1 of CPU time in use since the previous call; undefined when no time has passed. */
  sample(): number | undefined {
    const now = this.snapshot();
    const total = now.total - this.last.total;
    const idle = now.idle - this.last.idle;
    this.last = now;
    if (total <= 0) return undefined;
    return Math.min(1, Math.max(0, 1 - idle / total));
  }
}
