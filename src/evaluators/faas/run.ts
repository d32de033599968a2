// Running one policy on one workload, and turning candidate module exports into a policy. Shared by
// the sandbox harness (candidates), the evaluator (baselines) and the CLI (built-ins), so every
// path uses the same simulator code.
import type { JsonValue } from '../../core/types';
import { simulate, type PolicyModule, type SimulationOptions } from './engine/simulator';
import type { SimulationOutcome } from './engine/results';
import { builtinPolicy } from './policies';
import type { LoadedWorkload } from './workload/workloads';

/** Candidate exports that are not a policy: says what is missing, in words a model can act on. */
export class BadPolicyModule extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadPolicyModule';
  }
}

export function policyFromExports(exports: Record<string, unknown>): PolicyModule {
  let source: Record<string, unknown> = exports;
  if (typeof exports['step'] !== 'function' && typeof exports['default'] === 'object' && exports['default'] !== null) {
    source = exports['default'] as Record<string, unknown>;
  }
  const step = source['step'];
  const init = source['init'];
  if (typeof step !== 'function') {
    const names = Object.keys(exports).join(', ') || 'nothing';
    throw new BadPolicyModule(`the policy module must export a function step(ctx, results, arrivals); it exports ${names}`);
  }
  if (init !== undefined && typeof init !== 'function') throw new BadPolicyModule(`export 'init' must be a function init(ctx), got ${typeof init}`);
  const module: PolicyModule = { step: step as PolicyModule['step'] };
  if (typeof init === 'function') module.init = init as PolicyModule['init'];
  return module;
}

export function runPolicy(policy: PolicyModule, workload: LoadedWorkload, options: SimulationOptions = {}): SimulationOutcome {
  return simulate(workload.trace, workload.params, policy, options);
}

/** Runs a built-in policy by name; throws for an unknown name. */
export function runBuiltin(name: string, workload: LoadedWorkload, options: SimulationOptions = {}): SimulationOutcome {
  const policy = builtinPolicy(name);
  if (!policy) throw new Error(`unknown built-in policy '${name}'`);
  return runPolicy(policy, workload, options);
}

/** The outcome as plain JSON (what crosses the sandbox boundary). */
export function outcomeToJson(outcome: SimulationOutcome): JsonValue {
  return JSON.parse(JSON.stringify(outcome)) as JsonValue;
}
