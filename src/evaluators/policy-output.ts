// What a policy call returns is read exactly once, into bounded plain data, before a simulator
// validates or applies any of it. A Proxy or getter that answers differently on each read (an
// `operators` array that is one long for the validator and three long for the simulator), a cyclic
// or enormous structure, or an async policy that returns a Promise cannot reach the simulator.
import { types } from 'node:util';

export interface PlainCopyLimits {
  /** Entries read from one array or object. */
  maxItems: number;
  /** Values read in total. */
  maxValues: number;
  maxDepth: number;
  /** Longer strings are cut (no valid id is this long, and they end up in messages). */
  maxStringLength: number;
}

export const DEFAULT_COPY_LIMITS: Readonly<PlainCopyLimits> = Object.freeze({ maxItems: 1_000_000, maxValues: 4_000_000, maxDepth: 32, maxStringLength: 1000 });

/** The output is not something a simulator could read as data. */
export class PolicyOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyOutputError';
  }
}

/**
 * A plain copy of `value`: arrays become new arrays of their elements read once (the length is read
 * once too), other objects become plain objects of their own enumerable string keys; objects for
 * which `keep` says yes (the host's own views, recognised by the domain) are passed by reference.
 */
export function plainCopy(value: unknown, keep: (value: object) => boolean = () => false, limits: PlainCopyLimits = DEFAULT_COPY_LIMITS): unknown {
  let values = 0;
  const copy = (v: unknown, depth: number, path: string): unknown => {
    if (++values > limits.maxValues) throw new PolicyOutputError(`the result has more than ${limits.maxValues} values`);
    if (typeof v === 'string') return v.length > limits.maxStringLength ? `${v.slice(0, limits.maxStringLength)}... (${v.length} characters)` : v;
    if (typeof v !== 'object' || v === null) return v;
    if (keep(v)) return v;
    if (depth >= limits.maxDepth) throw new PolicyOutputError(`the result is nested deeper than ${limits.maxDepth} levels at ${path} (is it cyclic?)`);
    if (types.isPromise(v)) throw new PolicyOutputError(`${path} is a Promise`);
    if (Array.isArray(v)) {
      const length: unknown = v.length;
      if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) throw new PolicyOutputError(`${path} reports a length of ${String(length)}`);
      if (length > limits.maxItems) throw new PolicyOutputError(`${path} has ${length} entries; at most ${limits.maxItems}`);
      const out: unknown[] = new Array<unknown>(length);
      for (let i = 0; i < length; i++) out[i] = copy(v[i], depth + 1, `${path}[${i}]`);
      return out;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxItems) throw new PolicyOutputError(`${path} has ${keys.length} keys; at most ${limits.maxItems}`);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      // Own data of a plain record: no prototype, so no `__proto__` setter or inherited surprises.
      Object.defineProperty(out, key, { value: copy((v as Record<string, unknown>)[key], depth + 1, `${path}.${key}`), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return copy(value, 0, 'the result');
}

const MAX_MESSAGE = 2000;

/** Text from a candidate (a thrown message, a log line) cut to a size a journal line can carry. */
export function clipCandidateText(text: string, max = MAX_MESSAGE): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length - max} more characters)` : text;
}

/** The message of something a candidate threw, read defensively (getters may throw) and clipped. */
export function thrownMessage(err: unknown): string {
  try {
    if (typeof err === 'object' && err !== null) {
      const message: unknown = (err as { message?: unknown }).message;
      const name: unknown = (err as { name?: unknown }).name;
      if (typeof message === 'string') return clipCandidateText(typeof name === 'string' && name !== 'Error' && name !== '' ? `${name}: ${message}` : message);
    }
    return clipCandidateText(String(err));
  } catch {
    return 'a value that cannot be described (reading it threw)';
  }
}

/** The candidate's own Error when its message is short (its stack locates the fault), else a clipped copy. */
function boundedError(err: unknown): unknown {
  try {
    if (err instanceof Error && typeof err.message === 'string' && err.message.length <= MAX_MESSAGE) return err;
  } catch {
    // a getter on the thrown value threw
  }
  return new Error(thrownMessage(err));
}

/**
 * Wraps a policy function: what it throws is rethrown as an Error with a clipped message, a Promise
 * (an `async` policy) is refused by name, and what it returns is a plain copy.
 */
export function guardPolicyFunction(fn: (...args: never[]) => unknown, name: string, keep?: (value: object) => boolean): (...args: never[]) => unknown {
  return function (this: unknown, ...args: never[]): unknown {
    let result: unknown;
    try {
      result = Reflect.apply(fn, this, args);
    } catch (err) {
      throw boundedError(err);
    }
    const promised = `${name} returned a Promise: policies are called synchronously and must return their result directly (drop \`async\` and \`await\`)`;
    if (types.isPromise(result)) throw new PolicyOutputError(promised);
    let copied: unknown;
    try {
      copied = plainCopy(result, keep);
    } catch (err) {
      if (err instanceof PolicyOutputError) throw new PolicyOutputError(`${name} returned an unusable value: ${err.message.replace(/^the result/, 'it')}`);
      throw new PolicyOutputError(`reading what ${name} returned threw: ${thrownMessage(err)}`);
    }
    if (typeof copied === 'object' && copied !== null && typeof (copied as { then?: unknown }).then === 'function') throw new PolicyOutputError(promised);
    return copied;
  };
}
