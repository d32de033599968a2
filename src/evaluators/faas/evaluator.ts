// The FaaS scheduling evaluator. Candidates run in the sandbox pool (simulator and policy in one
// confined worker); the built-in `priority` baseline runs in-process once per trace and is
// cached, and every score is the candidate's relative improvement over it.
import { failedEvaluation } from '../../core/eval-result';
import { describePolicyFailure } from '../policy-kit';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CandidateSource, EvalResult, Evaluator, EvaluatorInfo, JsonValue, Workload, WorkloadResult } from '../../core/types';
import type { EvaluatorFactory, EvaluatorFactoryContext } from '../types';
import type { SandboxOutcome } from '../../sandbox/types';
import type { DecisionError } from './engine/decisions';
import type { SimulationOutcome, SimulationReport } from './engine/results';
import { buildFeedback, pct, type TraceFeedback } from './feedback';
import { readParamsFile } from './io/params-file';
import { checkGuardrails, guardrailChecks, infeasibleScore, parseGuardrails, type GuardrailBreach, type Guardrails } from './guardrails';
import { objectiveLabel, parseObjective, SCORE_FLOOR, scoreAgainst, SEED_OBJECTIVE_WARNING, usesSeedObjective, type Objective } from './objectives';
import { runBuiltin } from './run';
import { defaultWorkloads, loadWorkload, parseWorkloadData, traceWorkloads, type LoadedWorkload } from './workload/workloads';
import { FAAS_HARNESS } from './sandbox-harness';
import { SERVE_DEFAULTS, ServedCandidates } from './rest/served-candidate';

export interface FaasEvaluatorOptions {
  objective: Objective;
  /** Per-class limits versus the baseline; null = none. */
  guardrails: Guardrails | null;
  workloads: Workload[];
  /** Sandbox wall-clock limit for one candidate on all the workloads of a call. */
  timeoutMs?: number;
  memoryMb?: number;
  keepInvalid: number;
  /**
   * Candidates are scheduler servers in any language, started by this shell command inside the
   * command sandbox and asked over Eudoxia's REST protocol (`{file}` = the candidate, `{port}`).
   */
  serve?: string;
  /** With `serve`: how long a server may take to listen. */
  serveStartupSeconds?: number;
  /** With `serve`: run the server without the OS sandbox (--unsandboxed-commands). */
  unsandboxed?: boolean;
}

export const FAAS_EVALUATOR_INFO: EvaluatorInfo = Object.freeze({
  id: 'faas',
  domain: 'faas',
  keyMetric: 'adjusted_latency_penalized_seconds',
  relativeTo: "Eudoxia's priority policy",
  lowerIsBetter: ['*latency*', '*_seconds', '*oom_failures', '*invalid_decisions', 'failed_workloads', '*simulation_ms', 'guardrail_violations'],
  features: [
    { name: 'completionRate', min: 0, max: 1, bins: 10 },
    { name: 'oomShare', min: 0, max: 1, bins: 8 },
  ],
});

export const createFaasEvaluator: EvaluatorFactory = async (options, ctx) => {
  const parsed = parseOptions(options, ctx.baseDir);
  // Through the run's log, not stderr, so the editor shows it as the CLI does.
  if (usesSeedObjective(parsed.objective)) ctx.log?.(`warning: ${SEED_OBJECTIVE_WARNING}`);
  return new FaasEvaluator(parsed, ctx);
};

