// One command evaluation inside a bubblewrap sandbox. It ends when the main process exits (its PID
// namespace, daemons included, goes with it), when a limit hits, or on cancellation; it never waits
// on a pipe that a stray process holds. Nothing is written to the host's disk.
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { bwrapArgs, SANDBOX_DIR } from './bwrap-args';
import { watchLimits, type LimitHit } from './limits-watch';
import { isRunning, startTimeOf } from './process-tree';
import { drain, OutputCollector } from './output';
import { prlimitArgv, SIGXCPU_STATUS } from './rlimits';
import type { CommandEnd, CommandRun, CommandSandbox, CommandSpec } from './types';

/** After the main process is gone, how long its pipes may take to deliver what is buffered. */
const DRAIN_GRACE_MS = 500;
const STATUS_FD = 3;
/** How often, and at most how long, to look for the namespace's end after bubblewrap exits. */
const TEARDOWN_POLL_MS = 5;
const TEARDOWN_MAX_MS = 10_000;

export function bubblewrapSandbox(tools: { bwrap: string; prlimit: string }): CommandSandbox {
  return { kind: 'bubblewrap', run: (spec) => runInBubblewrap(tools, spec) };
}

function runInBubblewrap(tools: { bwrap: string; prlimit: string }, spec: CommandSpec): Promise<CommandRun> {
  const { command, env } = spec.prepare(SANDBOX_DIR);
  const files = spec.files.map((file, i) => ({ ...file, fd: STATUS_FD + 1 + i }));
  const args = bwrapArgs({
    network: spec.network,
    cwd: spec.cwd,
    ...(spec.readOnlyBinds ? { readOnlyBinds: spec.readOnlyBinds } : {}),
    scratchBytes: spec.limits.scratchMb * 1024 * 1024,
    files: files.map(({ fd, name }) => ({ fd, name })),
    env,
    statusFd: STATUS_FD,
    argv: prlimitArgv(tools.prlimit, spec.limits, command),
  });
  return new Promise((resolve) => {
    // bubblewrap's own process is PID 1 inside and its environment is readable there: give it none.
    const child = spawn(tools.bwrap, args, { env: {}, stdio: ['ignore', 'pipe', 'pipe', 'pipe', ...files.map(() => 'pipe' as const)] });
    let end: CommandEnd | undefined;
    let detail: string | undefined;
    let sandboxPid: number | undefined;
    let sandboxStart: string | undefined;
    let stopWatch = (): void => undefined;
    let settled = false;
    const kill = (why: CommandEnd, what?: string): void => {
      if (end === undefined) {
        end = why;
        detail = what;
      }
      stopWatch();
      // Killing the namespace's init takes every process in it; bubblewrap then exits.
      if (sandboxPid !== undefined && child.exitCode === null && child.signalCode === null) signalQuietly(sandboxPid);
      child.kill('SIGKILL');
    };
    const output = new OutputCollector(spec.limits.maxOutputBytes, () => kill('output'));
    output.attach(child.stdout as Readable, child.stderr as Readable);

    const timer = setTimeout(() => kill('timeout'), spec.limits.timeoutMs);
    const onAbort = (): void => kill('cancelled');
    spec.signal.addEventListener('abort', onAbort, { once: true });

    let status = '';
    const statusStream = child.stdio[STATUS_FD] as Readable;
    statusStream.setEncoding('utf8');
    statusStream.on('data', (chunk: string) => {
      status = (status + chunk).slice(0, 4096);
      const match = /"child-pid":\s*(\d+)/.exec(status);
      if (!match || sandboxPid !== undefined) return;
      sandboxPid = Number(match[1]);
      sandboxStart = startTimeOf(sandboxPid);
      // The pid can arrive after bubblewrap has exited (while its pipes drain): a watcher started
      // then would never be stopped, and its timer kept the whole process from ending.
      if (end !== undefined || settled) signalQuietly(sandboxPid);
      else stopWatch = watchLimits(sandboxPid, spec.limits, (hit: LimitHit) => kill(hit.end, hit.detail));
    });
    statusStream.on('error', () => undefined);
    for (const file of files) {
      const stream = child.stdio[file.fd] as Writable;
      // bubblewrap may fail before reading; its exit reports that, not a broken pipe.
      stream.on('error', () => undefined);
      stream.end(file.content);
    }

    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWatch();
      spec.signal.removeEventListener('abort', onAbort);
      // The status pipe may deliver the sandbox's pid only while draining: look for its end after.
      void drain([child.stdout as Readable, child.stderr as Readable, statusStream], DRAIN_GRACE_MS).then(async () => {
        await namespaceGone(sandboxPid, sandboxStart);
        const stderr = output.stderr;
        let finalEnd: CommandEnd = end ?? 'exited';
        let finalDetail = detail;
        if (spawnError !== undefined) {
          finalEnd = 'sandbox';
          finalDetail = `bubblewrap could not start: ${spawnError}`;
        } else if (finalEnd === 'exited' && !/"exit-code"/.test(status)) {
          // bubblewrap reports an exit code only for a command that ran: it could not build the sandbox.
          finalEnd = 'sandbox';
          finalDetail = stderr.trim().split('\n').filter((l) => l.startsWith('bwrap:')).pop() ?? `bubblewrap ended with ${signal ?? `exit code ${String(code)}`}`;
        } else if (finalEnd === 'exited' && code === SIGXCPU_STATUS) {
          finalEnd = 'cpu';
          finalDetail = 'a process used up its CPU time';
        }
        resolve({ end: finalEnd, code, signal, stdout: output.stdout, stderr, ...(finalDetail !== undefined ? { detail: finalDetail } : {}) });
      });
    };
    child.on('error', (error) => finish(null, null, error.message));
    // 'exit', not 'close': the pipes may still be held by a process that is being torn down.
    child.on('exit', (code, signal) => finish(code, signal));
    if (spec.signal.aborted) onAbort();
  });
}

/**
 * bubblewrap exits as soon as the command does, while the namespace's init is still killing what
 * is left in it: an evaluation is over only when the init has finished, daemons with it.
 */
async function namespaceGone(pid: number | undefined, start: string | undefined): Promise<void> {
  if (pid === undefined || start === undefined) return;
  signalQuietly(pid);
  const deadline = Date.now() + TEARDOWN_MAX_MS;
  while (isRunning(pid, start) && Date.now() < deadline) await new Promise((r) => setTimeout(r, TEARDOWN_POLL_MS));
}

function signalQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
