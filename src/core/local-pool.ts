// The default evaluation pool: evaluations run in this process (the evaluator itself sandboxes
// candidate code), at most `concurrency` at a time.
import { Semaphore } from './semaphore';
import type { EvalResult, EvaluationPool, EvaluationTask, Evaluator } from './types';

export class LocalEvaluationPool implements EvaluationPool {
  private readonly semaphore: Semaphore;

  constructor(
    private readonly evaluator: Evaluator,
    readonly concurrency: number,
  ) {
    this.semaphore = new Semaphore(Math.max(1, concurrency));
  }

  evaluate(task: EvaluationTask, signal: AbortSignal): Promise<EvalResult> {
    return this.semaphore.use(() => this.evaluator.evaluate(task.candidate, task.workloads, signal));
  }

  async close(): Promise<void> {
    await this.evaluator.dispose?.();
  }
}
