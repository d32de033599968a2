// The broker-backed EvaluationPool: the engine's evaluations run on whichever workers are attached
// to the experiment, on this machine or others.
import type { EvalResult, EvaluationPool, EvaluationTask } from '../core/types';
import type { BrokerCoordinator } from './coordinator';

export class BrokerEvaluationPool implements EvaluationPool {
  constructor(
    private readonly coordinator: BrokerCoordinator,
    /** Evaluations this pool has out at once; the engine's own concurrency bounds it in practice. */
    readonly concurrency: number,
  ) {}

  async evaluate(task: EvaluationTask, signal: AbortSignal): Promise<EvalResult> {
    const reply = await this.coordinator.evaluate(task, signal);
    return reply.result;
  }

  workers(): { evaluators: number; samplers: number } {
    return this.coordinator.stats().attached;
  }

  /** The coordinator is shared with the sampler pool and closed by whoever composed the run. */
  async close(): Promise<void> {}
}
