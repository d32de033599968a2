// Runs a commander program the way every policy-evolver entry point (the CLI, the worker process)
// must: errors a user can act on are one line and an exit code, never a stack trace.
import { Command, CommanderError } from 'commander';
import { BlockError } from '../core/evolve-blocks';
import { UserError } from '../core/user-error';
import { ExitCode } from './exit-codes';
import { scrubSecrets } from '../core/secrets';
import { onCacheUnusable } from '../core/disk-cache';

const MAX_LINE = 2000;

/** Folds a multi-line message (a list of problems under a heading) into one line. */
export function oneLine(message: string): string {
  const line = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .reduce((acc, l) => (acc === '' ? l : acc.endsWith(':') ? `${acc} ${l}` : `${acc}; ${l}`), '');
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
}

/**
 * Commander writes a parse error over several lines (the error, a "Did you mean" hint, the
 * help pointer): silence its writer on every command so runProgram prints the error as one line.
 */
function silenceParseErrors(command: Command): void {
  command.configureOutput({ outputError: () => undefined }).showHelpAfterError(false);
  for (const sub of command.commands) silenceParseErrors(sub);
}

export async function runProgram(program: Command, argv: string[]): Promise<void> {
  onCacheUnusable((message) => void process.stderr.write(`warning: ${message}\n`));
  try {
    silenceParseErrors(program);
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : ExitCode.usage;
      // Help and version were written already; an error gets its one line here.
      if (err.exitCode !== 0 && !['commander.help', 'commander.helpDisplayed', 'commander.version', 'commander.executeSubCommandAsync'].includes(err.code)) {
        const message = err.message.replace(/^error: /, '').replace(/\n\(Did you mean ([^)]*)\)/, ' (did you mean $1)');
        process.stderr.write(`policy-evolver: ${scrubSecrets(oneLine(message))}; run with --help for usage\n`);
      }
      return;
    }
    if (err instanceof UserError || err instanceof BlockError) {
      const code = err instanceof UserError ? err.exitCode : ExitCode.badInput;
      // Bad input and usage errors are one line, whatever shape the message was built in; an
      // evaluation failure (exit 4) keeps the evaluator's feedback on the lines below it.
      const message = code === ExitCode.usage || code === ExitCode.badInput ? oneLine(err.message) : err.message;
      process.stderr.write(`policy-evolver: ${scrubSecrets(message)}\n`);
      process.exitCode = code;
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
