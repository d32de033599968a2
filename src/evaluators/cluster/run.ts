// Running one policy on one scenario, and turning candidate module exports into a policy. Shared
// by the sandbox harness (candidates), the evaluator (baselines), the CLI and the benchmarks, so
// every path runs the same simulator code.
import { BadPolicyModule, policyFunctions } from '../policy-kit';
import { simulate, type PolicyModule, type SimulationOptions, type SimulationOutcome } from './engine/simulator';
import type { Scenario } from './model/scenario';
import { heuristic, isHeuristic } from './policies/heuristics';

export { BadPolicyModule };

export function policyFromExports(exports: Record<string, unknown>): PolicyModule {
  const found = policyFunctions(exports, 'decide', 'decide(view)', 'init(view)');
  const module: PolicyModule = { decide: found.entry as PolicyModule['decide'] };
  if (found.init) module.init = found.init as NonNullable<PolicyModule['init']>;
  return module;
}

/** Runs a built-in heuristic by name; throws for an unknown name. */
export function runHeuristic(name: string, scenario: Scenario, options: SimulationOptions = {}): SimulationOutcome {
  if (!isHeuristic(name)) throw new Error(`unknown built-in policy '${name}'`);
  return simulate(scenario, heuristic(name), options);
}
