// A sandbox worker must die with its engine, even while a candidate spins in a loop that never
// returns to read the closed link to its engine. On Linux the kernel can do that: a process
// started through util-linux's `setpriv --pdeathsig KILL` is killed when the thread that started
// it ends, and node starts children from its main thread, so that is when the engine process
// ends. It costs nothing at run time, where the fallback, a watchdog thread inside the worker
// (orphan-watchdog.ts), costs a whole second JS environment in every worker (about a quarter of a
// one-job command's CPU outside the simulation).
import { readFileSync } from 'node:fs';

/** The worker argument saying the kernel kills it with its engine; see worker-orphan.ts. */
export const PARENT_DEATH_SIGNAL_ARG = 'parent-death-signal';

/** Fixed locations only: a `setpriv` found through PATH could be anything. */
const SETPRIV_PATHS = ['/usr/bin/setpriv', '/bin/setpriv'];

let found: string | null | undefined;

/**
 * The `setpriv` that accepts `--pdeathsig` (util-linux 2.33 and later), or null. Its option table
 * is read from the binary rather than by running it: a probe process would cost more than the
 * worker start this saves a share of.
 */
export function setprivWithParentDeathSignal(): string | null {
  if (found !== undefined) return found;
  found = null;
  if (process.platform !== 'linux') return found;
  for (const path of SETPRIV_PATHS) {
    let binary: Buffer;
    try {
      binary = readFileSync(path);
    } catch {
      continue;
    }
    if (binary.includes('pdeathsig')) {
      found = path;
      break;
    }
  }
  return found;
}

/** The command and arguments that run `command args` with the parent death signal set. */
export function withParentDeathSignal(setpriv: string, command: string, args: readonly string[]): { file: string; args: string[] } {
  return { file: setpriv, args: ['--pdeathsig', 'KILL', '--', command, ...args] };
}
