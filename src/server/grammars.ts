// The tree-sitter grammars the extension ships, and where their .wasm files live. The runtime
// (web-tree-sitter 0.22.6) is pinned to the ABI of the tree-sitter-wasms 0.1.13 grammar files:
// later runtimes cannot load them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Parser from 'web-tree-sitter';

export const SHIPPED_GRAMMARS = ['javascript', 'typescript', 'tsx', 'python'] as const;
export type GrammarName = (typeof SHIPPED_GRAMMARS)[number];

const RUNTIME_WASM = 'tree-sitter.wasm';

/** Grammar for a file, by extension; undefined when none is shipped. */
export function grammarFor(fileName: string): GrammarName | undefined {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  if (['js', 'mjs', 'cjs', 'jsx'].includes(ext)) return ext === 'jsx' ? 'tsx' : 'javascript';
  if (['ts', 'mts', 'cts'].includes(ext)) return 'typescript';
  if (ext === 'tsx') return 'tsx';
  if (ext === 'py') return 'python';
  return undefined;
}

/** The packaged folder (dist/grammars) when built, else the npm packages (tests, tsx). */
export function findGrammarsDir(candidates: string[]): { runtime: string; grammar(name: GrammarName): string } {
  for (const dir of candidates) {
    if (existsSync(join(dir, RUNTIME_WASM)) && existsSync(join(dir, 'tree-sitter-javascript.wasm'))) {
      return { runtime: join(dir, RUNTIME_WASM), grammar: (name) => join(dir, `tree-sitter-${name}.wasm`) };
    }
  }
  const modules = candidates.map((c) => join(c, 'node_modules')).concat(join(__dirname, '..', '..', 'node_modules'), join(process.cwd(), 'node_modules'));
  for (const nm of modules) {
    const runtime = join(nm, 'web-tree-sitter', RUNTIME_WASM);
    const grammars = join(nm, 'tree-sitter-wasms', 'out');
    if (existsSync(runtime) && existsSync(grammars)) return { runtime, grammar: (name) => join(grammars, `tree-sitter-${name}.wasm`) };
  }
  throw new Error(`tree-sitter grammars not found (looked in ${candidates.join(', ')} and node_modules)`);
}

export class GrammarSet {
  private init: Promise<void> | undefined;
  private readonly languages = new Map<GrammarName, Promise<Parser.Language>>();
  private readonly parsers = new Map<GrammarName, Parser>();

  constructor(private readonly location: ReturnType<typeof findGrammarsDir>) {}

  private ready(): Promise<void> {
    const runtime = this.location.runtime;
    this.init ??= Parser.init({ locateFile: () => runtime });
    return this.init;
  }

  async language(name: GrammarName): Promise<Parser.Language> {
    await this.ready();
    let lang = this.languages.get(name);
    if (!lang) {
      lang = Parser.Language.load(this.location.grammar(name));
      this.languages.set(name, lang);
      lang.catch(() => this.languages.delete(name));
    }
    return lang;
  }

  async parser(name: GrammarName): Promise<Parser> {
    let parser = this.parsers.get(name);
    if (!parser) {
      const language = await this.language(name);
      parser = new Parser();
      parser.setLanguage(language);
      this.parsers.set(name, parser);
    }
    return parser;
  }
}
