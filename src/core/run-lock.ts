// One writer per run. A process that opens a run for writing holds `<run>/lock` (its pid, host and
// process start time); a second process is refused with the holder's pid, and a lock whose holder
// is gone (kill -9, power loss) is taken over. Locks are re-entrant within a process, so the
// language server can record a decision on a run it is itself running.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { procStatFields } from './proc-stat';
import { storageError, StorageError } from './store-fs';
import { UserError } from './user-error';

export const LOCK_FILE = 'lock';
const BREAK_FILE = 'lock.break';

interface LockInfo {
  pid: number;
  host: string;
  /** Kernel start time of the holder (Linux), so a recycled pid is not mistaken for the holder. */
  start?: string;
  command?: string;
}

/** Another live process holds the run. */
export class RunLockedError extends UserError {
  constructor(
    message: string,
    readonly holderPid: number,
  ) {
    super(message, 3);
    this.name = 'RunLockedError';
  }
}

const held = new Map<string, number>();

function processStart(pid: number): string | undefined {
  return procStatFields(pid)?.[19];
}

function alive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true; // another machine's process cannot be checked: assume it runs
  if (info.pid === process.pid) return true;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (info.start !== undefined) {
    const now = processStart(info.pid);
    if (now !== undefined && now !== info.start) return false;
  }
  return true;
}

function readLock(path: string): LockInfo | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw storageError(err, `reading the run lock ${path}`);
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    if (Number.isInteger(info.pid) && info.pid > 0 && typeof info.host === 'string') return info;
  } catch {
    // fall through: a lock cut short by a crash while it was written
  }
  return { pid: 0, host: hostname() };
}

/** Creates `path` holding our lock info; false when it already exists. */
function createExclusive(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw storageError(err, `creating the run lock ${path}`);
  }
  try {
    writeSync(fd, JSON.stringify(info));
  } catch (err) {
    closeSync(fd);
    unlinkSync(path);
    throw storageError(err, `writing the run lock ${path}`);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // already closed on the error path
    }
  }
  return true;
}

function removeIfSame(path: string, info: LockInfo): void {
  const now = readLock(path);
  if (now && now.pid === info.pid && now.host === info.host && now.start === info.start) {
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

function recentlyWritten(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 2000;
  } catch {
    return false;
  }
}

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

function describe(dir: string, info: LockInfo): string {
  const who = `process ${info.pid}${info.host !== hostname() ? ` on ${info.host}` : ''}${info.command ? ` (${info.command})` : ''}`;
  // A holder on another machine (a shared folder) cannot be checked from here.
  const remote = info.host !== hostname() ? `; if it is gone, delete ${join(dir, LOCK_FILE)}` : '';
  return `run ${basename(dir)} is in use by ${who}; wait for it to finish or stop it${remote}`;
}

/**
 * Takes the write lock of the run in `dir` and returns its release function. Throws `RunLockedError`
 * when a live process holds it.
 */
export function acquireRunLock(dir: string): () => void {
  const key = join(dir, LOCK_FILE);
  const count = held.get(key);
  if (count !== undefined) {
    held.set(key, count + 1);
    return once(() => release(key));
  }
  const start = processStart(process.pid);
  const mine: LockInfo = { pid: process.pid, host: hostname(), ...(start !== undefined ? { start } : {}), command: process.argv.slice(2, 3).join(' ') || basename(process.argv[1] ?? 'node') };
  const breaker = join(dir, BREAK_FILE);
  for (let attempt = 0; attempt < 200; attempt++) {
    if (createExclusive(key, mine)) {
      held.set(key, 1);
      return once(() => release(key));
    }
    const holder = readLock(key);
    if (!holder) continue; // released between our two calls
    if (holder.pid === 0 && recentlyWritten(key)) {
      // Unreadable but fresh: another process is between creating and filling it.
      pause(5);
      continue;
    }
    if (holder.pid !== 0 && alive(holder)) {
      if (holder.pid === process.pid && holder.host === mine.host) throw new StorageError(`run ${basename(dir)}: this process already holds its lock`);
      throw new RunLockedError(describe(dir, holder), holder.pid);
    }
    // The holder is gone. Only the process that owns the breaker file may remove its lock, so two
    // processes taking over at once cannot both end up believing they hold the run.
    if (createExclusive(breaker, mine)) {
      try {
        const again = readLock(key);
        if (again && again.pid === holder.pid && again.start === holder.start && again.host === holder.host) unlinkSync(key);
      } finally {
        unlinkSync(breaker);
      }
      continue;
    }
    const breaking = readLock(breaker);
    if (breaking && !alive(breaking)) removeIfSame(breaker, breaking);
    else pause(5);
  }
  const last = readLock(key);
  throw new RunLockedError(last ? describe(dir, last) : `run ${basename(dir)}: could not take its lock`, last?.pid ?? 0);
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

function release(key: string): void {
  const count = held.get(key);
  if (count === undefined) return;
  if (count > 1) {
    held.set(key, count - 1);
    return;
  }
  held.delete(key);
  try {
    unlinkSync(key);
  } catch {
    // the run folder was removed, or the lock with it
  }
}

// A process that exits (normally or through process.exit) leaves no lock behind; kill -9 does,
// and the next writer takes that one over.
process.on('exit', () => {
  for (const key of held.keys()) {
    try {
      unlinkSync(key);
    } catch {
      // nothing to remove
    }
  }
  held.clear();
});
