// What the simulator domains share about policy candidates: the globals a harness hands them (a
// console whose output is captured, bounded, for the generator's feedback, and a Math whose random()
// is seeded so runs stay reproducible), how their exports are checked, and how a sandbox failure
// reads to a model. Shared by every domain whose candidates are policies driven by a simulator.
import { Rng } from '../core/rng';
import { guardPolicyFunction } from './policy-output';

const MAX_LINE = 400;

/** Freezes deeply under SES (inside a worker), shallowly elsewhere (in-process tests). */
function freeze<T extends object>(value: T): T {
  const h = (globalThis as { harden?: <U>(v: U) => U }).harden;
  return typeof h === 'function' ? h(value) : Object.freeze(value);
}

/**
 * Makes host values that every candidate of a worker can reach (the simulator's view classes, their
 * prototypes, getters and methods) immutable all the way down, so one candidate cannot leave a
 * property on a shared function for the next one to read. SES's harden() inside a worker; a deep
 * freeze elsewhere (in-process runs of trusted code).
 */
export function hardenShared(...values: object[]): void {
  const h = (globalThis as { harden?: <U>(v: U) => U }).harden;
  if (typeof h === 'function') {
    for (const v of values) h(v);
    return;
  }
  const seen = new Set<unknown>([Object.prototype, Function.prototype, Array.prototype]);
  const visit = (v: unknown): void => {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) return;
    seen.add(v);
    Object.freeze(v);
    visit(Object.getPrototypeOf(v));
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (!d) continue;
      visit(d.value);
      visit(d.get);
      visit(d.set);
    }
  };
  for (const v of values) visit(v);
}

function formatArg(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export interface PolicyEndowments {
  endowments: { console: object; Math: object };
  /** What the policy printed, at most `maxLines` lines. */
  logs: string[];
}

export function policyEndowments(seed: number, maxLines = 40): PolicyEndowments {
  const logs: string[] = [];
  let dropped = 0;
  const log =
    (level: string) =>
    (...args: unknown[]): void => {
      if (logs.length >= maxLines) {
        if (dropped++ === 0) logs.push('... (further console output dropped)');
        return;
      }
      const text = args.map(formatArg).join(' ');
      logs.push(`${level === 'log' ? '' : `${level}: `}${text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}...` : text}`);
    };
  const console = freeze({ log: log('log'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') });
  const rng = new Rng(seed ^ 0x5bd1e995);
  const math = freeze(
    Object.create(Object.getPrototypeOf(Math) as object, {
      ...Object.getOwnPropertyDescriptors(Math),
      random: { value: () => rng.next(), writable: false, enumerable: false, configurable: false },
    }) as object,
  );
  return { endowments: { console, Math: math }, logs };
}

/** Candidate exports that are not a policy: says what is missing, in words a model can act on. */
export class BadPolicyModule extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadPolicyModule';
  }
}

/**
 * A policy module's entry function and optional `init`, from the module itself or its default
 * export. `signature` is how the entry is called, for the error message (e.g. `decide(view)`).
 */
export function policyFunctions(
  exports: Record<string, unknown>,
  entry: string,
  signature: string,
  initSignature: string,
  /** Host objects (the domain's own views) that may appear in a result and stay references. */
  keep?: (value: object) => boolean,
): { entry: (...args: never[]) => unknown; init?: (...args: never[]) => unknown } {
  let source: Record<string, unknown> = exports;
  if (typeof exports[entry] !== 'function' && typeof exports['default'] === 'object' && exports['default'] !== null) {
    source = exports['default'] as Record<string, unknown>;
  }
  const main = source[entry];
  const init = source['init'];
  if (typeof main !== 'function') {
    const names = Object.keys(exports).join(', ') || 'nothing';
    throw new BadPolicyModule(`the policy module must export a function ${signature}; it exports ${names}`);
  }
  if (init !== undefined && typeof init !== 'function') throw new BadPolicyModule(`export 'init' must be a function ${initSignature}, got ${typeof init}`);
  // Simulators only ever see plain copies of what the policy returns (policy-output.ts).
  return {
    entry: guardPolicyFunction(main as (...args: never[]) => unknown, entry, keep),
    ...(typeof init === 'function' ? { init: guardPolicyFunction(init as (...args: never[]) => unknown, 'init', keep) } : {}),
  };
}

/** A sandbox failure of a policy run, in words a model can act on. `unit` names one run (simulation, scenario), `call` one policy call (step, decision). */
export function describePolicyFailure(kind: string, message: string, timeoutMs: number, count: number, unit: string, call: string): string {
  switch (kind) {
    case 'timeout':
      return `the policy did not finish ${count} ${unit}${count > 1 ? 's' : ''} within ${Math.round(timeoutMs / 1000)} s: it probably loops forever or does far too much work per ${call} (${message})`;
    case 'memory':
      return `the policy used too much memory: ${message}`;
    case 'overloaded':
      // Not the policy's fault, and the model should not be told it loops.
      return `the evaluation could not be judged: ${message}`;
    case 'compile':
      return `the policy does not compile: ${message}`;
    default:
      return message;
  }
}
