// The cluster allocation evaluator. Candidates run in the sandbox pool (simulator and policy in
// one confined worker, every scenario of a call in one job); the heuristic baselines run here,
// cached per scenario. A workload's score is the policy's multi-objective reward in [0, 1]; the
// metrics say how it compares with first-fit and with the best heuristic on the same scenario.
import { failedEvaluation } from '../../core/eval-result';
import { describePolicyFailure } from '../policy-kit';
import { createHash } from 'node:crypto';
import type { CandidateSource, EvalResult, Evaluator, EvaluatorInfo, JsonValue, Workload, WorkloadResult } from '../../core/types';
import type { SandboxOutcome } from '../../sandbox/types';
import type { EvaluatorFactory, EvaluatorFactoryContext } from '../types';
import { baselinesFor, type BaselineSet } from './baselines';
import type { SimulationFailure, SimulationReport } from './engine/simulator';
import { buildFeedback, type ScenarioFeedback } from './feedback';
import type { Scenario } from './model/scenario';
import { OBJECTIVE_NAMES, ParetoFront, parseWeights, type ParetoPoint } from './objectives';
import type { DecisionError, ObjectiveWeights } from './policy-api';
import { CLUSTER_HARNESS } from './sandbox-harness';
import { builtinEntries, fileEntries, inlineEntries, parseLevels, scenarioOf, toWorkloads, type ScenarioEntry } from './workloads';

export interface ClusterEvaluatorOptions {
  entries: ScenarioEntry[];
  weights: ObjectiveWeights;
  /** A policy "succeeds" on a scenario when its reward is at least the best heuristic's minus this. */
  successTolerance: number;
  timeoutMs?: number;
  memoryMb?: number;
  keepInvalid: number;
  seed: number;
  /** Keep the policy's placement reasons in each scenario's report (for `cluster run --explain`). */
  explain: boolean;
}

export const CLUSTER_EVALUATOR_INFO: EvaluatorInfo = Object.freeze({
  id: 'cluster',
  domain: 'cluster',
  keyMetric: 'mean_latency_seconds',
  lowerIsBetter: ['*latency*', '*_seconds', '*cost_usd', '*energy_kwh', '*violation_rate', '*failure_rate', '*fairness_gini', '*preemptions', '*invalid_decisions', '*nodes_used', '*decision_ms_per_task', 'failed_workloads'],
  // Each objective's goodness in [0, 1], averaged over the scenarios: the axes of the Pareto front.
  objectives: OBJECTIVE_NAMES.map((n) => ({ metric: `mean_goodness_${n}`, label: n })),
  features: [
    { name: 'slaViolationRate', min: 0, max: 1, bins: 8 },
    { name: 'nodeShare', min: 0, max: 1, bins: 8 },
  ],
});

const KNOWN_OPTIONS = ['scenarios', 'scenarioSet', 'levels', 'weights', 'successTolerance', 'timeoutMs', 'memoryMb', 'keepInvalid', 'seed', 'explain'];

export function parseClusterOptions(options: { [key: string]: JsonValue }, baseDir: string): ClusterEvaluatorOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(key)) throw new Error(`unknown cluster evaluator option '${key}' (known: ${KNOWN_OPTIONS.join(', ')})`);
  }
  let entries: ScenarioEntry[];
  const paths = options['scenarios'];
  const inline = options['scenarioSet'];
  if (paths !== undefined && inline !== undefined) throw new Error('give cluster scenarios either as files (scenarios) or inline (scenarioSet), not both');
  if (paths !== undefined && paths !== null) {
    const list = typeof paths === 'string' ? [paths] : paths;
    if (!Array.isArray(list) || !list.length || !list.every((p) => typeof p === 'string')) throw new Error('cluster option scenarios must be a path or a list of scenario files and folders');
    entries = fileEntries(list as string[], baseDir);
  } else if (inline !== undefined && inline !== null) {
    entries = inlineEntries(inline);
  } else {
    entries = builtinEntries(parseLevels(options['levels']));
  }
  const number = (key: string, fallback: number | undefined, min = 0): number | undefined => {
    const v = options[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Error(`cluster option ${key} must be a number of at least ${min}`);
    return v;
  };
  const out: ClusterEvaluatorOptions = {
    entries,
    weights: parseWeights(options['weights'], 'cluster option weights'),
    successTolerance: number('successTolerance', 0.01) as number,
    keepInvalid: number('keepInvalid', 20) as number,
    seed: number('seed', 1) as number,
    explain: options['explain'] === true,
  };
  if (options['explain'] !== undefined && typeof options['explain'] !== 'boolean') throw new Error('cluster option explain must be true or false');
  const timeoutMs = number('timeoutMs', undefined, 1);
  const memoryMb = number('memoryMb', undefined, 64);
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  if (memoryMb !== undefined) out.memoryMb = memoryMb;
  return out;
}

