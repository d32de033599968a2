// Typed access to the globals SES installs. We load SES with a plain require() instead of
// `import 'ses'` because its type declarations add `harden`, `Compartment`... to the global
// scope of the whole TypeScript program, where they do not exist outside the worker.
import { join } from 'node:path';

export interface LockdownOptions {
  errorTaming?: 'safe' | 'unsafe' | 'unsafe-debug';
  errorTrapping?: 'platform' | 'exit' | 'abort' | 'report' | 'none';
  unhandledRejectionTrapping?: 'report' | 'none';
  consoleTaming?: 'safe' | 'unsafe';
  stackFiltering?: 'concise' | 'verbose';
  overrideTaming?: 'moderate' | 'min' | 'severe';
  evalTaming?: 'safeEval' | 'unsafeEval' | 'noEval';
  domainTaming?: 'safe' | 'unsafe';
  regExpTaming?: 'safe' | 'unsafe';
  localeTaming?: 'safe' | 'unsafe';
}

export interface SesCompartment {
  evaluate(source: string): unknown;
  readonly globalThis: Record<string, unknown>;
}

export interface SesGlobals {
  lockdown(options: LockdownOptions): void;
  harden<T>(value: T): T;
  /** Full stack of an error, which `errorTaming: 'safe'` hides from `error.stack`. */
  getStackString(error: object): string;
  Compartment: new (options: { __options__: true; name?: string; globals?: Record<string, unknown> }) => SesCompartment;
}

/**
 * Loads SES into this realm and locks it down; returns the globals SES then provides.
 * `loadShipped` may load the shipped copy (dist/ses.js) faster and says whether it did.
 */
export function lockdownRealm(options: LockdownOptions, loadShipped: (path: string) => boolean = () => false): SesGlobals {
  // The build ships SES as its own file beside the worker bundle (scripts/build.mjs); from source,
  // and whenever the faster load cannot be used, an ordinary require finds it.
  if (!loadShipped(join(__dirname, 'ses.js'))) require('ses');
  const g = globalThis as unknown as Partial<SesGlobals>;
  if (typeof g.lockdown !== 'function') throw new Error('the ses package did not install lockdown()');
  g.lockdown(options);
  if (typeof g.harden !== 'function' || typeof g.Compartment !== 'function' || typeof g.getStackString !== 'function') {
    throw new Error('lockdown() did not provide harden, Compartment and getStackString');
  }
  return g as SesGlobals;
}

/** SES's harden() for code running in a locked-down worker (harnesses); throws elsewhere. */
export function harden<T>(value: T): T {
  const g = globalThis as unknown as Partial<SesGlobals>;
  if (typeof g.harden !== 'function') throw new Error('harden() is only available inside a sandbox worker (after lockdown)');
  return g.harden(value);
}
