// Running one policy on one workload, and turning candidate module exports into a policy. Shared by
// the sandbox harness (candidates), the evaluator (baselines) and the CLI (built-ins), so every
// path uses the same simulator code.
import { BadPolicyModule, hardenShared, policyFunctions } from '../policy-kit';
import type { JsonValue } from '../../core/types';
import { simulate, type PolicyModule, type SimulationOptions } from './engine/simulator';
import type { SimulationOutcome } from './engine/results';
import { builtinPolicy } from './policies';
import type { LoadedWorkload } from './workload/workloads';
import { ContainerViewImpl, OperatorViewImpl, PipelineViewImpl, PoolViewImpl } from './engine/views';

let viewsHardened = false;

/**
 * Every candidate of a worker reaches these classes through its views: nothing on them may change.
 * Done before the first simulation rather than at load, since a CLI process that only sends
 * candidates to the sandbox loads this module and never simulates. A candidate's module code runs
 * before this, but reaches no view: views exist only inside a simulation.
 */
function hardenViews(): void {
  if (viewsHardened) return;
  viewsHardened = true;
  hardenShared(OperatorViewImpl, PipelineViewImpl, ContainerViewImpl, PoolViewImpl);
}

const isSimulatorView = (value: object): boolean => value instanceof OperatorViewImpl || value instanceof PipelineViewImpl || value instanceof ContainerViewImpl || value instanceof PoolViewImpl;

export { BadPolicyModule };

export function policyFromExports(exports: Record<string, unknown>): PolicyModule {
  // The simulator's own views may appear in a decision (operators as views); everything else is copied.
  const found = policyFunctions(exports, 'step', 'step(ctx, results, arrivals)', 'init(ctx)', isSimulatorView);
  const module: PolicyModule = { step: found.entry as PolicyModule['step'] };
  if (found.init) module.init = found.init as PolicyModule['init'];
  return module;
}

export function runPolicy(policy: PolicyModule, workload: LoadedWorkload, options: SimulationOptions = {}): SimulationOutcome {
  hardenViews();
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
