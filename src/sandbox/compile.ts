// Turns candidate TypeScript/JavaScript into CommonJS text that a Compartment can evaluate. Runs
// in the trusted parent with the TypeScript compiler (pure JS, shipped beside the bundles as
// dist/typescript.js and loaded on first compile, see core/typescript-lazy.ts), and caches by
// content hash because a candidate is evaluated on many workloads. A short-lived process (one
// `faas run`) would load and warm the compiler for a file it compiled last time, so results are
// also kept on disk, keyed by the compiler's version and the exact source.
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type * as TS from 'typescript';
import { ts } from '../core/typescript-lazy';
import { LruMap } from '../core/lru';
import { DiskCache } from '../core/disk-cache';
import { version as productVersion } from '../../package.json';

export interface CompiledCandidate {
  /** Hash of (loader, file name, source); names the compiled text in worker caches. */
  hash: string;
  fileName: string;
  js: string;
  /** Source map (JSON text) from `js` back to the candidate source. */
  map: string;
}

export type CompileResult =
  | { ok: true; compiled: CompiledCandidate }
  | { ok: false; message: string };

type Loader = 'ts' | 'js';

const loaders: Readonly<Record<string, Loader>> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
};

const MAX_CACHED_ENTRIES = 256;
const MAX_CACHED_CHARS = 64 * 1024 * 1024;
const MAX_REPORTED_ERRORS = 5;

const cache = new LruMap<string, CompileResult>(MAX_CACHED_ENTRIES, MAX_CACHED_CHARS, (r) =>
  r.ok ? r.compiled.js.length + r.compiled.map.length : r.message.length,
);
const inFlight = new Map<string, Promise<CompileResult>>();
const disk = new DiskCache('compiled-candidates', { maxEntries: 2000 });
/** Names what transpile() emits: change it whenever the compiler options or the post-processing change. */
const OUTPUT_FORMAT = 'cjs es2022 sourcemap no-comments no-top-level-await v1';
let compilerVersion: string | undefined;

export function loaderForFileName(fileName: string): Loader | undefined {
  const ext = extname(fileName).toLowerCase();
  return Object.prototype.hasOwnProperty.call(loaders, ext) ? loaders[ext] : undefined;
}

/**
 * Compiles a candidate. Syntax errors resolve to `{ ok: false }` with `file:line:column`
 * messages; only a broken compiler rejects.
 */
export function compileCandidate(code: string, fileName: string): Promise<CompileResult> {
  const loader = loaderForFileName(fileName);
  if (loader === undefined) {
    const supported = Object.keys(loaders).join(', ');
    return Promise.resolve({ ok: false, message: `cannot run '${fileName}' in the sandbox: the file extension must be one of ${supported}` });
  }
  const hash = createHash('sha256').update(loader).update('\0').update(fileName).update('\0').update(code).digest('hex');
  const cached = cache.get(hash);
  if (cached) return Promise.resolve(cached);
  const pending = inFlight.get(hash);
  if (pending) return pending;
  const job = Promise.resolve().then(() => compileThroughDisk(code, fileName, loader, hash)).then(
    (result) => {
      inFlight.delete(hash);
      cache.set(hash, result);
      return result;
    },
    (error: unknown) => {
      inFlight.delete(hash);
      throw error;
    },
  );
  inFlight.set(hash, job);
  return job;
}

function compileThroughDisk(code: string, fileName: string, loader: Loader, hash: string): CompileResult {
  if (!disk.enabled) return transpile(code, fileName, loader, hash);
  // The package manifest rather than the compiler: reading the version must not load ten megabytes.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  compilerVersion ??= (require('typescript/package.json') as { version: string }).version;
  // The product version too: a release that changes what transpile() does without renaming
  // OUTPUT_FORMAT must not be served an older release's output.
  const key = createHash('sha256').update(OUTPUT_FORMAT).update('\0').update(productVersion).update('\0').update(compilerVersion).update('\0').update(hash).digest('hex');
  const stored = parseStored(disk.read(key), fileName, hash);
  if (stored) return stored;
  const result = transpile(code, fileName, loader, hash);
  // The entry names its source's hash: an entry moved or copied under another key is a miss.
  disk.write(key, JSON.stringify(result.ok ? { source: hash, ok: true, js: result.compiled.js, map: result.compiled.map } : { source: hash, ...result }));
  return result;
}

/** A stored result, or undefined when there is none or it is not one (a torn or foreign file). */
function parseStored(data: Buffer | undefined, fileName: string, hash: string): CompileResult | undefined {
  if (data === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.source !== hash) return undefined;
  if (v.ok === true && typeof v.js === 'string' && typeof v.map === 'string') return { ok: true, compiled: { hash, fileName, js: v.js, map: v.map } };
  if (v.ok === false && typeof v.message === 'string') return { ok: false, message: v.message };
  return undefined;
}

function transpile(code: string, fileName: string, loader: Loader, hash: string): CompileResult {
  const out = ts.transpileModule(code, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      sourceMap: true,
      inlineSources: false,
      // SES refuses any source text containing `import(`, even in a comment.
      removeComments: true,
      allowJs: loader === 'js',
      isolatedModules: true,
      esModuleInterop: false,
    },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) return { ok: false, message: formatErrors(errors, code, fileName) };
  // A second parse only for text that can hold an await at all.
  const awaitAt = /\bawait\b/.test(code) ? topLevelAwait(ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false)) : undefined;
  if (awaitAt !== undefined) {
    // A CommonJS body cannot await; the emitted text would only fail later, inside the worker.
    return { ok: false, message: formatErrors([{ category: ts.DiagnosticCategory.Error, code: 0, file: undefined, start: awaitAt, length: 5, messageText: 'Top-level await is not supported in candidates: export an async function instead' }], code, fileName) };
  }
  // The emitted text ends with a sourceMappingURL comment naming a file that does not exist.
  const js = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  return { ok: true, compiled: { hash, fileName, js, map: out.sourceMapText ?? '' } };
}

function topLevelAwait(source: TS.SourceFile): number | undefined {
  let found: number | undefined;
  const visit = (node: TS.Node): void => {
    if (found !== undefined || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
      found = node.getStart(source);
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  return found;
}

function formatErrors(diagnostics: readonly TS.Diagnostic[], code: string, fileName: string): string {
  const lines: string[] = [];
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false);
  diagnostics.slice(0, MAX_REPORTED_ERRORS).forEach((d, index) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.start === undefined) {
      lines.push(`${fileName}: ${text}`);
      return;
    }
    const { line, character } = source.getLineAndCharacterOfPosition(d.start);
    lines.push(`${fileName}:${line + 1}:${character + 1}: ${text}`);
    if (index === 0) {
      const lineText = code.split('\n')[line] ?? '';
      const gutter = String(line + 1);
      lines.push(`  ${gutter} | ${lineText}`);
      lines.push(`  ${' '.repeat(gutter.length)} | ${' '.repeat(character)}^`);
    }
  });
  if (diagnostics.length > MAX_REPORTED_ERRORS) lines.push(`(${diagnostics.length - MAX_REPORTED_ERRORS} more errors)`);
  return lines.join('\n');
}
