// Upper bounds on simulation parameters. Each parameter alone can be valid and still ask for more
// than a simulation can hold (1e8 pools abort V8; 1e8 pipelines per batch never finish), so sizes
// are capped one by one and the workload they generate together is capped as a whole. The limits
// sit far above any real cluster or trace studied with Eudoxia.
import type { ParamKey, SimParams } from './params';

export const PARAM_LIMITS: Partial<Record<ParamKey, number>> = {
  ticks_per_second: 1_000_000,
  num_pipelines: 100_000,
  num_operators: 1_000,
  num_pools: 4_096,
  cpus_per_pool: 1_000_000,
  ram_gb_per_pool: 1_000_000_000,
  estimator_noise_sigma: 20,
  noisy_estimator_sigma: 20,
};

/** Pipelines a generated workload may hold, and operators across them. */
// About 400 times the pipelines of Eudoxia's default scenario: a simulation of this size already
// takes tens of seconds, and more is a typo far more often than an experiment.
export const MAX_GENERATED_PIPELINES = 250_000;
export const MAX_GENERATED_OPERATORS = 2_500_000;

/** Why the parameters ask for more than can be simulated, with the key to blame; undefined when they fit. */
export function paramScaleProblem(params: SimParams): { key: ParamKey; message: string } | undefined {
  for (const [key, max] of Object.entries(PARAM_LIMITS) as [ParamKey, number][]) {
    const value = params[key] as number;
    if (value > max) return { key, message: `parameter '${key}' = ${value} is more than this simulator handles (at most ${max.toLocaleString('en-US')})` };
  }
  // Eudoxia's generator emits a batch of num_pipelines about every waiting_seconds_mean seconds.
  const batches = Math.floor(params.duration / params.waiting_seconds_mean) + 1;
  const pipelines = batches * params.num_pipelines;
  if (pipelines > MAX_GENERATED_PIPELINES) {
    return { key: 'num_pipelines', message: `num_pipelines ${params.num_pipelines} every ${params.waiting_seconds_mean} s for ${params.duration} s generates about ${pipelines.toExponential(2)} pipelines (at most ${MAX_GENERATED_PIPELINES.toLocaleString('en-US')})` };
  }
  const operators = pipelines * params.num_operators;
  if (operators > MAX_GENERATED_OPERATORS) {
    return { key: 'num_operators', message: `about ${pipelines.toLocaleString('en-US')} pipelines of ${params.num_operators} operators is ${operators.toExponential(2)} operators (at most ${MAX_GENERATED_OPERATORS.toLocaleString('en-US')})` };
  }
  return undefined;
}
