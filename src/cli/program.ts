// The whole command tree, every command group loaded: for the top-level help and for tests that
// drive many inputs through one process. The launcher (main.ts) loads only the group it needs.
import type { Command } from 'commander';
import { baseProgram } from './base-program';
import { registerClusterCommands } from './commands/cluster';
import { registerEvolveCommands } from './commands/evolve';
import { registerExportRlCommands } from './commands/export-rl';
import { registerFaasCommands } from './commands/faas';
import { registerLlmCommands } from './commands/llm';
import { registerProtocolCommands } from './commands/protocol';
import { registerStatusCommands } from './commands/status';
import { registerWorkerCommands } from './commands/worker';
import { registerRunCommands } from './commands/runs';

export function buildProgram(): Command {
  const program = baseProgram();
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
