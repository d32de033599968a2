// Whether bubblewrap can build the command sandbox on this machine, checked once per process by
// starting a sandbox exactly like the real ones (user namespaces are the usual missing piece).
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { sandboxIsolationArgs } from './bwrap-args';

export type SandboxProbe = { ok: true; bwrap: string; prlimit: string } | { ok: false; reason: string };

/** Overrides where bubblewrap is looked for (packagers; tests simulate a machine without it). */
export const BWRAP_PATH_ENV = 'POLICY_EVOLVER_BWRAP';

const PROBE_TIMEOUT_MS = 20_000;

let cached: Promise<SandboxProbe> | undefined;

function findExecutable(name: string, override?: string): string | undefined {
  const candidates = override ? [override] : [`/usr/bin/${name}`, `/bin/${name}`, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name))];
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next
    }
  }
  return undefined;
}

export function probeCommandSandbox(): Promise<SandboxProbe> {
  cached ??= probe();
  return cached;
}

async function probe(): Promise<SandboxProbe> {
  if (process.platform !== 'linux') return { ok: false, reason: `bubblewrap needs Linux, this is ${process.platform}` };
  const override = process.env[BWRAP_PATH_ENV];
  const bwrap = findExecutable('bwrap', override || undefined);
  if (!bwrap) return { ok: false, reason: override ? `${BWRAP_PATH_ENV}=${override} is not an executable` : 'bwrap (Debian/Ubuntu package bubblewrap) is not installed' };
  const prlimit = findExecutable('prlimit');
  if (!prlimit) return { ok: false, reason: 'prlimit (package util-linux) is not installed' };
  const args = [...sandboxIsolationArgs({ network: false }), '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--', prlimit, '--cpu=1', '--', '/bin/sh', '-c', 'exit 0'];
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn(bwrap, args, { env: {}, stdio: ['ignore', 'ignore', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(0, 2000)));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `${bwrap} could not start: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ ok: true, bwrap, prlimit });
      const said = stderr.trim().split('\n')[0]?.trim();
      resolve({ ok: false, reason: said ? said : `${bwrap} ended with ${signal ?? `exit code ${String(code)}`}` });
    });
  });
}
