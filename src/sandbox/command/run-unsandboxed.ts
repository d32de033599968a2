// The opt-out (--unsandboxed-commands): the command runs as an ordinary process group with the same
// limits watched, in a private temporary folder. Without a PID namespace a process that leaves the
// group (setsid) can outlive the evaluation; that is the trade the opt-out accepts.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { sweepFoldersOfDeadOwners } from '../stale-folders';
import { watchLimits } from './limits-watch';
import { drain, OutputCollector } from './output';
import { prlimitArgv, SIGXCPU_STATUS } from './rlimits';
import type { CommandEnd, CommandRun, CommandSandbox, CommandSpec } from './types';

const DRAIN_GRACE_MS = 500;
const DIR_PREFIX = 'policy-evolver-command-';

export function unsandboxed(prlimit: string | undefined): CommandSandbox {
  return { kind: 'none', run: (spec) => runUnsandboxed(prlimit, spec) };
}


async function runUnsandboxed(prlimit: string | undefined, spec: CommandSpec): Promise<CommandRun> {
  sweepFoldersOfDeadOwners(DIR_PREFIX);
  const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  try {
    mkdirSync(join(dir, 'tmp'));
    for (const file of spec.files) writeFileSync(join(dir, file.name), file.content);
    const { command, env } = spec.prepare(dir);
    const argv = prlimit ? prlimitArgv(prlimit, spec.limits, command) : ['/bin/sh', '-c', command];
    return await new Promise<CommandRun>((resolve) => {
      const child = spawn(argv[0] as string, argv.slice(1), { cwd: spec.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let end: CommandEnd | undefined;
      let detail: string | undefined;
      let stopWatch = (): void => undefined;
      const killGroup = (): void => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      const kill = (why: CommandEnd, what?: string): void => {
        if (end === undefined) {
          end = why;
          detail = what;
        }
        stopWatch();
        killGroup();
      };
      const output = new OutputCollector(spec.limits.maxOutputBytes, () => kill('output'));
      output.attach(child.stdout, child.stderr);
      const timer = setTimeout(() => kill('timeout'), spec.limits.timeoutMs);
      const onAbort = (): void => kill('cancelled');
      spec.signal.addEventListener('abort', onAbort, { once: true });
      if (child.pid !== undefined) stopWatch = watchLimits(child.pid, spec.limits, (hit) => kill(hit.end, hit.detail));
      let settled = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stopWatch();
        spec.signal.removeEventListener('abort', onAbort);
        // Background children of the main process go with it.
        killGroup();
        void drain([child.stdout as Readable, child.stderr as Readable], DRAIN_GRACE_MS).then(() => {
          let finalEnd: CommandEnd = end ?? 'exited';
          let finalDetail = detail;
          if (spawnError !== undefined) {
            finalEnd = 'sandbox';
            finalDetail = `the command could not start: ${spawnError}`;
          } else if (finalEnd === 'exited' && code === SIGXCPU_STATUS) {
            finalEnd = 'cpu';
            finalDetail = 'a process used up its CPU time';
          }
          resolve({ end: finalEnd, code, signal, stdout: output.stdout, stderr: output.stderr, ...(finalDetail !== undefined ? { detail: finalDetail } : {}) });
        });
      };
      child.on('error', (error) => finish(null, null, error.message));
      child.on('exit', (code, signal) => finish(code, signal));
      if (spec.signal.aborted) onAbort();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
