import type { EvalResult, Workload } from './types';

/** A failed evaluation: every workload failed with the same error, scored `score`. */
export function failedEvaluation(error: string, feedback: string, workloads: readonly Workload[], score = 0): EvalResult {
  return {
    ok: false,
    score,
    metrics: {},
    features: {},
    perWorkload: workloads.map((w) => ({ workloadId: w.id, ok: false, score, error })),
    feedback,
    error,
  };
}
