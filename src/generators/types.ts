import type { Generator, JsonValue, TokenUsage } from '../core/types';

export interface GeneratorFactoryContext {
  /** Folder holding `prompts/<domain>/*.md`. */
  promptsDir: string;
  /** Problem domain of the evaluator in use (selects the prompt templates). */
  domain: string;
  /** API key lookup: environment variables in the CLI, SecretStorage in the editor. Never logged. */
  secret(name: 'OPENAI_API_KEY' | 'ANTHROPIC_API_KEY' | string): string | undefined;
  /** Called for every model call so the run can journal tokens and cost as they happen. */
  onUsage?(usage: TokenUsage): void;
  /** Human-readable warnings (retries, trimmed context). */
  log?(message: string): void;
}

export type GeneratorFactory = (options: { [key: string]: JsonValue }, ctx: GeneratorFactoryContext) => Promise<Generator>;
