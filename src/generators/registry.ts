// Generators by name.
import { createMutateGenerator } from './mutate';
import type { GeneratorFactory } from './types';

export const generatorFactories: Record<string, GeneratorFactory> = {
  mutate: createMutateGenerator,
};

export function generatorFactory(name: string): GeneratorFactory {
  const factory = generatorFactories[name];
  if (!factory) throw new Error(`unknown generator '${name}' (available: ${Object.keys(generatorFactories).join(', ')})`);
  return factory;
}
