// The trusted sandbox harness of the cluster domain. Inside the confined worker it parses each
// scenario, loads the candidate policy into a fresh Compartment per scenario (module state never
// leaks between scenarios) and runs the simulator, which calls the policy's `decide` as a plain
// function. Candidates get a capturing console and a seeded Math.random as endowments; the time
// spent inside the policy is measured here, outside the candidate's reach.
import { performance } from 'node:perf_hooks';
import type { JsonValue } from '../../core/types';
import type { Harness, HarnessContext } from '../../sandbox/types';
import { policyEndowments } from '../policy-kit';
import { simulate } from './engine/simulator';
import { parseScenario } from './model/parse';
import { parseWeights } from './objectives';
import { BadPolicyModule, policyFromExports } from './run';

export interface ClusterHarnessInput {
  /** `explain` on one scenario keeps the reasons there only (the review panel shows one scenario's). */
  scenarios: { id: string; scenario: JsonValue; explain?: boolean }[];
  weights?: JsonValue;
  keepInvalid?: number;
  maxLogLines?: number;
  seed?: number;
  /** Return the policy's placement reasons (for people reading a decision, not for scoring). */
  explain?: boolean;
}


const clusterHarness: Harness = (ctx: HarnessContext) => {
  const input = parseInput(ctx.input);
  const weights = parseWeights(input.weights ?? undefined, 'weights');
  const results: JsonValue[] = [];
  for (const s of input.scenarios) results.push({ id: s.id, outcome: runOne(ctx, s, input, weights) } as unknown as JsonValue);
  return { results };
};

export default clusterHarness;

function runOne(ctx: HarnessContext, s: ClusterHarnessInput['scenarios'][number], input: ClusterHarnessInput, weights: ReturnType<typeof parseWeights>): JsonValue {
  let scenario;
  try {
    scenario = parseScenario(s.scenario, `scenario ${s.id}`);
  } catch (err) {
    return { ok: false, failure: { kind: 'scenario-error', time: 0, message: (err as Error).message }, invalid: [], calls: 0, logs: [] };
  }
  const seed = input.seed ?? 1;
  const { endowments, logs } = policyEndowments(seed, input.maxLogLines ?? 40);
  let policy;
  try {
    policy = policyFromExports(ctx.loadCandidate(endowments));
  } catch (err) {
    const kind = err instanceof BadPolicyModule ? 'bad-exports' : 'policy-error';
    return { ok: false, failure: { kind, time: 0, message: `loading the policy failed: ${(err as Error)?.message ?? String(err)}` }, invalid: [], calls: 0, logs };
  }
  const outcome = simulate(scenario, policy, { weights, keepInvalid: input.keepInvalid ?? 20, seed, clock: () => performance.now(), explain: input.explain === true || s.explain === true });
  return JSON.parse(JSON.stringify({ ...outcome, logs })) as JsonValue;
}

function parseInput(value: JsonValue): ClusterHarnessInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('cluster harness input must be an object { scenarios }');
  const scenarios = value['scenarios'];
  if (!Array.isArray(scenarios) || scenarios.length === 0) throw new TypeError('cluster harness input.scenarios must be a non-empty array');
  const parsed = scenarios.map((s, i) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s) || typeof s['id'] !== 'string') throw new TypeError(`cluster harness input.scenarios[${i}] must be { id, scenario }`);
    return { id: s['id'], scenario: s['scenario'] ?? null, ...(s['explain'] === true ? { explain: true } : {}) };
  });
  const out: ClusterHarnessInput = { scenarios: parsed };
  if (value['weights'] !== undefined) out.weights = value['weights'];
  if (typeof value['keepInvalid'] === 'number') out.keepInvalid = value['keepInvalid'];
  if (typeof value['maxLogLines'] === 'number') out.maxLogLines = value['maxLogLines'];
  if (typeof value['seed'] === 'number') out.seed = value['seed'];
  if (value['explain'] === true) out.explain = true;
  return out;
}



