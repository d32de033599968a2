// Resource use of a whole process tree, read from /proc on the host. Inside a PID namespace every
// process, including daemons that setsid or double-fork, stays a descendant of the namespace's
// init, so walking `children` from it sees everything the sandboxed command started.
import { readdirSync, readFileSync } from 'node:fs';
import { procStatFields } from '../../core/proc-stat';

export interface TreeUsage {
  processes: number;
  rssBytes: number;
  /** User + system CPU of live processes plus what they reaped from finished children. */
  cpuSeconds: number;
}

const PAGE_BYTES = 4096;
// Clock ticks per second of /proc/<pid>/stat; 100 on every Linux architecture Node supports.
const TICKS_PER_SECOND = 100;
/** A tree bigger than this is over any sensible limit already; stop walking it. */
const MAX_WALK = 100_000;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  // A child belongs to the thread that forked it, so every thread's list is read.
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tids) {
    const list = read(`/proc/${pid}/task/${tid}/children`);
    if (list === undefined) continue;
    for (const p of list.split(' ')) if (p.trim()) out.push(Number(p));
  }
  return out;
}

function usageOf(pid: number): { rss: number; cpu: number } | undefined {
  const statm = read(`/proc/${pid}/statm`);
  const fields = procStatFields(pid);
  if (statm === undefined || fields === undefined) return undefined;
  const rssPages = Number(statm.split(' ')[1]);
  // utime, stime, cutime, cstime are fields 14-17, i.e. indexes 11-14 after the name.
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  return { rss: Number.isFinite(rssPages) ? rssPages * PAGE_BYTES : 0, cpu: Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : 0 };
}

/** Usage of `root` and all its descendants, or undefined once `root` is gone. */
export function treeUsage(root: number): TreeUsage | undefined {
  const first = usageOf(root);
  if (!first) return undefined;
  const total: TreeUsage = { processes: 1, rssBytes: first.rss, cpuSeconds: first.cpu };
  const pending = childrenOf(root);
  while (pending.length > 0 && total.processes < MAX_WALK) {
    const pid = pending.pop() as number;
    const usage = usageOf(pid);
    if (!usage) continue;
    total.processes++;
    total.rssBytes += usage.rss;
    total.cpuSeconds += usage.cpu;
    for (const child of childrenOf(pid)) pending.push(child);
  }
  return total;
}

/** When `pid` started (clock ticks after boot): tells it from a later process that reuses the pid. */
export function startTimeOf(pid: number): string | undefined {
  return procStatFields(pid)?.[19];
}

/** Whether the process `pid` that started at `start` is still running (a zombie has finished). */
export function isRunning(pid: number, start: string): boolean {
  const fields = procStatFields(pid);
  if (fields === undefined) return false;
  return fields[0] !== 'Z' && fields[0] !== 'X' && fields[19] === start;
}
