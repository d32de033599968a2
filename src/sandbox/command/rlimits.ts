// Per-process limits set with prlimit right before the shell starts: a backstop for what the tree
// watch samples (a single process cannot outrun them between two samples) and the one guard for
// what it cannot see (file sizes, core dumps).
import type { CommandLimits } from './types';

export function prlimitArgv(prlimit: string, limits: CommandLimits, command: string): string[] {
  const mb = 1024 * 1024;
  return [
    prlimit,
    // SIGXCPU at the soft limit (reported as such), SIGKILL a second later for processes that ignore it.
    `--cpu=${Math.max(1, Math.ceil(limits.cpuSeconds))}:${Math.max(1, Math.ceil(limits.cpuSeconds)) + 1}`,
    // Private writable memory per process; reservations without backing (V8, Go, the JVM) do not count.
    `--data=${limits.memoryMb * mb}`,
    `--fsize=${limits.scratchMb * mb}`,
    `--nproc=${limits.maxProcesses}`,
    '--core=0',
    '--',
    '/bin/sh',
    '-c',
    command,
  ];
}

/** Exit status a shell reports for a child killed by SIGXCPU (the CPU rlimit). */
export const SIGXCPU_STATUS = 128 + 24;
