// Execution physics in Eudoxia's exact floating-point arithmetic. Every seconds-to-ticks
// conversion divides by the tick length and truncates, in that order, because results must match
// Eudoxia to the tick.
import { cLog } from './c-log';
import type { ScalingName } from './types';

/** Storage is read, and suspended containers write their RAM, at this rate (GB/s). */
export const DISK_GB_PER_SECOND = 20;

export function tickLength(ticksPerSecond: number): number {
  return 1.0 / ticksPerSecond;
}

export function secondsToTicks(seconds: number, tick: number): number {
  return Math.trunc(seconds / tick);
}

/** Compute seconds of an operator given `cpus`, per scaling curve. */
export function cpuSeconds(scaling: ScalingName, cpus: number, baseline: number): number {
  switch (scaling) {
    case 'const':
      return baseline;
    case 'linear3':
      return cpus < 3 ? baseline / cpus : baseline / 3;
    case 'linear7':
      return cpus < 7 ? baseline / cpus : baseline / 7;
    case 'log':
      // numpy's log, not V8's: they differ by an ulp for some CPU counts, enough to move a tick.
      return baseline / (cLog(cpus) + 1);
    case 'sqrt':
      return baseline / Math.sqrt(cpus);
    case 'squared':
      return baseline / (cpus * cpus);
    case 'exp':
      return cpus < 4 ? baseline / 2 ** cpus : baseline / 16;
  }
}

export function ioTicksOf(storageReadGb: number, tick: number): number {
  return secondsToTicks(storageReadGb / DISK_GB_PER_SECOND, tick);
}

export function cpuTicksOf(scaling: ScalingName, cpus: number, baseline: number, tick: number): number {
  return secondsToTicks(cpuSeconds(scaling, cpus, baseline), tick);
}

/** Memory in use at I/O tick `i` (0-based) of an operator whose memory grows with reads. */
export function ioMemory(i: number, tick: number): number {
  return (i + 1) * tick * DISK_GB_PER_SECOND;
}

/**
 * First I/O tick index whose memory exceeds `limit`, or -1 if none of the `ioTicks` ticks does.
 * Memory grows monotonically with the index, so an estimate is corrected by stepping.
 */
export function firstIoTickOver(limit: number, ioTicks: number, tick: number): number {
  if (ioTicks <= 0 || !(ioMemory(ioTicks - 1, tick) > limit)) return -1;
  let i = Math.max(0, Math.min(ioTicks - 1, Math.floor(limit / (tick * DISK_GB_PER_SECOND)) - 1));
  while (i > 0 && ioMemory(i - 1, tick) > limit) i--;
  while (!(ioMemory(i, tick) > limit)) i++;
  return i;
}

/** Ticks a suspension spends writing `ramGb` to disk. */
export function suspendTicksOf(ramGb: number, tick: number): number {
  return secondsToTicks(ramGb / DISK_GB_PER_SECOND, tick);
}
