// How one evaluation becomes a score. The run loop and a one-off evaluation (the editor's
// CodeLens) both go through here, so a score means the same everywhere.
import { aggregateScores } from './aggregate';
import type { AggregationRule, EvalResult, Workload } from './types';

/**
 * The score of `result` on `workloads` by the run's aggregation rule. Results for workloads that
 * were not asked for do not count; a result with no finite score is a failure.
 */
export function scoreOn(result: EvalResult, workloads: readonly Workload[], rule: AggregationRule): EvalResult {
  const own = result.perWorkload.filter((r) => workloads.some((w) => w.id === r.workloadId));
  let scored = result.ok && own.length ? { ...result, score: aggregateScores(own, rule, workloads) } : result;
  if (!Number.isFinite(scored.score)) scored = { ...scored, ok: false, error: scored.error ?? 'the evaluator returned no finite score' };
  return scored;
}
