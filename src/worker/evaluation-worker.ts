// A worker that evaluates candidates from the experiment's `evaluate` queue. The evaluator is rebuilt
// from the task's registry name and options with the same factory context as a local run (same
// sandbox pool, same limits), so a candidate is confined exactly as it would be on the user's machine.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalResult, Evaluator, JsonValue } from '../core/types';
import { buildEvaluator } from '../app/compose';
import { errorText } from '../transport/log';
import { failedEvaluation, MESSAGE_VERSION, MessageType, parseEvaluateTask, type EvaluateTaskBody, type EvaluationReplyBody } from '../transport/messages';
import { startTaskWorker, type RunningWorker, type TaskContext, type TaskHandler, type TaskReply, type TaskWorkerOptions } from '../transport/task-worker';

export interface BuiltEvaluator {
  evaluator: Evaluator;
  close(): Promise<void>;
}

/**
 * Builds an evaluator for a task; the default is the composition root's own `buildEvaluator`.
 * `log` takes the evaluator's warnings (set-up notes such as a missing tool), which belong in this
 * worker's log as they would in a local run's.
 */
export type EvaluatorBuilder = (spec: { id: string; options: { [key: string]: JsonValue } }, baseDir: string, concurrency: number, log: (message: string) => void) => Promise<BuiltEvaluator>;

const defaultBuilder: EvaluatorBuilder = (spec, baseDir, concurrency, log) => buildEvaluator({ evaluator: spec, evaluationConcurrency: concurrency }, baseDir, undefined, log);

export interface EvaluationWorkerOptions extends TaskWorkerOptions {
  buildEvaluator?: EvaluatorBuilder;
}

interface CacheEntry {
  built: Promise<BuiltEvaluator>;
  users: number;
}

/** Evaluators hold sandbox processes: a few configurations stay warm, idle extras are closed. */
const WARM_EVALUATORS = 4;

class EvaluationHandler implements TaskHandler<EvaluateTaskBody> {
  readonly kind = 'evaluate' as const;
  private readonly scratch = mkdtempSync(join(tmpdir(), 'policy-evolver-worker-'));
  private readonly missingDirs = new Set<string>();
  /** In least-recently-used order (Map keeps insertion order; a use re-inserts). */
  private readonly evaluators = new Map<string, CacheEntry>();

  constructor(
    private readonly build: EvaluatorBuilder,
    private readonly concurrency: number,
  ) {}

  parse(raw: unknown): EvaluateTaskBody {
    return parseEvaluateTask(raw);
  }

  private acquire(spec: EvaluateTaskBody['task']['evaluator'], baseDir: string, ctx: TaskContext): { key: string; entry: CacheEntry } {
    const key = JSON.stringify([spec.id, spec.options, baseDir]);
    let entry = this.evaluators.get(key);
    if (entry) this.evaluators.delete(key);
    else {
      const log = (message: string): void => ctx.log.warn(`evaluator '${spec.id}': ${message}`);
      entry = { built: this.build({ id: spec.id, options: spec.options as { [key: string]: JsonValue } }, baseDir, this.concurrency, log), users: 0 };
      entry.built.catch(() => undefined);
    }
    entry.users++;
    this.evaluators.set(key, entry);
    this.evict();
    return { key, entry };
  }

  private release(key: string, entry: CacheEntry, failed: boolean): void {
    entry.users--;
    // A configuration that failed to build is tried afresh next time.
    if (failed && this.evaluators.get(key) === entry) this.evaluators.delete(key);
    this.evict();
  }

  private evict(): void {
    for (const [key, entry] of this.evaluators) {
      if (this.evaluators.size <= WARM_EVALUATORS) break;
      if (entry.users > 0) continue;
      this.evaluators.delete(key);
      void entry.built.then((b) => b.close()).catch(() => undefined);
    }
  }

  private baseDirFor(body: EvaluateTaskBody, ctx: TaskContext): string {
    if (body.baseDir && existsSync(body.baseDir)) return body.baseDir;
    if (body.baseDir && !this.missingDirs.has(body.baseDir)) {
      this.missingDirs.add(body.baseDir);
      ctx.log.warn(`the run's folder ${body.baseDir} does not exist on this machine: relative paths in the evaluator options resolve against ${this.scratch}`);
    }
    return this.scratch;
  }

  async run(body: EvaluateTaskBody, signal: AbortSignal, ctx: TaskContext): Promise<TaskReply> {
    const started = Date.now();
    const { task } = body;
    const { key, entry } = this.acquire(task.evaluator, this.baseDirFor(body, ctx), ctx);
    let result: EvalResult;
    let buildFailed = false;
    try {
      let built: BuiltEvaluator | undefined;
      try {
        built = await entry.built;
      } catch (err) {
        buildFailed = true;
        result = failedEvaluation(`worker ${ctx.worker.id} could not set up evaluator '${task.evaluator.id}': ${errorText(err)}`);
      }
      if (built) {
        try {
          result = await built.evaluator.evaluate(task.candidate, task.workloads, signal);
        } catch (err) {
          // The same words the engine uses when a local pool throws, so journals read the same.
          result = failedEvaluation(`evaluator failed: ${errorText(err)}`);
        }
      }
    } finally {
      this.release(key, entry, buildFailed);
    }
    const reply: EvaluationReplyBody = {
      version: MESSAGE_VERSION,
      key: body.key,
      runId: task.runId,
      candidateId: task.candidate.id,
      result: result!,
      worker: ctx.worker,
      attempt: ctx.attempt,
      durationMs: Date.now() - started,
    };
    return { type: MessageType.evaluation, body: reply, failed: !reply.result.ok };
  }

  unreadable(raw: unknown, key: string, reason: string, ctx: TaskContext): TaskReply | undefined {
    const task = (raw as { task?: { runId?: unknown; candidate?: { id?: unknown } } } | undefined)?.task;
    const reply: EvaluationReplyBody = {
      version: MESSAGE_VERSION,
      key,
      runId: typeof task?.runId === 'string' ? task.runId : '',
      candidateId: typeof task?.candidate?.id === 'string' ? task.candidate.id : '',
      result: failedEvaluation(`worker ${ctx.worker.id} cannot read this evaluation task: ${reason}`),
      worker: ctx.worker,
      attempt: ctx.attempt,
      durationMs: 0,
    };
    return { type: MessageType.evaluation, body: reply, failed: true };
  }

  async close(): Promise<void> {
    const entries = [...this.evaluators.values()];
    this.evaluators.clear();
    for (const entry of entries) {
      const built = await entry.built.catch(() => undefined);
      await built?.close().catch(() => undefined);
    }
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

export function startEvaluationWorker(options: EvaluationWorkerOptions): Promise<RunningWorker> {
  return startTaskWorker(new EvaluationHandler(options.buildEvaluator ?? defaultBuilder, Math.max(1, options.concurrency)), options);
}
