// Runs the five layers in order (bounds, feasibility, realism, diversity, complexity); the first
// that refuses the scenario gives the rejection. Scenario JSON that is not a scenario at all is
// refused before them, with the schema errors.
import { parseScenario, ScenarioError, type Scenario } from '../..';
import { checkBounds } from './bounds';
import { checkComplexity } from './complexity';
import { checkDiversity } from './diversity';
import { checkFeasibility } from './feasibility';
import { checkRealism } from './realism';
import type { Layer, LayerCheck, Rejection, ValidationContext } from './types';

export * from './types';
export { checkBounds, checkFeasibility, checkRealism, checkDiversity, checkComplexity };
export { ksDistance } from './realism';

export const LAYER_CHECKS: Record<Layer, LayerCheck> = {
  bounds: checkBounds,
  feasibility: checkFeasibility,
  realism: checkRealism,
  diversity: checkDiversity,
  complexity: checkComplexity,
};

export type Validation = { ok: true; scenario: Scenario } | { ok: false; rejection: Rejection };

export function validateScenario(json: unknown, ctx: ValidationContext, skip: readonly Layer[] = []): Validation {
  let scenario: Scenario;
  try {
    scenario = parseScenario(json, 'scenario');
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    return { ok: false, rejection: { layer: 'schema', reason: `not a valid scenario: ${err.errors[0]?.pointer || '/'} ${err.errors[0]?.message ?? ''}`.trim(), details: err.errors.slice(0, 10).map((e) => `${e.pointer || '/'}: ${e.message}`) } };
  }
  return validateParsed(scenario, ctx, skip);
}

export function validateParsed(scenario: Scenario, ctx: ValidationContext, skip: readonly Layer[] = []): Validation {
  for (const [layer, check] of Object.entries(LAYER_CHECKS) as [Layer, LayerCheck][]) {
    if (skip.includes(layer)) continue;
    const rejection = check(scenario, ctx);
    if (rejection) return { ok: false, rejection };
  }
  return { ok: true, scenario };
}
