// Loads a CommonJS file with V8's code cache kept on disk (core/disk-cache.ts). Node compiles a
// large bundle from source in every process; reusing bytecode that an earlier process produced,
// including the functions that process compiled lazily, removes most of that cost. Node 22 has
// module.enableCompileCache for this; node 20, which VS Code and the engines field still allow,
// has only vm.Script's cachedData.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { DiskCache } from './disk-cache';

/** How a file's bytecode was obtained: from the disk cache, or compiled because it was missing or stale. */
export type CodeCacheUse = 'missing' | 'rejected' | 'accepted';

/** Bundles whose bytecode is kept: the compiler, and the CLI once per command group; per build and V8 version. */
const codeCache = new DiskCache('v8-code-cache', { maxEntries: 32 });

export interface CodeCacheOptions {
  /** Another cache than the default per-user one (a sandbox worker gets its root from the engine). */
  cache?: DiskCache;
  /**
   * 'exit' (default) writes missing bytecode when the process exits; 'manual' leaves it to the
   * caller's save(), for processes that are killed rather than exit (sandbox workers).
   */
  saveAt?: 'exit' | 'manual';
}

export interface CodeCacheLoad {
  exports: unknown;
  use: CodeCacheUse;
  /**
   * Writes the bytecode of every function compiled so far, once; a no-op when the cache already
   * held it. Call it late: functions compiled after the write are compiled again by the next process.
   */
  save(): void;
}

type Wrapper = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dir: string) => void;

/**
 * Runs the CommonJS file at `path` as node's loader would and registers it as that file's module,
 * so a later require of the same file gets the same instance. Undefined when the cache is off or
 * the file cannot be read: the caller then requires the file the ordinary way. `variant` keeps
 * separate bytecode for uses that run different parts of the file (the CLI's command groups):
 * the cache holds what the first process of each variant compiled.
 */
export function requireWithCodeCache(path: string, variant = '', options: CodeCacheOptions = {}): CodeCacheLoad | undefined {
  const cache = options.cache ?? codeCache;
  if (!cache.enabled) return undefined;
  const modules = Module as unknown as { _cache: Record<string, Module | undefined> };
  const existing = modules._cache[path];
  if (existing !== undefined) return { exports: existing.exports, use: 'accepted', save: () => undefined };
  let source: string;
  let key: string;
  try {
    const stat = statSync(path);
    const bytes = readFileSync(path);
    // Bundles are mostly pure ASCII (esbuild escapes the rest), and decoding those as Latin-1 is
    // exact and several times cheaper than UTF-8 for megabytes of text.
    source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
    // V8 itself rejects bytecode from another V8 version or other flags, but checks the source only
    // by its length: the key names the file's identity. The change time and inode too, because
    // copies and unpacked archives keep the modification time (same size, same mtime, other code
    // would run the old bytecode) while no tool can set a file's change time.
    key = createHash('sha256').update([path, variant, stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, process.versions.v8, process.arch].join('\0')).digest('hex');
  } catch {
    return undefined;
  }
  // A shebang line is legal only at the very start of a script, not inside the wrapper.
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const cachedData = cache.read(key);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${body}\n})`, { filename: path, ...(cachedData ? { cachedData } : {}) });
  const use: CodeCacheUse = cachedData === undefined ? 'missing' : script.cachedDataRejected === true ? 'rejected' : 'accepted';
  let saved = use === 'accepted';
  const save = (): void => {
    if (saved) return;
    saved = true;
    try {
      cache.write(key, script.createCachedData());
    } catch {
      /* the next process compiles it again */
    }
  };
  // At exit, so the bytecode includes every function this process got to compile.
  if (!saved && options.saveAt !== 'manual') process.once('exit', save);
  const mod = new Module(path);
  mod.filename = path;
  modules._cache[path] = mod;
  try {
    (script.runInThisContext() as Wrapper).call(mod.exports, mod.exports, createRequire(path), mod, path, dirname(path));
  } catch (error) {
    delete modules._cache[path];
    throw error;
  }
  mod.loaded = true;
  return { exports: mod.exports, use, save };
}
