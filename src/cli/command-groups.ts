// Which module registers which top-level commands, each loaded only when one of its commands runs:
// a command never parses or initialises another command's code (the LLM SDKs, TensorFlow, the
// broker client...). test/cli/command-groups.test.ts checks these names against the full tree.
import type { Command } from 'commander';

type Register = (program: Command) => void;

export interface CommandGroup {
  /** The top-level command names the group's register function adds. */
  commands: readonly string[];
  load(): Promise<Register>;
}

export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { commands: ['evolve', 'resume'], load: async () => (await import('./commands/evolve.js')).registerEvolveCommands },
  { commands: ['runs', 'show', 'diff', 'apply', 'reject', 'unreject'], load: async () => (await import('./commands/runs.js')).registerRunCommands },
  { commands: ['llm'], load: async () => (await import('./commands/llm.js')).registerLlmCommands },
  { commands: ['export-rl'], load: async () => (await import('./commands/export-rl.js')).registerExportRlCommands },
  { commands: ['faas'], load: async () => (await import('./commands/faas.js')).registerFaasCommands },
  { commands: ['protocol'], load: async () => (await import('./commands/protocol.js')).registerProtocolCommands },
  { commands: ['cluster'], load: async () => (await import('./commands/cluster/index.js')).registerClusterCommands },
  { commands: ['worker'], load: async () => (await import('./commands/worker.js')).registerWorkerCommands },
  { commands: ['status'], load: async () => (await import('./commands/status.js')).registerStatusCommands },
];

const VERSION_FLAGS = new Set(['-V', '--version']);

/**
 * The program an invocation needs: its command's group alone; the bare root for `--version`;
 * everything for help, no command or an unknown one (whose error lists the commands).
 */
export async function programFor(args: readonly string[], base: () => Command, full: () => Promise<Command>): Promise<Command> {
  // The root has no option that takes a value, so its first non-option word is the command.
  const word = args.find((a) => !a.startsWith('-'));
  if (word === undefined) return args.length > 0 && args.every((a) => VERSION_FLAGS.has(a)) ? base() : full();
  const group = COMMAND_GROUPS.find((g) => g.commands.includes(word));
  if (!group) return full();
  const program = base();
  (await group.load())(program);
  return program;
}
