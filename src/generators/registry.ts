// Generators by name.
import { createAnthropicGenerator, createLlmGenerator, createOpenAiGenerator } from './llm';
import { createMutateGenerator } from './mutate';
import { createQLearningGenerator } from '../evaluators/protocol/synth';
import { createReplayGenerator } from './replay';
import type { GeneratorFactory } from './types';

export const generatorFactories: Record<string, GeneratorFactory> = {
  mutate: createMutateGenerator,
  llm: createLlmGenerator,
  openai: createOpenAiGenerator,
  anthropic: createAnthropicGenerator,
  replay: createReplayGenerator,
  qlearning: createQLearningGenerator,
};

export function generatorFactory(name: string): GeneratorFactory {
  const factory = generatorFactories[name];
  if (!factory) throw new Error(`unknown generator '${name}' (available: ${Object.keys(generatorFactories).join(', ')})`);
  return factory;
}
