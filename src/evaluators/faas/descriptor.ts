// The FaaS scheduling domain as the rest of the program sees it. Heavy modules (the simulator)
// load only when an evaluator is made, so listing domains stays cheap.
import { JS_EXTENSIONS, JS_LANGUAGE_IDS, extensionOf, type DomainDescriptor } from '../descriptor';
import { FAAS_HARNESS, FAAS_SERVED_RUNNER } from './sandbox-harness';

const STEP_EXPORT = /export\s+(async\s+)?function\s+step\b|export\s+(const|let)\s+step\b/;

export const faasDomain: DomainDescriptor = {
  id: 'faas',
  label: 'FaaS scheduling',
  description: 'FaaS scheduling simulator (TS/JS policy exporting init/step)',
  extensions: JS_EXTENSIONS,
  claims: (fileName, code) => JS_EXTENSIONS.includes(extensionOf(fileName)) && STEP_EXPORT.test(code),
  createEvaluator: async (options, ctx) => (await import('./evaluator.js')).createFaasEvaluator(options, ctx),
  harnesses: [FAAS_HARNESS, FAAS_SERVED_RUNNER],
  // The mutator parses only JS/TS; a scheduler server in another language (--serve) needs a model.
  defaultGenerator: (fileName) => (JS_EXTENSIONS.includes(extensionOf(fileName)) ? 'mutate' : 'llm'),
  prompts: 'faas',
  editor: { languageIds: JS_LANGUAGE_IDS, contentPattern: STEP_EXPORT },
};
