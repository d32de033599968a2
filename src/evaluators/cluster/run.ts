// Running one policy on one scenario, and turning candidate module exports into a policy. Shared
// by the sandbox harness (candidates), the evaluator (baselines), the CLI and the benchmarks, so
// every path runs the same simulator code.
import { simulate, type PolicyModule, type SimulationOptions, type SimulationOutcome } from './engine/simulator';
import type { Scenario } from './model/scenario';
import { heuristic, isHeuristic } from './policies/heuristics';

/** Candidate exports that are not a policy: says what is missing, in words a model can act on. */
export class BadPolicyModule extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadPolicyModule';
  }
}

export function policyFromExports(exports: Record<string, unknown>): PolicyModule {
  let source: Record<string, unknown> = exports;
  if (typeof exports['decide'] !== 'function' && typeof exports['default'] === 'object' && exports['default'] !== null) {
    source = exports['default'] as Record<string, unknown>;
  }
  const decide = source['decide'];
  const init = source['init'];
  if (typeof decide !== 'function') {
    const names = Object.keys(exports).join(', ') || 'nothing';
    throw new BadPolicyModule(`the policy module must export a function decide(view); it exports ${names}`);
  }
  if (init !== undefined && typeof init !== 'function') throw new BadPolicyModule(`export 'init' must be a function init(view), got ${typeof init}`);
  const module: PolicyModule = { decide: decide as PolicyModule['decide'] };
  if (typeof init === 'function') module.init = init as NonNullable<PolicyModule['init']>;
  return module;
}

/** Runs a built-in heuristic by name; throws for an unknown name. */
export function runHeuristic(name: string, scenario: Scenario, options: SimulationOptions = {}): SimulationOutcome {
  if (!isHeuristic(name)) throw new Error(`unknown built-in policy '${name}'`);
  return simulate(scenario, heuristic(name), options);
}