export const createClusterEvaluator: EvaluatorFactory = async (options, ctx) => new ClusterEvaluator(parseClusterOptions(options, ctx.baseDir), ctx);

/** What the harness returns for one scenario. */
type HarnessOutcome =
  | ({ ok: true; logs?: string[] } & SimulationReport)
  | { ok: false; failure: SimulationFailure | { kind: string; time: number; message: string }; invalid: DecisionError[]; logs?: string[] };

/** Decisions of the first scenario whose reasons an evaluation keeps for the review panel. */
const EXPLAINED_DECISIONS = 40;

export interface ClusterRun {
  scenario: Scenario;
  outcome: HarnessOutcome | undefined;
  failure: { kind: string; message: string } | undefined;
}

export class ClusterEvaluator implements Evaluator {
  readonly info = CLUSTER_EVALUATOR_INFO;
  private readonly front = new ParetoFront<string>();
  private readonly workloadList: Workload[];

  constructor(
    readonly options: ClusterEvaluatorOptions,
    private readonly ctx: EvaluatorFactoryContext,
  ) {
    this.workloadList = toWorkloads(options.entries);
  }

  async workloads(): Promise<Workload[]> {
    return this.workloadList;
  }

  /** Candidates not dominated on the mean goodness of every objective, among those evaluated so far. */
  paretoFront(): ParetoPoint<string>[] {
    return this.front.members();
  }

  async precheck(candidate: CandidateSource): Promise<string | undefined> {
    if (!/\bdecide\b/.test(candidate.code)) return 'the policy module must export a function decide(view)';
    return undefined;
  }

