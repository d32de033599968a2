// The distributed-protocol domain as the rest of the program sees it: `.rbp` rule tables and
// `.pml` PROMELA models checked with Spin, plus the Q-learning synthesizer for rule tables.
import type { JsonValue } from '../../core/types';
import { extensionOf, type DomainDescriptor } from '../descriptor';
import { resilienceOf } from './language/ast';
import { parseProtocol } from './language/parser';

export const protocolDomain: DomainDescriptor = {
  id: 'protocol',
  label: 'Distributed protocol',
  description: 'distributed protocol checked with Spin (.rbp rule tables, .pml models)',
  extensions: ['rbp', 'pml'],
  claims: (fileName) => ['rbp', 'pml'].includes(extensionOf(fileName)),
  fileTypes: [
    { extension: 'rbp', language: 'protocol', comments: { line: ['#'], block: false } },
    { extension: 'pml', language: 'promela', comments: { line: ['//'], block: true } },
  ],
  createEvaluator: async (options, ctx) => (await import('./index.js')).createProtocolEvaluator(options, ctx),
  harnesses: [],
  generators: [
    {
      id: 'qlearning',
      label: 'Q-learning synthesizer',
      description: 'learns rule tables verified by Spin; no API key',
      extensions: ['rbp'],
      factory: async (options, ctx) => (await import('./synth/index.js')).createQLearningGenerator(options, ctx),
    },
  ],
  // The program mutator only knows JS/TS; the synthesizer needs no key for rule tables.
  defaultGenerator: (fileName) => (extensionOf(fileName) === 'rbp' ? 'qlearning' : 'llm'),
  // A crash-tolerant file is checked in crash settings, at the sizes its resilience implies.
  evaluatorDefaults: (fileName, code): { [key: string]: JsonValue } => {
    if (extensionOf(fileName) !== 'rbp') return {};
    const r = parseProtocol(code);
    return r.ok ? { fault: r.protocol.fault, resilience: resilienceOf(r.protocol) } : {};
  },
  prompts: 'protocol',
  editor: { languageIds: ['rbp', 'promela'] },
};
