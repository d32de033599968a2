// The command sandbox of a run: bubblewrap, or nothing when the run opted out.
import { bubblewrapSandbox } from './run-bubblewrap';
import { unsandboxed } from './run-unsandboxed';
import { probeCommandSandbox } from './probe';
import type { CommandSandbox } from './types';
import { existsSync } from 'node:fs';

export type { CommandEnd, CommandFile, CommandLimits, CommandRun, CommandSandbox, CommandSpec } from './types';
export { describeLimit } from './limits-watch';

/** The flag that runs command candidates without the OS sandbox. */
export const UNSANDBOXED_FLAG = '--unsandboxed-commands';

export class CommandSandboxUnavailable extends Error {
  constructor(reason: string) {
    super(`command candidates run in a bubblewrap sandbox, which cannot start here (${reason}); install bubblewrap and allow user namespaces, or pass ${UNSANDBOXED_FLAG} (evaluator option "unsandboxed": true) to run them without it`);
    this.name = 'CommandSandboxUnavailable';
  }
}

/** Throws CommandSandboxUnavailable when bubblewrap cannot run and the run did not opt out. */
export async function openCommandSandbox(options: { unsandboxed: boolean }): Promise<CommandSandbox> {
  if (options.unsandboxed) return unsandboxed(['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p)));
  const probe = await probeCommandSandbox();
  if (!probe.ok) throw new CommandSandboxUnavailable(probe.reason);
  return bubblewrapSandbox(probe);
}
