// V8 bytecode of the worker's trusted bundles (SES, the harnesses) kept on disk between worker
// processes (core/code-cache.ts): compiling them from source is a large share of a short job's
// CPU, paid again by every worker. Only files shipped next to the worker bundle in dist/ are
// loaded this way; candidates never are (they run in Compartments and cannot reach the cache).
// The engine passes its cache root, since the worker's environment is empty on purpose.
import { basename, dirname } from 'node:path';
import { requireWithCodeCache, type CodeCacheLoad } from '../core/code-cache';
import { DiskCache } from '../core/disk-cache';

/** Argument index of the cache root in the worker's argv ('off': no cache); see worker-process.ts. */
const CACHE_ROOT_ARG = 3;
const OFF = 'off';

/** The worker argument naming `root` (undefined: caching is off). */
export function cacheRootArg(root: string | undefined): string {
  return root === undefined || root === '' ? OFF : root;
}

let cache: DiskCache | undefined | null = null;
const pending: CodeCacheLoad[] = [];

function workerCache(): DiskCache | undefined {
  if (cache === null) {
    const root = process.argv[CACHE_ROOT_ARG];
    cache = root === undefined || root === OFF || root === '' ? undefined : new DiskCache('v8-code-cache', { maxEntries: 32, root });
  }
  return cache;
}

/**
 * Requires one of the shipped bundles beside this one (dist/ses.js, dist/harness-<name>.js) with
 * cached bytecode; undefined when the file is not such a bundle or the cache is off, and the
 * caller requires it the ordinary way.
 */
export function requireShippedBundle(path: string): unknown {
  // Source runs (tsx) load TypeScript, which only node's hooked require can compile.
  if (basename(__dirname) !== 'dist' || dirname(path) !== __dirname || !path.endsWith('.js')) return undefined;
  const diskCache = workerCache();
  if (diskCache === undefined) return undefined;
  // V8 refuses bytecode made under other flags (the heap limit is one): keep one entry per flag set.
  const loaded = requireWithCodeCache(path, `sandbox-worker ${process.execArgv.join(' ')}`, { cache: diskCache, saveAt: 'manual' });
  if (loaded === undefined) return undefined;
  pending.push(loaded);
  return loaded.exports;
}

/**
 * Writes the bytecode of bundles the cache did not hold, including what the job just run
 * compiled. Called after a job and before its result is sent: the pool kills idle workers
 * when it closes, so nothing later is sure to run. Costs only the first worker of a build.
 */
export function saveShippedBytecode(): void {
  for (const load of pending.splice(0)) load.save();
}
