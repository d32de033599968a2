// The command domain: any language, scored by the user's own command in an OS sandbox. It never
// claims a file by itself, because scoring needs the command.
import { EVOLVE_MARKER, JS_EXTENSIONS, JS_LANGUAGE_IDS, extensionOf, type DomainDescriptor } from '../descriptor';

export const commandDomain: DomainDescriptor = {
  id: 'command',
  label: 'Command',
  description: 'score with a shell command that prints JSON',
  // Any language the user's command can score; the editor offers files with EVOLVE-BLOCK markers.
  extensions: [...JS_EXTENSIONS, 'py'],
  anyFile: true,
  createEvaluator: async (options, ctx) => (await import('./index.js')).createCommandEvaluator(options, ctx),
  harnesses: [],
  // The mutator parses only JS/TS; a program in another language needs a model.
  defaultGenerator: (fileName) => (JS_EXTENSIONS.includes(extensionOf(fileName)) ? 'mutate' : 'llm'),
  prompts: 'command',
  editor: { languageIds: [...JS_LANGUAGE_IDS, 'python'], needsCommand: true, contentPattern: EVOLVE_MARKER },
};
