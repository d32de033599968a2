// Runs spin, gcc and pan with a wall-clock limit, a memory limit and an AbortSignal. Each child
// gets its own process group so a timeout or abort kills everything it started.
import { spawn } from 'node:child_process';

export interface RunLimits {
  timeMs: number;
  /** Address-space limit in MB (ulimit -v); 0 for none. */
  memoryMb: number;
}

export interface RunOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

const MAX_OUTPUT = 8 * 1024 * 1024;

/** Starts the wall-clock limit of one run; returns a function that cancels it. */
export type LimitTimer = (ms: number, onExpire: () => void) => () => void;

/** The real clock. Tests pass their own timer so that "the limit was reached" does not depend on machine speed. */
export const wallClockTimer: LimitTimer = (ms, onExpire) => {
  const t = setTimeout(onExpire, ms);
  return () => clearTimeout(t);
};

export function runLimited(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; limits: RunLimits; signal?: AbortSignal; timer?: LimitTimer }): Promise<RunOutcome> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      resolve({ code: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: true, durationMs: 0 });
      return;
    }
    // ulimit through the shell: Node cannot set rlimits on a child itself.
    const kb = Math.floor(opts.limits.memoryMb * 1024);
    const shellArgs = ['-c', `${kb > 0 ? `ulimit -v ${kb} || exit 125; ` : ''}exec "$0" "$@"`, command, ...args];
    const child = spawn('/bin/sh', shellArgs, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    const kill = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const cancelTimer = (opts.timer ?? wallClockTimer)(opts.limits.timeMs, () => {
      timedOut = true;
      kill();
    });
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr.on('data', (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    child.on('error', (err) => {
      cancelTimer();
      opts.signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code, signal) => {
      cancelTimer();
      opts.signal?.removeEventListener('abort', onAbort);
      // A timed-out pan may leave nothing else behind, but make sure the group is gone.
      if (timedOut || aborted) kill();
      resolve({ code, signal, stdout, stderr, timedOut, aborted, durationMs: Date.now() - started });
    });
  });
}
