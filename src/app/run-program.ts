// Runs a commander program the way every policy-evolver entry point (the CLI, the worker process)
// must: errors a user can act on are one line and an exit code, never a stack trace.
import { Command, CommanderError } from 'commander';
import { BlockError } from '../core/evolve-blocks';
import { UserError } from '../core/user-error';
import { ExitCode } from './exit-codes';
import { scrubSecrets } from '../core/secrets';

export async function runProgram(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : ExitCode.usage;
      return;
    }
    if (err instanceof UserError || err instanceof BlockError) {
      process.stderr.write(`policy-evolver: ${scrubSecrets(err.message)}\n`);
      process.exitCode = err instanceof UserError ? err.exitCode : ExitCode.badInput;
      return;
    }
    const e = err as NodeJS.ErrnoException;
    // A file-system refusal (missing file, full disk, read-only or wrong kind of path) is the user's to fix.
    if (e && typeof e.code === 'string' && typeof e.syscall === 'string') {
      process.stderr.write(`policy-evolver: ${scrubSecrets(e.message.split('\n')[0] ?? '')}\n`);
      process.exitCode = ExitCode.badInput;
      return;
    }
    process.stderr.write(`policy-evolver: internal error: ${scrubSecrets(e?.message ?? String(err))}\n`);
    if (process.env.POLICY_EVOLVER_DEBUG) process.stderr.write(`${scrubSecrets(e?.stack ?? '')}\n`);
    process.exitCode = ExitCode.internal;
  }
}
