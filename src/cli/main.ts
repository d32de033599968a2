#!/usr/bin/env node
// policy-evolver: the headless CLI on the same engine as the editor extension.
import { Command } from 'commander';
import { registerClusterCommands } from './commands/cluster';
import { registerEvolveCommands } from './commands/evolve';
import { registerExportRlCommands } from './commands/export-rl';
import { registerFaasCommands } from './commands/faas';
import { registerLlmCommands } from './commands/llm';
import { registerProtocolCommands } from './commands/protocol';
import { registerStatusCommands } from './commands/status';
import { registerWorkerCommands } from './commands/worker';
import { registerRunCommands } from './commands/runs';
import { runProgram } from '../app/run-program';

/** The whole command tree; exported so a test can drive many inputs through it in one process. */
export function buildProgram(): Command {
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

if (require.main === module) void runProgram(buildProgram(), process.argv);
