// If the engine process dies while a candidate spins in an infinite loop, nothing would ever
// kill this worker: its main thread never returns to the event loop to notice the closed IPC
// channel. A tiny thread, which keeps running while the main thread is stuck, kills the
// process once it has been re-parented.
import { Worker } from 'node:worker_threads';

const CHECK_INTERVAL_MS = 500;

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parentPid) process.kill(process.pid, 'SIGKILL');
}, workerData.intervalMs);
`;

export function startOrphanWatchdog(): void {
  const watchdog = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { parentPid: process.ppid, intervalMs: CHECK_INTERVAL_MS },
    // A few MB are enough; keeps the thread from counting much against the job's memory.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    stdout: false,
    stderr: false,
  });
  // Losing the watchdog only loses orphan protection; it must never take the worker down.
  watchdog.on('error', () => undefined);
  watchdog.unref();
}
