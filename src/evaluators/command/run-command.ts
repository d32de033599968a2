// Runs a shell command as its own process group so a timeout or cancellation kills the whole tree,
// with stdout capped and an environment stripped of anything that looks like a secret.
import { spawn } from 'node:child_process';

export interface CommandRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  overflowed: boolean;
  cancelled: boolean;
}

// Broker URLs carry credentials too (amqp://user:password@host).
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL|AUTH|BROKER|AMQP/i;

export function scrubbedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!SECRET_NAME.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export function runCommand(command: string, options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; maxOutputBytes: number; signal: AbortSignal }): Promise<CommandRun> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let timedOut = false;
    let overflowed = false;
    let cancelled = false;
    const killTree = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, options.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      killTree();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > options.maxOutputBytes) {
        if (!overflowed) {
          overflowed = true;
          killTree();
        }
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // Keep only the tail of stderr: it is for error messages.
      errBytes += chunk.length;
      err.push(chunk);
      while (errBytes > 64 * 1024 && err.length > 1) errBytes -= (err.shift() as Buffer).length;
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      // The shell may exit while its children still hold the pipes; make sure none survive.
      killTree();
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut, overflowed, cancelled });
    };
    child.on('error', () => finish(127, null));
    child.on('close', finish);
    if (options.signal.aborted) onAbort();
  });
}
