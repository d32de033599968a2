// The trusted sandbox harness of the cluster domain. Inside the confined worker it parses each
// scenario, loads the candidate policy into a fresh Compartment per scenario (module state never
// leaks between scenarios) and runs the simulator, which calls the policy's `decide` as a plain
// function. Candidates get a capturing console and a seeded Math.random as endowments; the time
// spent inside the policy is measured here, outside the candidate's reach.
import { performance } from 'node:perf_hooks';
import type { JsonValue } from '../../core/types';
import type { Harness, HarnessContext } from '../../sandbox/types';
import { Rng } from '../../core/rng';
import { simulate } from './engine/simulator';
import { parseScenario } from './model/parse';
import { parseWeights } from './objectives';
import { BadPolicyModule, policyFromExports } from './run';

export interface ClusterHarnessInput {
  scenarios: { id: string; scenario: JsonValue }[];
  weights?: JsonValue;
  keepInvalid?: number;
  maxLogLines?: number;
  seed?: number;
}

const MAX_LINE = 400;

const clusterHarness: Harness = (ctx: HarnessContext) => {
  const input = parseInput(ctx.input);
  const weights = parseWeights(input.weights ?? undefined, 'weights');
  const results: JsonValue[] = [];
  for (const s of input.scenarios) results.push({ id: s.id, outcome: runOne(ctx, s, input, weights) } as unknown as JsonValue);
  return { results };
};

export default clusterHarness;

function runOne(ctx: HarnessContext, s: { id: string; scenario: JsonValue }, input: ClusterHarnessInput, weights: ReturnType<typeof parseWeights>): JsonValue {
  let scenario;
  try {
    scenario = parseScenario(s.scenario, `scenario ${s.id}`);
  } catch (err) {
    return { ok: false, failure: { kind: 'scenario-error', time: 0, message: (err as Error).message }, invalid: [], calls: 0, logs: [] };
  }
  const logs: string[] = [];
  const maxLines = input.maxLogLines ?? 40;
  let dropped = 0;
  const log = (level: string) => (...args: unknown[]) => {
    if (logs.length >= maxLines) {
      if (dropped++ === 0) logs.push('... (further console output dropped)');
      return;
    }
    const text = args.map(formatArg).join(' ');
    logs.push(`${level === 'log' ? '' : `${level}: `}${text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}...` : text}`);
  };
  const consoleEndowment = { log: log('log'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') };
  const seed = input.seed ?? 1;
  let policy;
  try {
    policy = policyFromExports(ctx.loadCandidate({ console: harden(consoleEndowment), Math: seededMath(seed) }));
  } catch (err) {
    const kind = err instanceof BadPolicyModule ? 'bad-exports' : 'policy-error';
    return { ok: false, failure: { kind, time: 0, message: `loading the policy failed: ${(err as Error)?.message ?? String(err)}` }, invalid: [], calls: 0, logs };
  }
  const outcome = simulate(scenario, policy, { weights, keepInvalid: input.keepInvalid ?? 20, seed, clock: () => performance.now() });
  return JSON.parse(JSON.stringify({ ...outcome, logs })) as JsonValue;
}

function parseInput(value: JsonValue): ClusterHarnessInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('cluster harness input must be an object { scenarios }');
  const scenarios = value['scenarios'];
  if (!Array.isArray(scenarios) || scenarios.length === 0) throw new TypeError('cluster harness input.scenarios must be a non-empty array');
  const parsed = scenarios.map((s, i) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s) || typeof s['id'] !== 'string') throw new TypeError(`cluster harness input.scenarios[${i}] must be { id, scenario }`);
    return { id: s['id'], scenario: s['scenario'] ?? null };
  });
  const out: ClusterHarnessInput = { scenarios: parsed };
  if (value['weights'] !== undefined) out.weights = value['weights'];
  if (typeof value['keepInvalid'] === 'number') out.keepInvalid = value['keepInvalid'];
  if (typeof value['maxLogLines'] === 'number') out.maxLogLines = value['maxLogLines'];
  if (typeof value['seed'] === 'number') out.seed = value['seed'];
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

/** Freezes endowments deeply under SES (where `harden` exists), shallowly otherwise. */
function harden<T extends object>(value: T): T {
  const h = (globalThis as { harden?: <U>(v: U) => U }).harden;
  return typeof h === 'function' ? h(value) : Object.freeze(value);
}

/** A Math whose random() is seeded, so candidates that use it stay deterministic. */
function seededMath(seed: number): object {
  const rng = new Rng(seed ^ 0x5bd1e995);
  return harden(
    Object.create(Object.getPrototypeOf(Math) as object, {
      ...Object.getOwnPropertyDescriptors(Math),
      random: { value: () => rng.next(), writable: false, enumerable: false, configurable: false },
    }) as object,
  );
}
