// A tiny deterministic domain for engine tests and benchmarks: the evolvable block holds
// `x = <number>;` and each workload scores -(x - target)^2.
import { Rng } from '../../src/core/rng';
import type { CandidateSource, EvalResult, Evaluator, GenerationRequest, GenerationResult, Generator, Workload } from '../../src/core/types';

export const TOY_FILE = ['// a toy program', '// EVOLVE-BLOCK-START', 'x = 0;', '// EVOLVE-BLOCK-END', ''].join('\n');

export function toyValue(code: string): number {
  const m = /x = (-?[\d.]+);/.exec(code);
  return m ? Number(m[1]) : Number.NaN;
}

export interface ToyOptions {
  targets?: Partial<Record<string, number>>;
  workloads?: Workload[];
  /** Calls per candidate id, to check deduplication and the cascade. */
  calls?: Map<string, string[][]>;
  fingerprint?: (x: number) => string | undefined;
  delayMs?: number;
  /** -1 makes validation workloads reward distance from their target: search gains become validation losses. */
  validationSign?: number;
}

export function toyEvaluator(options: ToyOptions = {}): Evaluator {
  const workloads = options.workloads ?? [
    { id: 's1', split: 'search' },
    { id: 's2', split: 'search' },
    { id: 'v1', split: 'validation' },
    { id: 'h1', split: 'holdout' },
  ];
  const target = (id: string): number => options.targets?.[id] ?? 7;
  return {
    info: { id: 'toy', domain: 'toy', features: [] },
    async workloads() {
      return workloads;
    },
    async evaluate(candidate: CandidateSource, ws: Workload[], signal: AbortSignal): Promise<EvalResult> {
      options.calls?.set(candidate.id, [...(options.calls.get(candidate.id) ?? []), ws.map((w) => w.id)]);
      if (options.delayMs) {
        await new Promise<void>((resolve, reject) => {
          const onAbort = (): void => {
            clearTimeout(t);
            reject(new Error('aborted'));
          };
          const t = setTimeout(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          }, options.delayMs);
          signal.addEventListener('abort', onAbort, { once: true });
        });
      }
      const x = toyValue(candidate.code);
      if (!Number.isFinite(x)) return { ok: false, score: Number.NaN, metrics: {}, features: {}, perWorkload: [], feedback: 'no x', error: 'cannot read x' };
      const sign = (w: Workload): number => (w.split === 'validation' ? (options.validationSign ?? 1) : 1);
      const perWorkload = ws.map((w) => ({ workloadId: w.id, ok: true, score: -sign(w) * (x - target(w.id)) ** 2, metrics: { x } }));
      const fingerprint = options.fingerprint?.(x);
      return { ok: true, score: perWorkload[0]?.score ?? 0, metrics: { x }, features: {}, perWorkload, feedback: `x = ${x}`, ...(fingerprint ? { fingerprint } : {}) };
    },
  };
}

/** Steps x by a seeded amount; deterministic per request seed. */
export function toyGenerator(options: { costUsd?: number; onUsage?: (u: import('../../src/core/types').TokenUsage) => void; repeat?: boolean } = {}): Generator & { calls: number } {
  const gen = {
    id: 'toy',
    calls: 0,
    async generate(request: GenerationRequest): Promise<GenerationResult> {
      gen.calls++;
      const x = toyValue(request.parent.code);
      const rng = new Rng(request.seed);
      const next = options.repeat ? 1 : Math.round((x + (rng.next() * 4 - 1.5)) * 100) / 100;
      if (options.costUsd) options.onUsage?.({ provider: 'toy', model: 'toy-1', inputTokens: 100, outputTokens: 10, cachedInputTokens: 0, costUsd: options.costUsd });
      return { patch: { kind: 'block', index: 0, code: `x = ${next};` }, explanation: `moved x from ${x} to ${next}`, source: 'toy' };
    },
  };
  return gen;
}
