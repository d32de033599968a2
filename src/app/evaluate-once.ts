// Scoring the editor's current content once ("Evaluate This Policy", CodeLens). Results are cached
// by content hash and evaluator settings, and a content a run already scored is looked up in its
// journal instead of being evaluated again.
import { dirname } from 'node:path';
import type { EvalSummary, RunConfig } from '../core/journal-events';
import { summarize } from '../core/engine';
import { scoreOn } from '../core/scoring';
import { codeHash } from '../core/normalize';
import type { EvaluateResult } from '../messages/lsp';
import { buildEvaluator } from './compose';

export interface CachedEvaluation {
  result: EvalSummary;
  keyMetric?: string;
  /** What scores are relative to (the evaluator's reference policy), when they are. */
  relativeTo?: string;
}

export class EvaluationCache {
  private readonly results = new Map<string, CachedEvaluation>();
  private readonly inflight = new Map<string, Promise<CachedEvaluation>>();

  /** `log` receives what an evaluator says while it is set up (a warning about its options). */
  constructor(private readonly log?: (message: string) => void) {}

  static key(contentHash: string, config: Pick<RunConfig, 'evaluator' | 'aggregation'>): string {
    return `${contentHash}:${JSON.stringify(config.evaluator)}:${JSON.stringify(config.aggregation)}`;
  }

  get(key: string): CachedEvaluation | undefined {
    return this.results.get(key);
  }

  isRunning(key: string): boolean {
    return this.inflight.has(key);
  }

  /** Evaluates once per key; concurrent callers share the evaluation. */
  evaluate(key: string, code: string, config: RunConfig, signal: AbortSignal): Promise<CachedEvaluation> {
    const cached = this.results.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = evaluateOnce(code, config, signal, this.log)
        .then((value) => {
          if (this.results.size > 512) this.results.clear();
          this.results.set(key, value);
          return value;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }
}

async function evaluateOnce(code: string, config: RunConfig, signal: AbortSignal, log?: (message: string) => void): Promise<CachedEvaluation> {
  const { evaluator, close } = await buildEvaluator(config, dirname(config.file), undefined, log);
  try {
    const workloads = (await evaluator.workloads()).filter((w) => w.split === 'search');
    if (workloads.length === 0) throw new Error(`evaluator '${config.evaluator.id}' offers no search workloads`);
    const candidate = { id: 'editor', code, fileName: config.fileName, hash: codeHash(code, config.fileName) };
    const pre = await evaluator.precheck?.(candidate);
    if (pre) return { result: { ok: false, score: null, metrics: {}, features: {}, perWorkload: [], feedback: pre, error: pre }, ...(evaluator.info.keyMetric ? { keyMetric: evaluator.info.keyMetric } : {}) };
    // Scored and summarised exactly as a run scores a candidate on its search set.
    const r = scoreOn(await evaluator.evaluate(candidate, workloads, signal), workloads, config.aggregation);
    const result = summarize(r.ok ? r : { ...r, error: r.error ?? 'evaluation failed' });
    return { result, ...(evaluator.info.keyMetric ? { keyMetric: evaluator.info.keyMetric } : {}), ...(evaluator.info.relativeTo ? { relativeTo: evaluator.info.relativeTo } : {}) };
  } finally {
    await close();
  }
}

export function toEvaluateResult(value: CachedEvaluation, cached: boolean): EvaluateResult {
  const r = value.result;
  return { ok: r.ok, score: r.score, metrics: r.metrics, ...(value.keyMetric ? { keyMetric: value.keyMetric } : {}), ...(r.error ? { error: r.error } : {}), ...(r.checks?.length ? { checks: r.checks } : {}), cached };
}

/** Where an evaluation error points in the file: `:line:col`, `line N` or `(line N)`; 0-based. */
export function errorLocation(message: string, fileName: string): { line: number; col: number } | undefined {
  const esc = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const withFile = new RegExp(`${esc}:(\\d+)(?::(\\d+))?`).exec(message);
  const m = withFile ?? /\bline (\d+)(?:,? col(?:umn)? (\d+))?/i.exec(message);
  if (!m) return undefined;
  return { line: Math.max(0, Number(m[1]) - 1), col: m[2] ? Math.max(0, Number(m[2]) - 1) : 0 };
}