  async evaluate(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<EvalResult> {
    if (!workloads.length) return failedEvaluation('no workloads to evaluate', 'the evaluation set is empty', []);
    let scenarios: Scenario[];
    let baselines: BaselineSet[];
    try {
      scenarios = workloads.map(scenarioOf);
      baselines = scenarios.map((s) => baselinesFor(s, this.options.weights));
    } catch (err) {
      return failedEvaluation(`workload problem: ${(err as Error).message}`, `The evaluation set is broken, not the policy: ${(err as Error).message}`, workloads);
    }
    // The first scenario also keeps the policy's reasons, so reviewers can read why it placed what.
    const first = workloads[0] as Workload;
    const runs = await this.runCandidate(candidate, workloads, scenarios, signal, new Set([first.id]));
    const perWorkload: WorkloadResult[] = [];
    const items: ScenarioFeedback[] = [];
    const sums: Record<string, number> = {};
    const counts: Record<string, number> = {};
    const add = (k: string, v: number | null | undefined): void => {
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      sums[k] = (sums[k] ?? 0) + v;
      counts[k] = (counts[k] ?? 0) + 1;
    };
    const goodnessSum: Record<string, number> = {};
    const fingerprint: unknown[] = [];
    let firstError: string | undefined;
    let successes = 0;
    let nodeShare = 0;
    let slaRate = 0;
    let scoredCount = 0;
    workloads.forEach((w, i) => {
      const run = runs[i] as ClusterRun;
      const base = baselines[i] as BaselineSet;
      const o = run.outcome;
      const report = o && o.ok ? (o as SimulationReport) : undefined;
      const failure = run.failure ?? (o && !o.ok ? o.failure : undefined);
      const metrics: Record<string, number> = {};
      let error: string | undefined;
      if (report) {
        const m = report.metrics;
        const success = report.reward >= base.best.reward - this.options.successTolerance;
        Object.assign(metrics, {
          reward: report.reward,
          first_fit_reward: base.reports['first-fit'].reward,
          best_baseline_reward: base.best.reward,
          vs_first_fit: report.reward - base.reports['first-fit'].reward,
          success: success ? 1 : 0,
          cpu_utilisation: m.cpuUtilisation,
          memory_utilisation: m.memoryUtilisation,
          cost_usd: m.costUsd,
          energy_kwh: m.energyKwh,
          sla_violation_rate: m.slaViolationRate,
          failure_rate: m.failureRate,
          makespan_seconds: m.makespan,
          fairness_gini: m.fairnessGini,
          preemptions: m.preemptions,
          invalid_decisions: report.invalidCount,
          nodes_used: m.nodesUsed,
        });
        if (m.meanLatency !== null) metrics['mean_latency_seconds'] = m.meanLatency;
        if (m.p95Latency !== null) metrics['p95_latency_seconds'] = m.p95Latency;
        if (m.p99Latency !== null) metrics['p99_latency_seconds'] = m.p99Latency;
        if (report.decisionMs !== null) metrics['decision_ms_per_task'] = report.decisionMs / Math.max(1, m.tasks);
        for (const n of OBJECTIVE_NAMES) {
          metrics[`goodness_${n}`] = report.goodness[n];
          goodnessSum[n] = (goodnessSum[n] ?? 0) + report.goodness[n];
        }
        for (const [k, v] of Object.entries(metrics)) add(k, v);
        if (success) successes++;
        nodeShare += m.nodesUsed / (run.scenario.nodes.length || 1);
        slaRate += m.slaViolationRate;
        scoredCount++;
        fingerprint.push([report.placements, Number(report.reward.toFixed(9))]);
      } else {
        error = failure ? `${failure.kind}: ${failure.message}` : 'no result';
        fingerprint.push({ failure: failure?.kind ?? 'none' });
      }
      firstError ??= error;
      const result: WorkloadResult = { workloadId: w.id, ok: error === undefined, score: report ? report.reward : 0, metrics };
      if (error !== undefined) result.error = error;
      perWorkload.push(result);
      items.push({
        id: w.id,
        description: run.scenario.description || `${run.scenario.tasks.length} tasks on ${run.scenario.nodes.length} nodes`,
        report,
        baselines: base,
        failure,
        invalid: o?.invalid ?? [],
        logs: o?.logs ?? [],
      });
    });
    const ok = perWorkload.every((r) => r.ok);
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(sums)) metrics[`mean_${k}`] = v / (counts[k] as number);
    metrics['workloads'] = workloads.length;
    metrics['failed_workloads'] = perWorkload.filter((r) => !r.ok).length;
    metrics['success_rate'] = successes / workloads.length;
    if (ok && scoredCount) {
      const point = Object.fromEntries(OBJECTIVE_NAMES.map((n) => [n, (goodnessSum[n] ?? 0) / scoredCount]));
      metrics['on_pareto_front'] = this.front.offer(candidate.id, point) ? 1 : 0;
    }
    const score = perWorkload.reduce((s, r) => s + r.score, 0) / perWorkload.length;
    const feedback = buildFeedback(items, this.options.weights);
    const result: EvalResult = {
      ok,
      score,
      metrics,
      features: { slaViolationRate: scoredCount ? slaRate / scoredCount : 1, nodeShare: scoredCount ? nodeShare / scoredCount : 0 },
      perWorkload,
      feedback: `${ok ? '' : 'The policy FAILED on some scenarios (see below); fix that first.\n'}${feedback}${ok ? `\nSummary: mean reward ${score.toFixed(4)}; at least as good as the best heuristic on ${successes} of ${workloads.length} scenarios.` : ''}`,
      fingerprint: createHash('sha256').update(JSON.stringify(fingerprint)).digest('hex').slice(0, 32),
    };
    if (!ok && firstError) result.error = firstError;
    const explained = runs[0]?.outcome;
    const reasons = explained && explained.ok ? (explained as SimulationReport).reasons : undefined;
    if (reasons?.length) result.decisions = { workload: first.id, notes: reasons.slice(0, EXPLAINED_DECISIONS).map((r) => ({ subject: r.task, choice: r.node, time: r.time, reason: r.reason })) };
    return result;
  }

