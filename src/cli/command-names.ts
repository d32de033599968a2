// The CLI's command groups by name, importing nothing: the launcher (launch.ts) picks a group's own
// bundle (dist/cli-<group>.js) from these names before any command's code is read, and the build
// (scripts/build.mjs) makes that bundle from `module` and `register`. command-groups.ts adds the
// loaders that a run from sources, or the full bundle, uses instead.

export interface CommandGroupName {
  /** Names the group's bundle: dist/cli-<group>.js. */
  group: string;
  /** The top-level commands the group registers. */
  commands: readonly string[];
  /** The group's module, relative to src/cli/ without extension, and the function there that registers its commands. */
  module: string;
  register: string;
}

export const COMMAND_GROUP_NAMES = [
  { group: 'evolve', commands: ['evolve', 'resume'], module: 'commands/evolve', register: 'registerEvolveCommands' },
  { group: 'runs', commands: ['runs', 'show', 'diff', 'apply', 'reject', 'unreject'], module: 'commands/runs', register: 'registerRunCommands' },
  { group: 'llm', commands: ['llm'], module: 'commands/llm', register: 'registerLlmCommands' },
  { group: 'export-rl', commands: ['export-rl'], module: 'commands/export-rl', register: 'registerExportRlCommands' },
  { group: 'faas', commands: ['faas'], module: 'commands/faas', register: 'registerFaasCommands' },
  { group: 'protocol', commands: ['protocol'], module: 'commands/protocol', register: 'registerProtocolCommands' },
  { group: 'cluster', commands: ['cluster'], module: 'commands/cluster/index', register: 'registerClusterCommands' },
  { group: 'worker', commands: ['worker'], module: 'commands/worker', register: 'registerWorkerCommands' },
  { group: 'status', commands: ['status'], module: 'commands/status', register: 'registerStatusCommands' },
] as const satisfies readonly CommandGroupName[];

export type GroupName = (typeof COMMAND_GROUP_NAMES)[number]['group'];

/** The command a command line (the arguments after node and the script) invokes: the root has no option that takes a value, so it is the first word that is not an option. */
export function commandWord(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-'));
}

/** The group of a command word; undefined for `help`, a misspelling or no command at all. */
export function groupOf(word: string | undefined): (typeof COMMAND_GROUP_NAMES)[number] | undefined {
  return word === undefined ? undefined : COMMAND_GROUP_NAMES.find((g) => (g.commands as readonly string[]).includes(word));
}

const VERSION_FLAGS = new Set(['-V', '--version']);

/** Only asks for the version: the root program alone answers it. */
export function isVersionQuery(args: readonly string[]): boolean {
  return args.length > 0 && args.every((a) => VERSION_FLAGS.has(a));
}
