// A Generator whose candidates come from remote samplers: each GenerationRequest becomes a task on
// the experiment's `generate` queue, and the sampler's reply (patch, model usage, or the error it
// hit) comes back as if a local generator had produced it.
import { createHash } from 'node:crypto';
import type { GenerationRequest, GenerationResult, Generator, JsonValue, TokenUsage } from '../core/types';
import { UserError } from '../core/user-error';
import type { BrokerCoordinator } from './coordinator';
import type { GenerationFailure } from './messages';

export interface GeneratorSpec {
  id: string;
  options: { [key: string]: JsonValue };
}

/** Identifies one generator configuration, so bandit feedback reaches the samplers running it. */
export function generatorSpecKey(spec: GeneratorSpec, domain: string): string {
  return createHash('sha256').update(JSON.stringify([spec.id, spec.options, domain])).digest('hex').slice(0, 24);
}

/** A remote generator failure, carrying what the engine reads from local ones (`source`, `exchanges`). */
export class RemoteGenerationError extends Error {
  readonly source: string | undefined;
  readonly exchanges: GenerationResult['exchanges'];

  constructor(failure: GenerationFailure) {
    super(failure.message);
    this.name = 'RemoteGenerationError';
    this.source = failure.source;
    this.exchanges = failure.exchanges;
  }
}

/** A failure that repeats on every request (missing key, exhausted quota): the run stops with its message. */
export class FatalRemoteGenerationError extends UserError {
  readonly fatal = true;
  readonly source: string | undefined;
  readonly exchanges: GenerationResult['exchanges'];

  constructor(failure: GenerationFailure, generatorId: string) {
    super(/^generator '/.test(failure.message) ? failure.message : `generator '${generatorId}' on a remote sampler: ${failure.message}`);
    this.name = 'FatalRemoteGenerationError';
    this.source = failure.source;
    this.exchanges = failure.exchanges;
  }
}

export class BrokerSamplerPool implements Generator {
  readonly id: string;
  private readonly key: string;

  constructor(
    private readonly coordinator: BrokerCoordinator,
    private readonly spec: GeneratorSpec,
    domain: string,
    private readonly onUsage: (usage: TokenUsage) => void,
  ) {
    this.id = spec.id;
    this.key = generatorSpecKey(spec, domain);
  }

  async generate(request: GenerationRequest, signal: AbortSignal): Promise<GenerationResult> {
    const reply = await this.coordinator.generate(request, this.spec, signal);
    for (const usage of reply.usage) this.onUsage(usage);
    if (!reply.outcome.ok) throw reply.outcome.error.fatal ? new FatalRemoteGenerationError(reply.outcome.error, this.id) : new RemoteGenerationError(reply.outcome.error);
    return reply.outcome.result;
  }

  observe(source: string | undefined, outcome: { improved: boolean; costUsd: number; scoreDelta: number }): void {
    this.coordinator.observe(this.key, source, outcome);
  }
}