export function parseOptions(options: { [key: string]: JsonValue }, baseDir: string): FaasEvaluatorOptions {
  const known = new Set(['traces', 'params', 'objective', 'guardrails', 'timeoutMs', 'memoryMb', 'keepInvalid', 'serve', 'serveStartupSeconds', 'unsandboxed']);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new Error(`unknown faas evaluator option '${key}' (known: ${[...known].join(', ')})`);
  }
  let params: { [key: string]: JsonValue } | undefined;
  const p = options['params'];
  if (typeof p === 'string') params = readParamsFile(resolve(baseDir, p)) as unknown as { [key: string]: JsonValue };
  else if (typeof p === 'object' && p !== null && !Array.isArray(p)) params = p;
  else if (p !== undefined && p !== null) throw new Error('faas option params must be a path to a TOML/JSON file or an object of Eudoxia keys');

  let workloads: Workload[];
  const traces = options['traces'];
  if (traces !== undefined && traces !== null) {
    if (!Array.isArray(traces) || traces.length === 0 || !traces.every((t) => typeof t === 'string')) throw new Error('faas option traces must be a non-empty list of CSV paths');
    const files = (traces as string[]).map((t) => {
      const path = resolve(baseDir, t);
      let csv: string;
      try {
        csv = readFileSync(path, 'utf8');
      } catch (err) {
        throw new Error(`cannot read trace ${path}: ${(err as Error).message}`);
      }
      return { name: basename(path), csv };
    });
    workloads = traceWorkloads(files, params ?? {});
    // Parse once now so a malformed trace is reported before any candidate runs.
    for (const w of workloads) loadWorkload(parseWorkloadData(w.data, w.id));
  } else {
    workloads = params ? defaultWorkloads({ ...params }) : defaultWorkloads();
  }
  const number = (key: string): number | undefined => {
    const v = options[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !(v > 0)) throw new Error(`faas option ${key} must be a positive number`);
    return v;
  };
  const out: FaasEvaluatorOptions = { objective: parseObjective(options['objective']), guardrails: parseGuardrails(options['guardrails']), workloads, keepInvalid: number('keepInvalid') ?? 20 };
  const timeoutMs = number('timeoutMs');
  const memoryMb = number('memoryMb');
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  if (memoryMb !== undefined) out.memoryMb = memoryMb;
  const serve = options['serve'];
  if (serve !== undefined && serve !== null) {
    if (typeof serve !== 'string' || serve.trim() === '') throw new Error('faas option serve must be a shell command starting the scheduler server, e.g. "python3 {file}"');
    out.serve = serve;
    const startup = number('serveStartupSeconds');
    if (startup !== undefined) out.serveStartupSeconds = startup;
  } else if (options['serveStartupSeconds'] !== undefined) throw new Error('faas option serveStartupSeconds needs serve');
  const unsandboxed = options['unsandboxed'];
  if (unsandboxed !== undefined && unsandboxed !== null) {
    if (typeof unsandboxed !== 'boolean') throw new Error('faas option unsandboxed must be true or false');
    if (unsandboxed && out.serve === undefined) throw new Error('faas option unsandboxed only applies to scheduler servers (serve)');
    out.unsandboxed = unsandboxed;
  }
  return out;
}

interface CandidateRun {
  outcome: SimulationOutcome | undefined;
  /** A failure outside the simulation: sandbox timeout, compile error, bad exports... */
  failure: { kind: string; message: string } | undefined;
}

const BASELINE = 'priority';
const baselineCache = new Map<string, { loaded: LoadedWorkload; report: SimulationReport }>();
const BASELINE_CACHE_SIZE = 256;

/** The built-in priority policy on a workload, computed once per distinct workload. */
export function baselineFor(data: JsonValue | undefined): { loaded: LoadedWorkload; report: SimulationReport } {
  const key = createHash('sha256').update(JSON.stringify(data ?? null)).digest('hex');
  const hit = baselineCache.get(key);
  if (hit) {
    baselineCache.delete(key);
    baselineCache.set(key, hit);
    return hit;
  }
  const loaded = loadWorkload(parseWorkloadData(data));
  const outcome = runBuiltin(BASELINE, loaded);
  if (!outcome.ok) throw new Error(`the ${BASELINE} baseline failed on ${loaded.label}: ${outcome.failure.message}`);
  const entry = { loaded, report: { stats: outcome.stats, extra: outcome.extra, invalid: outcome.invalid, logs: outcome.logs } };
  baselineCache.set(key, entry);
  if (baselineCache.size > BASELINE_CACHE_SIZE) baselineCache.delete(baselineCache.keys().next().value as string);
  return entry;
}

class FaasEvaluator implements Evaluator {
  readonly info = FAAS_EVALUATOR_INFO;
  private readonly served: ServedCandidates | undefined;

  constructor(
    private readonly options: FaasEvaluatorOptions,
    private readonly ctx: EvaluatorFactoryContext,
  ) {
    if (options.serve !== undefined) {
      this.served = new ServedCandidates(
        {
          command: options.serve,
          unsandboxed: options.unsandboxed === true,
          startupSeconds: options.serveStartupSeconds ?? SERVE_DEFAULTS.startupSeconds,
          // HTTP round trips per decision: far slower than an in-process policy.
          timeoutMs: options.timeoutMs ?? 30_000 + 15_000 * options.workloads.length,
          memoryMb: options.memoryMb ?? SERVE_DEFAULTS.memoryMb,
          keepInvalid: options.keepInvalid,
        },
        ctx.baseDir,
      );
    }
  }

  async workloads(): Promise<Workload[]> {
    return this.options.workloads;
  }

  async precheck(candidate: CandidateSource): Promise<string | undefined> {
    // A scheduler server in another language answers /schedule; there is no step to look for.
    if (this.served) return undefined;
    if (!/\bstep\b/.test(candidate.code)) return 'the policy module must export a function step(ctx, results, arrivals)';
    return undefined;
  }

