import type { Evaluator, JsonValue } from '../core/types';
import type { SandboxPool } from '../sandbox/types';

export interface EvaluatorFactoryContext {
  /** Directory relative paths in options are resolved against (the evolved file's folder, or a worker's scratch dir). */
  baseDir: string;
  /** The shared sandbox pool for candidate JS/TS; created on first use. */
  sandbox(): SandboxPool;
  /** Warnings for the user, already prefixed `warning:`; they reach the CLI's stderr and the editor's run log alike. */
  log?(message: string): void;
}

/** Options come from the CLI, a config file, editor settings or a broker task message: plain JSON. */
export type EvaluatorFactory = (options: { [key: string]: JsonValue }, ctx: EvaluatorFactoryContext) => Promise<Evaluator>;
