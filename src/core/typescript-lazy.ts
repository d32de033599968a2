// The TypeScript compiler, loaded on first use. It is about ten megabytes of JavaScript: a static
// import would make every process that merely might compile or mutate code (every CLI command,
// `--version` included) parse and initialise it at start-up. The build ships it as its own file
// (dist/typescript.js, see scripts/build.mjs) so a bundle that never touches it never parses it.
// Every module that needs the compiler goes through `ts` here; types come from
// `import type * as TS from 'typescript'`, which costs nothing at run time.
//
// Compiling the compiler's source and warming its parser costs more CPU than a short command does
// otherwise, so it is loaded with V8's code cache: bytecode kept on disk (core/disk-cache.ts) after
// the first process that used it, including the functions that process compiled lazily.
import type * as TS from 'typescript';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireWithCodeCache, type CodeCacheUse } from './code-cache';

let loaded: typeof TS | undefined;
let codeCacheUse: CodeCacheUse | 'off' | undefined;

function load(): typeof TS {
  if (loaded === undefined) {
    const path = compilerPath();
    const cached = path === undefined ? undefined : requireWithCodeCache(path);
    codeCacheUse = cached?.use ?? 'off';
    loaded = (cached?.exports as typeof TS | undefined) ?? requireCompiler();
  }
  return loaded;
}

function requireCompiler(): typeof TS {
  // A plain require, so the build can point it at the separately shipped compiler.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('typescript') as typeof TS;
}

/** The compiler's file: beside the bundle that runs (dist/typescript.js), else the package's. */
function compilerPath(): string | undefined {
  const shipped = join(__dirname, 'typescript.js');
  if (existsSync(shipped)) return shipped;
  try {
    return require.resolve('typescript');
  } catch {
    return undefined;
  }
}

/**
 * The compiler's namespace, resolved on the first property read. A proxy rather than an accessor
 * function keeps call sites as they read in the compiler's own documentation (`ts.isIdentifier`).
 */
export const ts: typeof TS = new Proxy({} as typeof TS, {
  get: (_target, key) => Reflect.get(load(), key),
  has: (_target, key) => Reflect.has(load(), key),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_target, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
    // A proxy may only report a property as non-configurable if its target has it so; ours never does.
    return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
  },
});

/** Whether the compiler has been loaded in this process (for start-up tests and benchmarks). */
export function typescriptLoaded(): boolean {
  return loaded !== undefined;
}

/** Whether the loaded compiler ran from cached bytecode (for tests and benchmarks); undefined before loading. */
export function typescriptCodeCache(): CodeCacheUse | 'off' | undefined {
  return codeCacheUse;
}

/**
 * A value built from the compiler on first use: module-level tables of syntax kinds would
 * otherwise load the compiler as soon as their module is imported.
 */
export function lazily<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}
