// Which module registers which top-level commands (command-names.ts), each loaded only when one of
// its commands runs: a command never parses or initialises another command's code (the LLM SDKs,
// TensorFlow, the broker client...). The shipped CLI goes further and starts a group's own bundle
// (launch.ts); these loaders serve runs from sources and the full bundle. test/cli/command-groups.test.ts
// checks the names against the full tree and the loaders against the names.
import type { Command } from 'commander';
import { COMMAND_GROUP_NAMES, commandWord, groupOf, isVersionQuery, type CommandGroupName, type GroupName } from './command-names';

export type Register = (program: Command) => void;

export interface CommandGroup extends CommandGroupName {
  load(): Promise<Register>;
}

const LOADERS: { [G in GroupName]: () => Promise<Register> } = {
  evolve: async () => (await import('./commands/evolve.js')).registerEvolveCommands,
  runs: async () => (await import('./commands/runs.js')).registerRunCommands,
  llm: async () => (await import('./commands/llm.js')).registerLlmCommands,
  'export-rl': async () => (await import('./commands/export-rl.js')).registerExportRlCommands,
  faas: async () => (await import('./commands/faas.js')).registerFaasCommands,
  protocol: async () => (await import('./commands/protocol.js')).registerProtocolCommands,
  cluster: async () => (await import('./commands/cluster/index.js')).registerClusterCommands,
  worker: async () => (await import('./commands/worker.js')).registerWorkerCommands,
  status: async () => (await import('./commands/status.js')).registerStatusCommands,
};

export const COMMAND_GROUPS: readonly CommandGroup[] = COMMAND_GROUP_NAMES.map((names) => ({ ...names, load: LOADERS[names.group] }));

/** The whole command tree: for the top-level help and unknown commands, and for tests that drive many inputs through one process. */
export async function fullProgram(base: () => Command): Promise<Command> {
  const program = base();
  for (const group of COMMAND_GROUP_NAMES) (await LOADERS[group.group]())(program);
  return program;
}

/**
 * The program an invocation needs: its command's group alone; the bare root for `--version`;
 * everything for help, no command or an unknown one (whose error lists the commands).
 */
export async function programFor(args: readonly string[], base: () => Command, full: () => Promise<Command>): Promise<Command> {
  const word = commandWord(args);
  if (word === undefined) return isVersionQuery(args) ? base() : full();
  const group = groupOf(word);
  if (!group) return full();
  const program = base();
  (await LOADERS[group.group]())(program);
  return program;
}
