// Imported first by the sandbox worker entry, before anything that takes time to load: an engine
// killed (kill -9) while its worker was still starting must not leave the worker or its private
// folder behind. The pool passes its pid, since the engine may already be gone when this runs.
import { removeWorkFolder, startOrphanWatchdog } from './orphan-watchdog';

/** The worker's private folder (its cwd, made by worker-process.ts); nothing else is ever removed. */
export const workFolder = /policy-evolver-sandbox-\d+-/.test(process.cwd()) ? process.cwd() : undefined;
export const enginePid = Number(process.argv[2]) || process.ppid;

// Whatever ends this process without its engine (a failed write to a closed pipe, the IPC channel
// closing) removes the folder; a normal close leaves that to the engine.
process.on('exit', () => {
  if (process.ppid !== enginePid) removeWorkFolder(workFolder);
});
startOrphanWatchdog(enginePid, workFolder);
