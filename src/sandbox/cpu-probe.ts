// CPU time of a sandbox worker and of the whole host, read from /proc, so a wall-clock limit can
// tell a candidate that computed for too long from one whose worker never got the CPU (a host
// overloaded by other work) or that sat blocked without computing.
import { readFileSync } from 'node:fs';

// Clock ticks per second of /proc/<pid>/stat and /proc/stat; 100 on every Linux architecture Node supports.
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds used by a process, or undefined where unknown (not Linux, process gone). */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** Idle CPU seconds of the host so far, summed over its cores, or undefined where unknown. */
export function hostIdleSeconds(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // idle and iowait
    const ticks = (fields[3] ?? NaN) + (fields[4] ?? 0);
    return Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