  /**
   * Runs the candidate on the scenarios, split into contiguous shares run as parallel sandbox jobs
   * (one per worker). Each scenario loads the policy afresh, so the split never changes a result:
   * one candidate uses every worker, and runs that evaluate one candidate at a time (reproducible
   * at any worker count) are still fast.
   */
  async runCandidate(candidate: Pick<CandidateSource, 'code' | 'fileName'>, workloads: Workload[], scenarios: Scenario[], signal: AbortSignal, explainIds?: ReadonlySet<string>): Promise<ClusterRun[]> {
    const shares = Math.max(1, Math.min(this.ctx.sandbox().size, workloads.length));
    if (shares === 1) return this.runShare(candidate, workloads, scenarios, signal, explainIds);
    const per = Math.ceil(workloads.length / shares);
    const jobs: Promise<ClusterRun[]>[] = [];
    for (let start = 0; start < workloads.length; start += per) jobs.push(this.runShare(candidate, workloads.slice(start, start + per), scenarios.slice(start, start + per), signal, explainIds));
    return (await Promise.all(jobs)).flat();
  }

  /** Runs the candidate on the scenarios in one sandbox job. */
  private async runShare(candidate: Pick<CandidateSource, 'code' | 'fileName'>, workloads: Workload[], scenarios: Scenario[], signal: AbortSignal, explainIds?: ReadonlySet<string>): Promise<ClusterRun[]> {
    const tasks = scenarios.reduce((n, s) => n + s.tasks.length, 0);
    const limits: { timeoutMs: number; memoryMb?: number } = { timeoutMs: this.options.timeoutMs ?? 10_000 + 1000 * workloads.length + 20 * tasks };
    if (this.options.memoryMb !== undefined) limits.memoryMb = this.options.memoryMb;
    let outcome: SandboxOutcome;
    try {
      outcome = await this.ctx.sandbox().run(
        {
          harness: CLUSTER_HARNESS,
          candidateCode: candidate.code,
          candidateFileName: candidate.fileName,
          input: {
            scenarios: workloads.map((w) => ({ id: w.id, scenario: (w.data as { scenario: JsonValue }).scenario, ...(explainIds?.has(w.id) ? { explain: true } : {}) })),
            weights: this.options.weights as unknown as JsonValue,
            keepInvalid: this.options.keepInvalid,
            seed: this.options.seed,
            explain: this.options.explain,
          },
          limits,
        },
        signal,
      );
    } catch (err) {
      return scenarios.map((scenario) => ({ scenario, outcome: undefined, failure: { kind: 'sandbox', message: (err as Error).message } }));
    }
    if (!outcome.ok) {
      const message = describePolicyFailure(outcome.kind, outcome.message, limits.timeoutMs, workloads.length, 'scenario', 'decision');
      return scenarios.map((scenario) => ({ scenario, outcome: undefined, failure: { kind: outcome.kind, message } }));
    }
    const value = outcome.value as { results?: { id: string; outcome: HarnessOutcome }[] } | null;
    const byId = new Map((value?.results ?? []).map((r) => [r.id, r.outcome]));
    return workloads.map((w, i) => {
      const scenario = scenarios[i] as Scenario;
      const o = byId.get(w.id);
      return o ? { scenario, outcome: o, failure: undefined } : { scenario, outcome: undefined, failure: { kind: 'result', message: `the harness returned no result for ${w.id}` } };
    });
  }
}

