#!/usr/bin/env node
// policy-evolver: the headless CLI on the same engine as the editor extension.
import { Command, CommanderError } from 'commander';
import { BlockError } from '../core/evolve-blocks';
import { registerClusterCommands } from './commands/cluster';
import { registerEvolveCommands } from './commands/evolve';
import { registerExportRlCommands } from './commands/export-rl';
import { registerFaasCommands } from './commands/faas';
import { registerLlmCommands } from './commands/llm';
import { registerProtocolCommands } from './commands/protocol';
import { registerStatusCommands } from './commands/status';
import { registerWorkerCommands } from './commands/worker';
import { registerRunCommands } from './commands/runs';
import { ExitCode, UserError } from './errors';

function buildProgram(): Command {
  const program = new Command();
  program
    .name('policy-evolver')
    .description('Evolve scheduling policies and distributed protocols with generated code and machine-checked scores.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerEvolveCommands(program);
  registerRunCommands(program);
  registerLlmCommands(program);
  registerExportRlCommands(program);
  registerFaasCommands(program);
  registerProtocolCommands(program);
  registerClusterCommands(program);
  registerWorkerCommands(program);
  registerStatusCommands(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : ExitCode.usage;
      return;
    }
    if (err instanceof UserError) {
      process.stderr.write(`policy-evolver: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof BlockError) {
      process.stderr.write(`policy-evolver: ${err.message}\n`);
      process.exitCode = ExitCode.badInput;
      return;
    }
    const e = err as NodeJS.ErrnoException;
    if (e && (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR')) {
      process.stderr.write(`policy-evolver: ${e.message}\n`);
      process.exitCode = ExitCode.badInput;
      return;
    }
    process.stderr.write(`policy-evolver: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.POLICY_EVOLVER_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    process.exitCode = ExitCode.internal;
  }
}

void main(process.argv);
