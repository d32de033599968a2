// The trusted sandbox harness of the FaaS domain. Inside the sandboxed worker it rebuilds each
// workload's trace, loads the candidate policy into a fresh Compartment per workload (so module
// state never leaks between traces), and runs the simulator calling the policy's `step` as a
// plain function. Candidates get a capturing console and a seeded Math.random as endowments.
import type { JsonValue } from '../../core/types';
import type { Harness, HarnessContext } from '../../sandbox/types';
import { BadPolicyModule, outcomeToJson, policyFromExports, runPolicy } from './run';
import { loadWorkload, parseWorkloadData } from './workload/workloads';
import { policyEndowments } from '../policy-kit';

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
  const { endowments, logs } = policyEndowments(loaded.params.random_seed, input.maxLogLines ?? 40);
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



