import type { Generator, JsonValue, TokenUsage } from '../core/types';

export interface GeneratorFactoryContext {
  /** Folder holding `prompts/<domain>/*.md`. */
  promptsDir: string;
  /** Problem domain of the evaluator in use (selects the prompt templates). */
  domain: string;
  /** API key lookup: environment variables in the CLI, SecretStorage in the editor. Never logged. */
  secret(name: 'OPENAI_API_KEY' | 'ANTHROPIC_API_KEY' | string): string | undefined;
  /** Called for every model call so the run can journal tokens and cost as they happen; `index` is the candidate's. */
  onUsage?(usage: TokenUsage, index?: number): void;
  /** The run's spending cap: generators that cannot price their calls must refuse to start under one. */
  maxCostUsd?: number;
  /** The program the run starts from, so a generator can refuse at once when it cannot work on it. */
  startingCode?: string;
  /** File name of the evolved program (its language comes from the extension). */
  fileName?: string;
  /** Human-readable warnings (retries, trimmed context). */
  log?(message: string): void;
}

export type GeneratorFactory = (options: { [key: string]: JsonValue }, ctx: GeneratorFactoryContext) => Promise<Generator>;
