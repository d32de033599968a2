// The one composition root: evaluator, sandbox pool, evaluation pool and generator for a run
// config. The CLI, the language server, broker workers and self-play all build runs here, so a run
// means the same thing wherever it starts.
import { dirname } from 'node:path';
import { LocalEvaluationPool } from '../core/local-pool';
import { BrokerEvaluationPool } from '../transport/broker-pool';
import type { BrokerCoordinator } from '../transport/coordinator';
import { connectRunBroker } from '../transport/run-broker';
import { BrokerSamplerPool } from '../transport/sampler-pool';
import type { RunConfig } from '../core/journal-events';
import type { RunHandles } from '../core/run-session';
import type { Evaluator, Generator, TokenUsage } from '../core/types';
import type { EngineEvent } from '../messages/progress';
import { createSandboxPool } from '../sandbox/pool';
import type { SandboxPool } from '../sandbox/types';
import { UserError } from '../core/user-error';
import { domains } from './domains';
import { promptsDir } from './prompts';

export interface Composed {
  evaluator: Evaluator;
  handles: RunHandles;
  close(): Promise<void>;
}

export interface ComposeOptions {
  onEvent?: (event: EngineEvent) => void;
  /** Human-readable warnings when there is no event sink (retries, trimmed context). */
  log?: (message: string) => void;
  /** API keys and the broker URL: environment variables by default, the editor's SecretStorage in the server. */
  secret?: (name: string) => string | undefined;
  /** A sandbox pool the caller owns and closes (self-play scores its policies in the same pool). */
  sandbox?: SandboxPool;
  /** Prompt templates in place of the package's (self-play's meta-prompt variants). */
  promptsDir?: string;
  /** Told about every model call next to the run's own ledger (self-play's total spend). */
  onUsage?: (usage: TokenUsage) => void;
  /** Where relative paths in evaluator options resolve; the evolved file's folder by default. */
  baseDir?: string;
}

export interface GeneratorContextOptions {
  domain: string;
  secret: (name: string) => string | undefined;
  /** `index` is the candidate's, so the journal ties each model call to its candidate. */
  onUsage?: (usage: TokenUsage, index?: number) => void;
  log?: (message: string) => void;
  promptsDir?: string;
  /** The run's spending cap (generators that cannot price a model refuse to start under one). */
  maxCostUsd?: number;
  /** The starting program and its file name (context-window checks before the first call). */
  startingCode?: string;
  fileName?: string;
}

/** A generator from its spec; unknown names and bad options are the user's to fix. */
export async function buildGenerator(spec: RunConfig['generator'], options: GeneratorContextOptions): Promise<Generator> {
  const factory = domains.generatorFactory(spec.id);
  try {
    return await factory(spec.options, {
      promptsDir: options.promptsDir ?? promptsDir(),
      domain: options.domain,
      secret: options.secret,
      ...(options.onUsage ? { onUsage: options.onUsage } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
      ...(options.startingCode !== undefined ? { startingCode: options.startingCode } : {}),
      ...(options.fileName !== undefined ? { fileName: options.fileName } : {}),
    });
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`generator '${spec.id}': ${(err as Error).message}`);
  }
}

export async function buildEvaluator(
  config: Pick<RunConfig, 'evaluator' | 'evaluationConcurrency'>,
  baseDir: string,
  shared?: SandboxPool,
  log?: (message: string) => void,
): Promise<{ evaluator: Evaluator; close(): Promise<void> }> {
  const factory = domains.evaluatorFactory(config.evaluator.id);
  let sandbox: SandboxPool | undefined;
  let evaluator: Evaluator;
  try {
    evaluator = await factory(config.evaluator.options, {
      baseDir,
      sandbox: () => shared ?? (sandbox ??= createSandboxPool({ size: config.evaluationConcurrency })),
      ...(log ? { log } : {}),
    });
  } catch (err) {
    await sandbox?.close();
    throw err instanceof UserError ? err : new UserError((err as Error).message);
  }
  return {
    evaluator,
    async close() {
      await evaluator.dispose?.();
      await sandbox?.close();
    },
  };
}

export async function compose(config: RunConfig, options: ComposeOptions = {}): Promise<Composed> {
  const { onEvent, log } = options;
  const secret = options.secret ?? ((name: string) => process.env[name]);
  const baseDir = options.baseDir ?? dirname(config.file);
  const warn = (message: string): void => (onEvent ? onEvent({ kind: 'log', level: 'warn', message }) : log?.(message));
  const { evaluator, close } = await buildEvaluator(config, baseDir, options.sandbox, warn);
  let workloads;
  try {
    workloads = await evaluator.workloads();
    // Fail before the run starts, not at the first generation.
    domains.generatorFactory(config.generator.id);
  } catch (err) {
    await close();
    throw err instanceof UserError ? err : new UserError(`evaluator '${config.evaluator.id}': ${(err as Error).message}`);
  }
  // With a broker, evaluations (and, if asked, generation) run on attached workers; local is the default.
  let coordinator: BrokerCoordinator | undefined;
  if (config.broker) {
    const notify = (level: 'info' | 'warn', message: string): void => (onEvent ? onEvent({ kind: 'log', level, message }) : log?.(message));
    try {
      coordinator = await connectRunBroker(config.broker, { baseDir, secret, notify });
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
    async makeGenerator(onUsage: (usage: TokenUsage, index?: number) => void, startingCode: string) {
      const both = options.onUsage
        ? (usage: TokenUsage, index?: number) => {
            onUsage(usage, index);
            options.onUsage?.(usage);
          }
        : onUsage;
      if (broker && config.broker?.remoteSamplers) return new BrokerSamplerPool(broker, config.generator, evaluator.info.domain, both);
      return buildGenerator(config.generator, {
        domain: evaluator.info.domain,
        secret,
        onUsage: both,
        ...(log ? { log } : {}),
        ...(options.promptsDir ? { promptsDir: options.promptsDir } : {}),
        startingCode,
        fileName: config.fileName,
        ...(config.budget.maxCostUsd !== undefined ? { maxCostUsd: config.budget.maxCostUsd } : {}),
      });
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
