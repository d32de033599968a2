// Imported first by the sandbox worker entry, before anything that takes time to load: a worker
// must never outlive its engine (kill -9 of the engine included), nor leave its folder behind.
import { removeWorkFolder, startOrphanWatchdog } from './orphan-watchdog';
import { PARENT_DEATH_SIGNAL_ARG } from './parent-death-signal';

/** The engine that started this worker; the pool passes its pid since it may be gone already. */
const enginePid = Number(process.argv[2]) || process.ppid;
/** Started with a parent death signal, the kernel kills this process with its engine. */
const killedWithEngine = process.argv[4] === PARENT_DEATH_SIGNAL_ARG;

// The private folder (made by worker-process.ts) exists only to be this worker's empty cwd. The
// bundled worker removes it once it stands in it: an unlinked directory takes no new entries (a
// core dump included), and a worker killed later leaves nothing behind; node keeps the cwd it
// read. Run from sources (tests), tsx compiles files on demand through an esbuild process started
// in this folder, so there it stays, and whatever ends the worker without its engine removes it.
let workFolder = /policy-evolver-sandbox-\d+-/.test(process.cwd()) ? process.cwd() : undefined;
if (workFolder !== undefined && __filename.endsWith('.js')) {
  removeWorkFolder(workFolder);
  workFolder = undefined;
}

process.on('exit', () => {
  if (process.ppid !== enginePid) removeWorkFolder(workFolder);
});
/** Ends the worker once its link to the engine closed (worker-link.ts). */
export function engineGone(): never {
  // A normal close removes the folder itself; a killed engine cannot.
  if (process.ppid !== enginePid) removeWorkFolder(workFolder);
  process.exit(0);
}

// An engine that died before the kernel or the watchdog could watch it has already re-parented
// this process: nothing will ever send it work.
if (process.ppid !== enginePid) process.exit(0);
if (!killedWithEngine) startOrphanWatchdog(enginePid, workFolder);
