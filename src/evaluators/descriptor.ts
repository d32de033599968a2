// What a problem domain tells the rest of the program about itself. Each domain folder exports one
// descriptor; app/domains.ts lists them, and every place that used to know domains by name (the
// evaluator registry, evaluator inference, the sandbox harness build, the editor's file types and
// pickers, comment syntax for deduplication) reads the list instead.
import type { CommentSyntax } from '../core/language';
import type { JsonValue } from '../core/types';
import type { GeneratorFactory } from '../generators/types';
import type { SandboxHarness } from '../sandbox/types';
import type { EvaluatorFactory } from './types';

/** A generator a domain brings with it (e.g. the protocol domain's Q-learning synthesizer). */
export interface DomainGenerator {
  id: string;
  label: string;
  description: string;
  /** Lower-case file extensions without the dot it can work on. */
  extensions: string[];
  factory: GeneratorFactory;
}

/** A file type only this domain introduces, with the comments dedup strips from it. */
export interface DomainFileType {
  extension: string;
  language: string;
  comments: CommentSyntax;
}

/** What the editor can offer for files of this domain. */
export interface EditorCapabilities {
  /** VS Code language ids whose documents the language server should see. */
  languageIds: string[];
  /** Scoring needs a shell command from the user (the editor asks for one). */
  needsCommand?: boolean;
  /** `cluster selfplay` can harden policies of this domain. */
  selfPlay?: boolean;
  /**
   * Content that makes a file with one of the domain's extensions worth starting the language
   * server for when it has no EVOLVE-BLOCK markers; absent: every such file is.
   */
  contentPattern?: RegExp;
}

export interface DomainDescriptor {
  /** Evaluator name in run configs, `--evaluator` and journals. */
  id: string;
  label: string;
  /** One line for pickers and `--help`. */
  description: string;
  /** Lower-case extensions (no dot) of files this domain can score. */
  extensions: string[];
  /**
   * Scores files of any extension (a user's command can score any language); `extensions` then
   * only say where the editor offers it. Otherwise a run on a file of another extension is refused.
   */
  anyFile?: boolean;
  /**
   * Whether a file is clearly this domain's without being told (`evolve policy.ts` with no
   * `--evaluator`). Domains that need more than the file (a command) never claim files.
   */
  claims?(fileName: string, code: string): boolean;
  /** File types the domain introduces (comment syntax for deduplication). */
  fileTypes?: DomainFileType[];
  createEvaluator: EvaluatorFactory;
  /** Trusted harness modules its evaluator runs candidates in (bundled by the build). */
  harnesses: SandboxHarness[];
  /** Generators only this domain provides. */
  generators?: DomainGenerator[];
  /** The generator a run uses when neither flags nor settings name one. */
  defaultGenerator(fileName: string): string;
  /**
   * Evaluator options the file itself implies (the protocol domain: the fault model and
   * resilience a `.rbp` declares), so a run checks what the file says it is; options from flags
   * or a config file win.
   */
  evaluatorDefaults?(fileName: string, code: string): { [key: string]: JsonValue };
  /** Folder under prompts/ with this domain's prompt templates. */
  prompts: string;
  editor: EditorCapabilities;
}

export const extensionOf = (fileName: string): string => {
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  const dot = fileName.lastIndexOf('.');
  return dot > slash ? fileName.slice(dot + 1).toLowerCase() : '';
};

export const JS_EXTENSIONS = ['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx'];
export const JS_LANGUAGE_IDS = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'];

/** Markers that make any file of a domain's extensions evolvable. */
export const EVOLVE_MARKER = /EVOLVE-BLOCK-START/;
