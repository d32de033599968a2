// The generators that work for any domain, by name, with what the editor shows for them. Domains
// add their own (see evaluators/descriptor.ts); app/domains.ts joins both lists. Implementations
// load on first use, so listing generators (the build, the editor's pickers) stays cheap.
import { MUTATE_EXTENSIONS } from './mutate/extensions';
import type { GeneratorFactory } from './types';

export interface GeneratorEntry {
  id: string;
  label: string;
  description: string;
  /** Lower-case file extensions (no dot) it can work on; empty: any file. */
  extensions: string[];
  factory: GeneratorFactory;
}

export const GENERIC_GENERATORS: readonly GeneratorEntry[] = [
  {
    id: 'mutate',
    label: 'mutate',
    description: 'local program mutations; no API key, no cost',
    extensions: MUTATE_EXTENSIONS,
    factory: async (options, ctx) => (await import('./mutate/index.js')).createMutateGenerator(options, ctx),
  },
  {
    id: 'llm',
    label: 'llm',
    description: 'LLM models from the model list (needs an API key)',
    extensions: [],
    factory: async (options, ctx) => (await import('./llm/index.js')).createLlmGenerator(options, ctx),
  },
  {
    id: 'openai',
    label: 'openai',
    description: 'OpenAI or an OpenAI-compatible server (needs OPENAI_API_KEY)',
    extensions: [],
    factory: async (options, ctx) => (await import('./llm/index.js')).createOpenAiGenerator(options, ctx),
  },
  {
    id: 'anthropic',
    label: 'anthropic',
    description: 'Anthropic (needs ANTHROPIC_API_KEY)',
    extensions: [],
    factory: async (options, ctx) => (await import('./llm/index.js')).createAnthropicGenerator(options, ctx),
  },
  {
    id: 'replay',
    label: 'replay',
    description: 'replay a recorded cassette',
    extensions: [],
    factory: async (options, ctx) => (await import('./replay/index.js')).createReplayGenerator(options, ctx),
  },
];
