// The command domain: any language, scored by the user's own command in an OS sandbox. It never
// claims a file by itself, because scoring needs the command.
import type { DomainDescriptor } from '../descriptor';

export const commandDomain: DomainDescriptor = {
  id: 'command',
  label: 'Command',
  description: 'score with a shell command that prints JSON',
  extensions: [],
  createEvaluator: async (options, ctx) => (await import('./index.js')).createCommandEvaluator(options, ctx),
  harnesses: [],
  defaultGenerator: () => 'mutate',
  prompts: 'command',
  editor: { languageIds: ['python', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact'], needsCommand: true },
};
