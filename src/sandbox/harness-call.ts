// The generic harness: call one export of the candidate with JSON arguments and return what it
// returns (awaited). Evaluators for simple domains, and tests, drive candidates through it.
import type { JsonValue } from '../core/types';
import { Rng } from '../core/rng';
import { harden } from './ses-globals';
import type { Harness } from './types';

export interface CallEndowments {
  /** JSON values exposed to the candidate as globals (frozen). */
  values?: Record<string, JsonValue>;
  /**
   * Gives the candidate a `Math` whose random() is a seeded generator. Without it Math.random
   * throws: scores must not depend on unseeded randomness.
   */
  randomSeed?: number;
}

export interface CallHarnessInput {
  /** Export to call: a named export, or `default` for `export default`. */
  export: string;
  args: JsonValue[];
  endowments?: CallEndowments;
}

const callHarness: Harness = async (ctx) => {
  const input = parseInput(ctx.input);
  const exports = ctx.loadCandidate(buildEndowments(input.endowments));
  const target: unknown = exports[input.export];
  if (typeof target !== 'function') {
    const available = Object.keys(exports).filter((k) => typeof exports[k] === 'function');
    const what = target === undefined ? 'has no export' : `has a non-function export (${typeof target})`;
    throw new TypeError(`the candidate ${what} named '${input.export}'; exported functions: ${available.join(', ') || '(none)'}`);
  }
  const result: unknown = await Reflect.apply(target, exports, input.args);
  // A function that returns nothing is a normal outcome for a call; JSON spells it null.
  return (result === undefined ? null : result) as JsonValue;
};

export default callHarness;

function buildEndowments(spec: CallEndowments | undefined): Record<string, unknown> {
  const endowments: Record<string, unknown> = {};
  if (!spec) return endowments;
  for (const [name, value] of Object.entries(spec.values ?? {})) endowments[name] = harden(value);
  if (spec.randomSeed !== undefined) endowments.Math = seededMath(spec.randomSeed);
  return endowments;
}

function seededMath(seed: number): object {
  const rng = new Rng(seed);
  const random = () => rng.next();
  return harden(
    Object.create(Object.getPrototypeOf(Math) as object, {
      ...Object.getOwnPropertyDescriptors(Math),
      random: { value: random, writable: false, enumerable: false, configurable: false },
    }),
  );
}

function parseInput(input: JsonValue): CallHarnessInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('call harness input must be an object { export, args, endowments? }');
  }
  const { export: name, args, endowments } = input;
  if (typeof name !== 'string' || name === '') throw new TypeError('call harness input.export must be a non-empty string');
  if (!Array.isArray(args)) throw new TypeError('call harness input.args must be an array');
  return { export: name, args, endowments: parseEndowments(endowments) };
}

function parseEndowments(value: JsonValue | undefined): CallEndowments | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError('call harness input.endowments must be an object');
  const spec: CallEndowments = {};
  const { values, randomSeed, ...rest } = value;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) throw new TypeError(`call harness input.endowments has unknown keys: ${unknownKeys.join(', ')} (expected values, randomSeed)`);
  if (values !== undefined) {
    if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new TypeError('call harness input.endowments.values must be an object');
    spec.values = values;
  }
  if (randomSeed !== undefined) {
    if (typeof randomSeed !== 'number' || !Number.isInteger(randomSeed)) throw new TypeError('call harness input.endowments.randomSeed must be an integer');
    spec.randomSeed = randomSeed;
  }
  return spec;
}
