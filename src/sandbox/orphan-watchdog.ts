// If the engine process dies while a candidate spins in an infinite loop, nothing would ever
// kill this worker: its main thread never returns to read the closed link to the engine
// (worker-link.ts). Where the kernel is not asked to (parent-death-signal.ts), a tiny thread, which keeps
// running while the main thread is stuck, kills the process once it has been re-parented,
// removing its private working folder first (a killed engine never gets to).
import { rmSync } from 'node:fs';

const CHECK_INTERVAL_MS = 500;

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { rmSync } = require('node:fs');
setInterval(() => {
  if (process.ppid === workerData.parentPid) return;
  if (workerData.dir) {
    try {
      rmSync(workerData.dir, { recursive: true, force: true });
    } catch {
      // the next engine's sweep removes it
    }
  }
  process.kill(process.pid, 'SIGKILL');
}, workerData.intervalMs);
`;

/** Removes the worker's private working folder; the process is about to end without its engine. */
export function removeWorkFolder(dir: string | undefined): void {
  if (!dir) return;
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // the next engine's sweep removes it
  }
}

/**
 * `parentPid`: the engine that started this worker (it may already be gone when this runs, so it
 * is passed in rather than read); `dir`: the worker's private working folder, removed when the
 * worker finds itself orphaned.
 */
export function startOrphanWatchdog(parentPid: number, dir?: string): void {
  // Loaded here, not on import: where the kernel kills workers instead, this module costs nothing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
  const watchdog = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { parentPid, intervalMs: CHECK_INTERVAL_MS, dir },
    // A few MB are enough; keeps the thread from counting much against the job's memory.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    stdout: false,
    stderr: false,
  });
  // Losing the watchdog only loses orphan protection; it must never take the worker down.
  watchdog.on('error', () => undefined);
  watchdog.unref();
}
