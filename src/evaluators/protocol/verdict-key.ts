// The verdict cache's key. A verdict is a function of everything Spin was given: the product
// (harness semantics live in TypeScript as well as in the model text), the toolchain, the model
// text, the rule table, N, f and the faulty processes, compile flags, pan's arguments and the
// limits. Hashing all of it, rather than a hand-picked subset, is what keeps a verdict from
// being served for an input it was never computed for.
import { createHash } from 'node:crypto';
import { version } from '../../../package.json';
import type { ResolvedSetting } from './model/settings';
import type { CheckLimits, EngineKind } from './verdict';

export const PRODUCT_VERSION: string = version;

export interface VerdictInputs {
  product: string;
  /** Spin and C compiler identity. */
  toolchain: string;
  engine: EngineKind;
  setting: ResolvedSetting;
  /** Text of the PROMELA model. */
  model: string;
  /** The rule table as the model reads it. */
  table: string;
  /** gcc flags of the search, and of the breadth-first re-run that finds the shortest trail. */
  ccFlags: string[];
  bfsFlags: string[];
  panArgs: string[];
  /** Environment the model reads (PE_*). */
  env: Record<string, string>;
  limits: CheckLimits;
  exactReceipts: boolean;
}

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, stable((v as Record<string, unknown>)[k])]));
  return v;
}

export function verdictKey(i: VerdictInputs): string {
  const limits = { timeMs: i.limits.timeMs, memoryMb: i.limits.memoryMb, maxStates: i.limits.maxStates ?? 0 };
  return createHash('sha256').update(JSON.stringify(stable({ ...i, limits }))).digest('hex');
}
