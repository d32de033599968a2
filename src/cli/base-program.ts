// The root of the command tree without any command: what `--version` needs, and what every
// command group is registered on (see command-groups.ts).
import { Command } from 'commander';

export function baseProgram(): Command {
  return new Command()
    .name('policy-evolver')
    .description('Evolve scheduling policies and distributed protocols with generated code and machine-checked scores.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}
