// The CLI's composition root: evaluator, sandbox pool, evaluation pool and generator for a run config.
import { dirname, join } from 'node:path';
import { LocalEvaluationPool } from '../core/local-pool';
import { BrokerEvaluationPool } from '../transport/broker-pool';
import type { BrokerCoordinator } from '../transport/coordinator';
import { connectRunBroker } from '../transport/run-broker';
import { BrokerSamplerPool } from '../transport/sampler-pool';
import type { RunConfig } from '../core/journal-events';
import type { RunHandles } from '../core/run-session';
import type { Evaluator, TokenUsage } from '../core/types';
import type { EngineEvent } from '../messages/progress';
import { evaluatorFactory } from '../evaluators/registry';
import { generatorFactory } from '../generators/registry';
import { createSandboxPool } from '../sandbox/pool';
import type { SandboxPool } from '../sandbox/types';
import { findPackageRoot } from '../sandbox/entries';
import { UserError } from '../core/user-error';

export interface Composed {
  evaluator: Evaluator;
  handles: RunHandles;
  close(): Promise<void>;
}

export async function buildEvaluator(config: Pick<RunConfig, 'evaluator' | 'evaluationConcurrency'>, baseDir: string): Promise<{ evaluator: Evaluator; close(): Promise<void> }> {
  let sandbox: SandboxPool | undefined;
  let factory;
  try {
    factory = evaluatorFactory(config.evaluator.id);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  let evaluator: Evaluator;
  try {
    evaluator = await factory(config.evaluator.options, {
      baseDir,
      sandbox: () => (sandbox ??= createSandboxPool({ size: config.evaluationConcurrency })),
    });
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  return {
    evaluator,
    async close() {
      await evaluator.dispose?.();
      await sandbox?.close();
    },
  };
}

/** `secret` looks up API keys: environment variables by default, the editor's SecretStorage in the server. */
export async function compose(
  config: RunConfig,
  onEvent?: (event: EngineEvent) => void,
  log?: (message: string) => void,
  secret: (name: string) => string | undefined = (name) => process.env[name],
): Promise<Composed> {
  const { evaluator, close } = await buildEvaluator(config, dirname(config.file));
  let workloads;
  try {
    workloads = await evaluator.workloads();
  } catch (err) {
    await close();
    throw new UserError(`evaluator '${config.evaluator.id}': ${(err as Error).message}`);
  }
  let generatorFactoryFn;
  try {
    generatorFactoryFn = generatorFactory(config.generator.id);
  } catch (err) {
    await close();
    throw new UserError((err as Error).message);
  }
  // With a broker, evaluations (and, if asked, generation) run on attached workers; local is the default.
  let coordinator: BrokerCoordinator | undefined;
  if (config.broker) {
    const notify = (level: 'info' | 'warn', message: string): void => (onEvent ? onEvent({ kind: 'log', level, message }) : log?.(message));
    try {
      coordinator = await connectRunBroker(config.broker, { baseDir: dirname(config.file), secret, notify });
    } catch (err) {
      await close();
      throw err instanceof UserError ? err : new UserError(`broker: ${(err as Error).message}`);
    }
  }
  const broker = coordinator;
  const pool = broker ? new BrokerEvaluationPool(broker, config.evaluationConcurrency) : new LocalEvaluationPool(evaluator, config.evaluationConcurrency);
  const handles: RunHandles = {
    evaluator: evaluator.info,
    workloads,
    pool,
    async makeGenerator(onUsage: (usage: TokenUsage) => void) {
      if (broker && config.broker?.remoteSamplers) return new BrokerSamplerPool(broker, config.generator, evaluator.info.domain, onUsage);
      try {
        return await generatorFactoryFn(config.generator.options, {
          promptsDir: join(findPackageRoot(), 'prompts'),
          domain: evaluator.info.domain,
          secret,
          onUsage,
          ...(log ? { log } : {}),
        });
      } catch (err) {
        throw new UserError(`generator '${config.generator.id}': ${(err as Error).message}`);
      }
    },
    ...(onEvent ? { onEvent } : {}),
  };
  const closeAll = broker
    ? async () => {
        await broker.close();
        await close();
      }
    : close;
  return { evaluator, handles, close: closeAll };
}
