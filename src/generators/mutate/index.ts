// Entry point of the built-in `mutate` generator: LLM-free search over JS/TS programs by
// AST-guided text edits (numeric tuning, operator flips, reorderings, recombination).
import type { JsonValue } from '../../core/types';
import type { GeneratorFactory } from '../types';
import { MutateGenerator, type MutateSettings } from './generator';
import { DEFAULT_WEIGHTS, OPERATOR_NAMES, type OperatorName } from './operators';

export { MutateGenerator, type MutateSettings } from './generator';
export { OPERATOR_NAMES, DEFAULT_WEIGHTS, type OperatorName } from './operators';

const KNOWN_OPTIONS = ['maxMutations', 'cacheSize', 'weights'];

function positiveInteger(options: { [key: string]: JsonValue }, name: string, fallback: number, max: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`mutate option "${name}" must be an integer from 1 to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Validates generator options: `maxMutations` (1–8, default 3), `cacheSize` (programs kept parsed,
 * default 128) and `weights` (relative operator frequencies; 0 disables an operator).
 */
export function mutateSettings(options: { [key: string]: JsonValue }): MutateSettings {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(key)) throw new Error(`unknown mutate option "${key}" (known: ${KNOWN_OPTIONS.join(', ')})`);
  }
  const weights: Record<OperatorName, number> = { ...DEFAULT_WEIGHTS };
  const given = options.weights;
  if (given !== undefined) {
    if (given === null || typeof given !== 'object' || Array.isArray(given)) {
      throw new Error('mutate option "weights" must be an object mapping operator names to non-negative numbers');
    }
    for (const [name, w] of Object.entries(given)) {
      if (!(OPERATOR_NAMES as readonly string[]).includes(name)) {
        throw new Error(`unknown mutate operator "${name}" in "weights" (known: ${OPERATOR_NAMES.join(', ')})`);
      }
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
        throw new Error(`mutate weight for "${name}" must be a non-negative number, got ${JSON.stringify(w)}`);
      }
      weights[name as OperatorName] = w;
    }
    if (OPERATOR_NAMES.every((name) => weights[name] === 0)) throw new Error('mutate "weights" disable every operator');
  }
  return {
    maxMutations: positiveInteger(options, 'maxMutations', 3, 8),
    cacheSize: positiveInteger(options, 'cacheSize', 128, 100_000),
    weights,
  };
}

export const createMutateGenerator: GeneratorFactory = async (options, ctx) => new MutateGenerator(mutateSettings(options), ctx.log);
