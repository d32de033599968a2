// The bubblewrap command line of one sandboxed evaluation. Everything here is about what the
// command can see and do; limits that need watching over time live in run-bubblewrap.ts.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';

/** Where the command's files and writable scratch live, as the command sees it. */
export const SANDBOX_DIR = '/run/policy-evolver';

/**
 * New namespaces for everything (the PID namespace makes every process, daemons included, die
 * with the sandbox; the network namespace has only loopback), no capabilities, no nested user
 * namespaces, no controlling terminal, and death with the engine process.
 */
export function sandboxIsolationArgs(options: { network: boolean }): string[] {
  return [
    '--unshare-all',
    '--unshare-user',
    ...(options.network ? ['--share-net'] : []),
    '--disable-userns',
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--new-session',
  ];
}

export interface BwrapLayout {
  network: boolean;
  /** Host folder the command starts in (visible read-only). */
  cwd: string;
  scratchBytes: number;
  /** Host folders bound read-only at the same path, after the masks. */
  readOnlyBinds?: string[];
  /** fd number -> file name inside SANDBOX_DIR */
  files: { fd: number; name: string }[];
  env: Record<string, string>;
  /** bubblewrap writes the sandbox's pid here, then the command's exit code once it ran. */
  statusFd: number;
  /** Argument vector run inside, e.g. prlimit ... -- /bin/sh -c COMMAND */
  argv: string[];
}

/** Folders whose host contents the command must not see: sockets of services, other users' temp files, the user's home (keys, tokens). */
function maskedFolders(): string[] {
  const masked = ['/tmp', '/var/tmp', '/run'];
  const home = homedir();
  if (home && resolve(home) !== '/') masked.push(resolve(home));
  // A folder that does not exist has nothing to hide (and bubblewrap cannot create it on a read-only root).
  return masked.filter((folder) => existsSync(folder));
}

export function bwrapArgs(layout: BwrapLayout): string[] {
  const args = [...sandboxIsolationArgs({ network: layout.network }), '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev'];
  // --dev already gives a private, empty /dev/shm.
  for (const folder of maskedFolders()) args.push('--size', String(layout.scratchBytes), '--tmpfs', folder);
  // With the network on, name resolution may live under /run (systemd-resolved).
  if (layout.network) args.push('--ro-bind-try', '/run/systemd/resolve', '/run/systemd/resolve');
  // The evaluator's own folder (scripts, data) stays visible even when it lies in a masked one.
  const cwd = resolve(layout.cwd);
  if (cwd !== '/') args.push('--ro-bind', cwd, cwd);
  for (const folder of layout.readOnlyBinds ?? []) args.push('--ro-bind', resolve(folder), resolve(folder));
  args.push('--size', String(layout.scratchBytes), '--perms', '0755', '--tmpfs', SANDBOX_DIR);
  for (const file of layout.files) args.push('--perms', '0644', '--file', String(file.fd), `${SANDBOX_DIR}/${file.name}`);
  args.push('--dir', `${SANDBOX_DIR}/tmp`, '--chdir', cwd, '--clearenv');
  for (const [key, value] of Object.entries(layout.env)) args.push('--setenv', key, value);
  args.push('--json-status-fd', String(layout.statusFd), '--', ...layout.argv);
  return args;
}
