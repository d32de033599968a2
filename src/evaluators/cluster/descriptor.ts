// The cluster allocation domain as the rest of the program sees it. Heavy modules (simulator,
// scenario generation, RL baselines) load only when an evaluator is made.
import { JS_EXTENSIONS, JS_LANGUAGE_IDS, extensionOf, type DomainDescriptor } from '../descriptor';
import { CLUSTER_HARNESS } from './sandbox-harness';

const DECIDE_EXPORT = /export\s+(async\s+)?function\s+decide\b|export\s+(const|let)\s+decide\b/;

export const clusterDomain: DomainDescriptor = {
  id: 'cluster',
  label: 'Cluster allocation',
  description: 'cloud/edge cluster allocation simulator (TS/JS policy exporting decide)',
  extensions: JS_EXTENSIONS,
  claims: (fileName, code) => JS_EXTENSIONS.includes(extensionOf(fileName)) && DECIDE_EXPORT.test(code),
  createEvaluator: async (options, ctx) => (await import('./evaluator.js')).createClusterEvaluator(options, ctx),
  harnesses: [CLUSTER_HARNESS],
  defaultGenerator: () => 'mutate',
  prompts: 'cluster',
  editor: { languageIds: JS_LANGUAGE_IDS, selfPlay: true, contentPattern: DECIDE_EXPORT },
};
