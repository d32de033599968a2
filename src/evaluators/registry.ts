// Evaluators by name. Remote workers rebuild an evaluator from the name and options a task carries.
import { createClusterEvaluator } from './cluster';
import { createCommandEvaluator } from './command';
import { createFaasEvaluator } from './faas';
import { createProtocolEvaluator } from './protocol';
import type { EvaluatorFactory } from './types';

export const evaluatorFactories: Record<string, EvaluatorFactory> = {
  cluster: createClusterEvaluator,
  command: createCommandEvaluator,
  faas: createFaasEvaluator,
  protocol: createProtocolEvaluator,
};

export function evaluatorFactory(name: string): EvaluatorFactory {
  const factory = evaluatorFactories[name];
  if (!factory) throw new Error(`unknown evaluator '${name}' (available: ${Object.keys(evaluatorFactories).join(', ')})`);
  return factory;
}
