// The TypeScript compiler, loaded on first use. It is about ten megabytes of JavaScript: a static
// import would make every process that merely might compile or mutate code (every CLI command,
// `--version` included) parse and initialise it at start-up. The build ships it as its own file
// (dist/typescript.js, see scripts/build.mjs) so a bundle that never touches it never parses it.
// Every module that needs the compiler goes through `ts` here; types come from
// `import type * as TS from 'typescript'`, which costs nothing at run time.
import type * as TS from 'typescript';

let loaded: typeof TS | undefined;

function load(): typeof TS {
  // A plain require, so the build can point it at the separately shipped compiler.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('typescript') as typeof TS;
  return loaded;
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
