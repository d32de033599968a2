// Playing policies against scenarios: each policy runs in the sandbox on the scenarios (through the
// cluster evaluator), and each (policy, scenario) pair gives the policy's reward, the best
// heuristic's, and whether the policy succeeded (matched the best heuristic within tolerance).
import type { JsonValue } from '../../../core/types';
import { baselinesFor, createClusterEvaluator, parseWeights, scenarioToJson, type ClusterEvaluator, type Scenario } from '..';
import type { SandboxPool } from '../../../sandbox/types';

export interface MatchOutcome {
  scenarioId: string;
  reward: number;
  bestBaseline: number;
  firstFit: number;
  success: boolean;
  ok: boolean;
  error?: string;
}

export interface PolicyScore {
  meanReward: number;
  successRate: number;
  matches: MatchOutcome[];
}

/** A cluster evaluator whose workloads are exactly `scenarios`, in order, scored with `weights`. */
export async function scenarioEvaluator(scenarios: readonly Scenario[], sandbox: SandboxPool, weights: JsonValue | undefined): Promise<ClusterEvaluator> {
  const options: { [key: string]: JsonValue } = { scenarioSet: scenarios.map((s) => ({ scenario: scenarioToJson(s), split: 'search' })) as unknown as JsonValue };
  if (weights !== undefined) options['weights'] = weights;
  return (await createClusterEvaluator(options, { baseDir: '.', sandbox: () => sandbox })) as ClusterEvaluator;
}

export async function scorePolicy(
  code: string,
  fileName: string,
  scenarios: readonly Scenario[],
  sandbox: SandboxPool,
  signal: AbortSignal,
  weights?: JsonValue,
): Promise<PolicyScore> {
  if (!scenarios.length) return { meanReward: 0, successRate: 0, matches: [] };
  const evaluator = await scenarioEvaluator(scenarios, sandbox, weights);
  const workloads = await evaluator.workloads();
  const result = await evaluator.evaluate({ id: 'match', code, fileName, hash: 'match' }, workloads, signal);
  const parsedWeights = parseWeights(weights);
  const matches: MatchOutcome[] = result.perWorkload.map((w, i) => {
    const m = w.metrics ?? {};
    const base = baselinesFor(scenarios[i] as Scenario, parsedWeights);
    const out: MatchOutcome = {
      scenarioId: w.workloadId,
      reward: w.ok ? w.score : 0,
      bestBaseline: base.best.reward,
      firstFit: base.reports['first-fit'].reward,
      success: w.ok && m['success'] === 1,
      ok: w.ok,
    };
    if (w.error) out.error = w.error;
    return out;
  });
  return {
    meanReward: matches.reduce((s, m) => s + m.reward, 0) / matches.length,
    successRate: matches.filter((m) => m.success).length / matches.length,
    matches,
  };
}