  async evaluate(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<EvalResult> {
    try {
      return await this.evaluateOrThrow(candidate, workloads, signal);
    } catch (err) {
      // Only a broken harness or evaluation set gets here; a bad candidate never does.
      const message = `evaluation error: ${(err as Error)?.message ?? String(err)}`;
      return failed(message, `The evaluation itself failed, not necessarily the policy: ${message}`, workloads);
    }
  }

  private async evaluateOrThrow(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<EvalResult> {
    const objective = this.options.objective;
    if (workloads.length === 0) return failed('no workloads to evaluate', 'the evaluation set is empty', []);
    const baselines: { workload: Workload; loaded: LoadedWorkload; report: SimulationReport }[] = [];
    try {
      for (const w of workloads) {
        if (signal.aborted) return failed('cancelled', 'the evaluation was cancelled', workloads);
        baselines.push({ workload: w, ...baselineFor(w.data) });
      }
    } catch (err) {
      return failed(`workload problem: ${(err as Error).message}`, `The evaluation set is broken, not the policy: ${(err as Error).message}`, workloads);
    }

    const runs = await this.runCandidate(candidate, workloads, signal);
    const perWorkload: WorkloadResult[] = [];
    const traces: TraceFeedback[] = [];
    const fingerprintParts: unknown[] = [];
    const breaches: GuardrailBreach[] = [];
    let firstError: string | undefined;
    let completion = 0;
    let ooms = 0;
    let assignmentsTotal = 0;
    const metricsSum: Record<string, number> = {};
    const metricsCount: Record<string, number> = {};
    const addMetric = (name: string, value: number | null | undefined): void => {
      if (value === null || value === undefined || !Number.isFinite(value)) return;
      metricsSum[name] = (metricsSum[name] ?? 0) + value;
      metricsCount[name] = (metricsCount[name] ?? 0) + 1;
    };

    baselines.forEach(({ workload, loaded, report: base }, i) => {
      const run = runs[i] as CandidateRun;
      const o = run.outcome;
      const failure: TraceFeedback['failure'] = run.failure ?? (o && !o.ok ? o.failure : undefined);
      const invalid: DecisionError[] = o?.invalid ?? [];
      const invalidCount = o && o.ok ? o.extra.invalid_decisions : invalid.length;
      const report: SimulationReport | undefined = o && o.ok ? { stats: o.stats, extra: o.extra, invalid: o.invalid, logs: o.logs } : undefined;
      let score: number | null = null;
      const metrics: Record<string, number> = {};
      let error: string | undefined;
      if (report) {
        score = scoreAgainst(objective, report, base);
        metrics['relative_score'] = score;
        if (this.options.guardrails) breaches.push(...checkGuardrails(this.options.guardrails, workload.id, report, base));
        setIf(metrics, 'adjusted_latency_penalized_seconds', report.extra.adjusted_latency_penalized_seconds);
        setIf(metrics, 'adjusted_latency_seconds', report.extra.adjusted_latency_seconds);
        setIf(metrics, 'baseline_adjusted_latency_seconds', base.extra.adjusted_latency_seconds);
        setIf(metrics, 'completion_rate', report.extra.completion_rate);
        metrics['oom_failures'] = report.extra.oom_failures;
        metrics['invalid_decisions'] = report.extra.invalid_decisions;
        setIf(metrics, 'p99_query_seconds', report.stats.pipelines_query.p99_latency_seconds);
        setIf(metrics, 'p99_interactive_seconds', report.stats.pipelines_interactive.p99_latency_seconds);
        setIf(metrics, 'p99_batch_seconds', report.stats.pipelines_batch.p99_latency_seconds);
        metrics['simulation_ms'] = report.extra.simulation_ms;
        for (const [k, v] of Object.entries(metrics)) addMetric(k, v);
        completion += report.extra.completion_rate ?? 0;
        ooms += report.extra.oom_failures;
        assignmentsTotal += report.stats.assignments;
        if (invalidCount > 0) error = `${invalidCount} invalid decision${invalidCount > 1 ? 's' : ''}; first: rule ${invalid[0]?.rule}: ${invalid[0]?.message}`;
        fingerprintParts.push(report.stats);
      } else {
        error = failure ? `${failure.kind}: ${failure.message}` : 'no result';
        fingerprintParts.push({ failure: failure?.kind ?? 'none' });
      }
      firstError ??= error;
      const ok = error === undefined;
      const result: WorkloadResult = { workloadId: workload.id, ok, score: ok && score !== null ? score : SCORE_FLOOR, metrics };
      if (error !== undefined) result.error = error;
      perWorkload.push(result);
      traces.push({ id: workload.id, label: loaded.label, score, candidate: report, baseline: base, failure, invalid, invalidCount, logs: o?.logs ?? [] });
    });

    const ok = perWorkload.every((r) => r.ok);
    // A broken guardrail anywhere makes the candidate infeasible: every workload scores below any
    // feasible score, so no aggregation rule can rank it above a feasible candidate.
    const infeasible = ok && breaches.length > 0;
    if (infeasible) for (const r of perWorkload) r.score = infeasibleScore(r.metrics?.['relative_score'] ?? null);
    const scores = perWorkload.map((r) => r.score);
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(metricsSum)) metrics[`mean_${k}`] = v / (metricsCount[k] as number);
    metrics['workloads'] = workloads.length;
    metrics['failed_workloads'] = perWorkload.filter((r) => !r.ok).length;
    if (this.options.guardrails) metrics['guardrail_violations'] = breaches.length;
    const scoredCount = traces.filter((t) => t.candidate).length;
    const features: Record<string, number> = {
      completionRate: scoredCount ? completion / scoredCount : 0,
      oomShare: assignmentsTotal ? Math.min(1, ooms / assignmentsTotal) : 0,
    };
    const guardrailText = infeasible
      ? `INFEASIBLE: the candidate breaks ${breaches.length} guardrail${breaches.length > 1 ? 's' : ''} (it ranks below every candidate that keeps them):\n${breaches
          .slice(0, 8)
          .map((b) => `  - ${b.guardrail} on ${b.workload}: ${b.detail}`)
          .join('\n')}\n`
      : '';
    const seedWarning = usesSeedObjective(objective) ? `Warning: ${SEED_OBJECTIVE_WARNING}.\n` : '';
    const feedback = seedWarning + guardrailText + buildFeedback(objective, traces);
    const score = scores.reduce((a, b) => a + b, 0) / scores.length;
    const result: EvalResult = {
      ok,
      score,
      metrics,
      features,
      perWorkload,
      feedback: `${ok ? '' : 'The candidate FAILED (see below); fix that first.\n'}${feedback}`,
      fingerprint: createHash('sha256').update(JSON.stringify(fingerprintParts)).digest('hex').slice(0, 32),
    };
    if (!ok && firstError) result.error = firstError;
    if (this.options.guardrails && ok) result.checks = guardrailChecks(workloads.map((w) => w.id), breaches);
    if (ok && !infeasible) result.feedback += `\nSummary: ${pct(score)} mean relative ${objectiveLabel(objective)} versus priority.`;
    if (infeasible) result.feedback += `\nSummary: infeasible (${breaches.map((b) => `${b.guardrail} on ${b.workload}`).slice(0, 4).join('; ')}).`;
    return result;
  }

  private async runCandidate(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<CandidateRun[]> {
    if (this.served) return this.served.run(candidate, workloads, signal);
    // A simulation takes milliseconds; seconds per trace leave room for slow but honest policies
    // while a looping one does not hold a worker for long.
    const limits: { timeoutMs: number; memoryMb?: number } = { timeoutMs: this.options.timeoutMs ?? 3000 + 2000 * workloads.length };
    if (this.options.memoryMb !== undefined) limits.memoryMb = this.options.memoryMb;
    let outcome: SandboxOutcome;
    try {
      outcome = await this.ctx.sandbox().run(
        {
          harness: FAAS_HARNESS,
          candidateCode: candidate.code,
          candidateFileName: candidate.fileName,
          input: { workloads: workloads.map((w) => ({ id: w.id, data: w.data ?? null })), keepInvalid: this.options.keepInvalid },
          limits,
        },
        signal,
      );
    } catch (err) {
      return workloads.map(() => ({ outcome: undefined, failure: { kind: 'sandbox', message: (err as Error).message } }));
    }
    if (!outcome.ok) {
      const message = describePolicyFailure(outcome.kind, outcome.message, limits.timeoutMs, workloads.length, 'simulation', 'step');
      return workloads.map(() => ({ outcome: undefined, failure: { kind: outcome.kind, message } }));
    }
    const value = outcome.value as { results?: { id: string; outcome: SimulationOutcome }[] } | null;
    const byId = new Map((value?.results ?? []).map((r) => [r.id, r.outcome]));
    return workloads.map((w) => {
      const o = byId.get(w.id);
      return o ? { outcome: o, failure: undefined } : { outcome: undefined, failure: { kind: 'result', message: `the harness returned no result for ${w.id}` } };
    });
  }
}

function setIf(metrics: Record<string, number>, key: string, value: number | null): void {
  if (value !== null && Number.isFinite(value)) metrics[key] = value;
}

const failed = (error: string, feedback: string, workloads: Workload[]): EvalResult => failedEvaluation(error, feedback, workloads, SCORE_FLOOR);
