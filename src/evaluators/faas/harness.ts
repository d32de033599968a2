// The trusted sandbox harness of the FaaS domain. Inside the sandboxed worker it rebuilds each
// workload's trace, loads the candidate policy into a fresh Compartment per workload (so module
// state never leaks between traces), and runs the simulator calling the policy's `step` as a
// plain function. Candidates get a capturing console and a seeded Math.random as endowments.
import type { JsonValue } from '../../core/types';
import type { Harness, HarnessContext } from '../../sandbox/types';
import { BadPolicyModule, outcomeToJson, policyFromExports, runPolicy } from './run';
import { loadWorkload, parseWorkloadData } from './workload/workloads';
import { SeededRandom } from './workload/random';

export interface FaasHarnessInput {
  workloads: { id: string; data: JsonValue }[];
  /** Rejected decisions kept verbatim per workload (all are counted). */
  keepInvalid?: number;
  /** Console lines kept per workload. */
  maxLogLines?: number;
}

export interface FaasHarnessWorkloadResult {
  id: string;
  /** The simulation outcome (see SimulationOutcome), or a failure before it could start. */
  outcome: JsonValue;
}

const MAX_LINE = 400;

const faasHarness: Harness = (ctx: HarnessContext) => {
  const input = parseInput(ctx.input);
  const results: JsonValue[] = [];
  for (const w of input.workloads) {
    results.push({ id: w.id, outcome: runOne(ctx, w, input) } as unknown as JsonValue);
  }
  return { results };
};

export default faasHarness;

function runOne(ctx: HarnessContext, w: { id: string; data: JsonValue }, input: FaasHarnessInput): JsonValue {
  let loaded;
  try {
    loaded = loadWorkload(parseWorkloadData(w.data, `workload ${w.id}`));
  } catch (err) {
    return { ok: false, failure: { kind: 'workload-error', tick: 0, message: (err as Error).message }, invalid: [], logs: [] };
  }
  const logs: string[] = [];
  const maxLines = input.maxLogLines ?? 40;
  let dropped = 0;
  const log = (level: string) => (...args: unknown[]) => {
    if (logs.length >= maxLines) {
      dropped++;
      if (dropped === 1) logs.push('... (further console output dropped)');
      return;
    }
    const text = args.map(formatArg).join(' ');
    logs.push(`${level === 'log' ? '' : `${level}: `}${text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}...` : text}`);
  };
  const consoleEndowment = { log: log('log'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') };
  const endowments: Record<string, unknown> = { console: harden(consoleEndowment), Math: seededMath(loaded.params.random_seed) };
  let policy;
  try {
    policy = policyFromExports(ctx.loadCandidate(endowments));
  } catch (err) {
    const kind = err instanceof BadPolicyModule ? 'bad-exports' : 'policy-error';
    return { ok: false, failure: { kind, tick: 0, message: `loading the policy failed: ${(err as Error)?.message ?? String(err)}` }, invalid: [], logs };
  }
  return outcomeToJson(runPolicy(policy, loaded, { keepInvalid: input.keepInvalid ?? 20, logs }));
}

function parseInput(value: JsonValue): FaasHarnessInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('faas harness input must be an object { workloads }');
  const workloads = value['workloads'];
  if (!Array.isArray(workloads) || workloads.length === 0) throw new TypeError('faas harness input.workloads must be a non-empty array');
  const parsed = workloads.map((w, i) => {
    if (typeof w !== 'object' || w === null || Array.isArray(w) || typeof w['id'] !== 'string') throw new TypeError(`faas harness input.workloads[${i}] must be { id, data }`);
    return { id: w['id'], data: w['data'] ?? null };
  });
  const out: FaasHarnessInput = { workloads: parsed };
  if (typeof value['keepInvalid'] === 'number') out.keepInvalid = value['keepInvalid'];
  if (typeof value['maxLogLines'] === 'number') out.maxLogLines = value['maxLogLines'];
  return out;
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

/** Freezes endowments deeply when running under SES (harden exists), shallowly otherwise. */
function harden<T extends object>(value: T): T {
  const h = (globalThis as { harden?: <U>(v: U) => U }).harden;
  return typeof h === 'function' ? h(value) : Object.freeze(value);
}

/** A Math whose random() is seeded per run, so candidates that use it stay deterministic. */
function seededMath(seed: number): object {
  const rng = new SeededRandom(seed, 303);
  return harden(
    Object.create(Object.getPrototypeOf(Math) as object, {
      ...Object.getOwnPropertyDescriptors(Math),
      random: { value: () => rng.next(), writable: false, enumerable: false, configurable: false },
    }) as object,
  );
}
