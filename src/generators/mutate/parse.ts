// Parsing and the syntax gate. The gate goes through a one-file Program with no lib and no module
// resolution because `Program.getSyntacticDiagnostics` is the public way to read parse errors
// (including the JS-only ones such as type annotations in a .js file); it costs ~0.1 ms over a
// bare parse.
import type * as TS from 'typescript';
import { lazily, ts } from '../../core/typescript-lazy';

export interface SourceLanguage {
  kind: TS.ScriptKind;
  /** Internal file name with the extension the compiler expects for this kind. */
  virtualName: string;
}

const BY_EXTENSION = lazily((): Record<string, SourceLanguage> => ({
  '.ts': { kind: ts.ScriptKind.TS, virtualName: 'candidate.ts' },
  '.mts': { kind: ts.ScriptKind.TS, virtualName: 'candidate.ts' },
  '.cts': { kind: ts.ScriptKind.TS, virtualName: 'candidate.ts' },
  '.tsx': { kind: ts.ScriptKind.TSX, virtualName: 'candidate.tsx' },
  '.js': { kind: ts.ScriptKind.JS, virtualName: 'candidate.js' },
  '.mjs': { kind: ts.ScriptKind.JS, virtualName: 'candidate.js' },
  '.cjs': { kind: ts.ScriptKind.JS, virtualName: 'candidate.js' },
  '.jsx': { kind: ts.ScriptKind.JSX, virtualName: 'candidate.jsx' },
}));

export function languageOf(fileName: string): SourceLanguage {
  const dot = fileName.lastIndexOf('.');
  const ext = dot === -1 ? '' : fileName.slice(dot).toLowerCase();
  const lang = BY_EXTENSION()[ext];
  if (!lang) {
    throw new Error(`mutate handles JavaScript and TypeScript files (${Object.keys(BY_EXTENSION()).join(', ')}); cannot mutate "${fileName}"`);
  }
  return lang;
}

/** JSDoc is never mutated and its errors are not syntax errors, so it is not parsed at all. */
const PARSE_OPTIONS = lazily((): TS.CreateSourceFileOptions => ({ languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }));

export function parse(code: string, lang: SourceLanguage, withParents: boolean): TS.SourceFile {
  return ts.createSourceFile(lang.virtualName, code, PARSE_OPTIONS(), withParents, lang.kind);
}

const GATE_OPTIONS = lazily((): TS.CompilerOptions => ({
  noLib: true,
  noResolve: true,
  allowJs: true,
  types: [],
  noEmit: true,
  target: ts.ScriptTarget.Latest,
  jsx: ts.JsxEmit.Preserve,
}));

/** The file the shared gate host serves; set just before each Program is built. */
let gated: TS.SourceFile | undefined;

const GATE_HOST: TS.CompilerHost = {
  getSourceFile: (name) => (gated && name === gated.fileName ? gated : undefined),
  getDefaultLibFileName: () => 'lib.d.ts',
  writeFile: () => undefined,
  getCurrentDirectory: () => '/',
  getDirectories: () => [],
  getCanonicalFileName: (name) => name,
  useCaseSensitiveFileNames: () => true,
  getNewLine: () => '\n',
  fileExists: (name) => name === gated?.fileName,
  readFile: () => undefined,
  // Resolving nothing spares the Program its resolution caches, which are most of its set-up cost.
  resolveModuleNameLiterals: (literals) => literals.map(() => ({ resolvedModule: undefined })),
  resolveTypeReferenceDirectiveReferences: (refs) => refs.map(() => ({ resolvedTypeReferenceDirective: undefined })),
};
// Not in the public typings but honoured by TypeScript 5.x; without it each Program builds a
// library resolution cache it never uses. Older or newer compilers simply ignore the property.
Object.assign(GATE_HOST, { resolveLibrary: () => ({ resolvedModule: undefined }) });

/** Parse errors of `sf` as "line N: message" strings; empty when the file parses cleanly. */
export function syntaxErrors(sf: TS.SourceFile): string[] {
  gated = sf;
  try {
    const program = ts.createProgram({ rootNames: [sf.fileName], options: GATE_OPTIONS(), host: GATE_HOST });
    return program.getSyntacticDiagnostics(sf).map((d) => {
      const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line + 1;
      return `line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
  } finally {
    gated = undefined;
  }
}

