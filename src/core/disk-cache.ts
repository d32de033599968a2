// A per-user cache on disk for work a short-lived process would otherwise redo on every start
// (compiled candidates, the compiler's V8 code cache). Every entry is named by a hash of
// everything its content depends on, so a stale entry can only be a miss, never a wrong answer.
// The cache is an optimisation: a directory that cannot be created, read or written makes every
// lookup a miss and the caller computes the value as it would without a cache.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Overrides the cache's location; `off` disables it (tests, read-only homes, measurements). */
export const CACHE_DIR_ENV = 'POLICY_EVOLVER_CACHE_DIR';

/** The platform's per-user cache folder for this product, or undefined when caching is off. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const override = env[CACHE_DIR_ENV];
  if (override !== undefined && override !== '') return override === 'off' ? undefined : override;
  let home: string;
  try {
    home = homedir();
  } catch {
    return undefined;
  }
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'policy-evolver');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'policy-evolver', 'Cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'policy-evolver');
}

/**
 * Where a process says, once, that its cache cannot be used (the CLI and the worker: a `warning:`
 * line on stderr). Unset, nothing is said: a sandbox worker's stderr is not the user's, and its
 * parent has the same cache root and says it itself.
 */
let unusableSink: ((message: string) => void) | undefined;
let warnedUnusable = false;

export function onCacheUnusable(sink: ((message: string) => void) | undefined): void {
  unusableSink = sink;
}

function reportUnusable(path: string, why: string): void {
  if (warnedUnusable || !unusableSink) return;
  warnedUnusable = true;
  unusableSink(`the cache folder ${path} cannot be used (${why}), so start-up work is redone every time: point ${CACHE_DIR_ENV} at a writable folder, or set it to 'off'`);
}

export interface DiskCacheOptions {
  /** Entries kept in the folder; the least recently written go first once it holds more. */
  maxEntries: number;
  /** Root folder; defaults to cacheRoot(). */
  root?: string;
}

/**
 * Every entry starts with a tag and the SHA-256 of its payload. A key names what the payload was
 * made from, not the payload itself: without the check a torn, bit-flipped or foreign file under a
 * valid name would be used as is (V8 checks bytecode only by the source's length and aborts the
 * process on corrupt bytecode, every run, until the entry is deleted by hand).
 */
const ENTRY_TAG = Buffer.from('PEC1');
const DIGEST_BYTES = 32;
const digest = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

/** One named folder of the cache holding entries keyed by hex hashes. */
export class DiskCache {
  private readonly root: string | undefined;
  private readonly dir: string | undefined;
  private readonly maxEntries: number;
  private writesSincePrune = 0;
  private usable = true;
  private rootChecked = false;

  constructor(namespace: string, options: DiskCacheOptions) {
    if (!/^[a-z0-9-]+$/.test(namespace)) throw new Error(`disk cache namespace must be lower-case letters, digits and dashes, got '${namespace}'`);
    const root = options.root ?? cacheRoot();
    this.root = root;
    this.dir = root === undefined ? undefined : join(root, namespace);
    this.maxEntries = options.maxEntries;
  }

  get enabled(): boolean {
    if (this.dir === undefined) return false;
    if (!this.rootChecked) this.checkRoot();
    return this.usable;
  }

  /** A root that is a file makes every lookup a miss and every write fail: say so rather than run slow unexplained. */
  private checkRoot(): void {
    this.rootChecked = true;
    for (const path of [this.root, this.dir]) {
      if (path === undefined) continue;
      let isDir: boolean;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        return; // not there yet: the first write creates it
      }
      if (!isDir) {
        this.usable = false;
        reportUnusable(path, 'it is a file, not a folder');
        return;
      }
    }
  }

  read(key: string): Buffer | undefined {
    if (!this.enabled) return undefined;
    const path = this.path(key);
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch {
      return undefined;
    }
    const head = ENTRY_TAG.length + DIGEST_BYTES;
    if (data.length < head || !data.subarray(0, ENTRY_TAG.length).equals(ENTRY_TAG)) return undefined;
    const payload = data.subarray(head);
    return digest(payload).equals(data.subarray(ENTRY_TAG.length, head)) ? payload : undefined;
  }

  /** Writes atomically (temporary file, then rename) so a concurrent reader sees all or nothing. */
  write(key: string, data: string | Uint8Array): void {
    if (!this.enabled || this.dir === undefined) return;
    const target = this.path(key);
    // A fresh name created exclusively: never through a file or link someone left in its place.
    const temporary = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(temporary, Buffer.concat([ENTRY_TAG, digest(payload), payload]), { mode: 0o600, flag: 'wx' });
      renameSync(temporary, target);
    } catch (err) {
      // A read-only or full disk: stop trying for this process, the work is simply redone.
      this.usable = false;
      reportUnusable(this.root ?? this.dir, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
      try {
        unlinkSync(temporary);
      } catch {
        /* it was never created */
      }
      return;
    }
    // Listing the folder costs more than one write: prune on the first write and then every so often.
    if (this.writesSincePrune++ % 64 === 0) this.prune();
  }

  private path(key: string): string {
    if (!/^[0-9a-f]{16,128}$/.test(key)) throw new Error(`disk cache key must be a hex hash, got '${key}'`);
    if (this.dir === undefined) throw new Error('disk cache is off');
    return join(this.dir, key);
  }

  private prune(): void {
    if (this.dir === undefined) return;
    const dir = this.dir;
    try {
      const names = readdirSync(dir).filter((n) => !n.endsWith('.tmp'));
      if (names.length <= this.maxEntries) return;
      const aged = names
        .map((name) => {
          try {
            return { name, mtime: statSync(join(dir, name)).mtimeMs };
          } catch {
            return { name, mtime: 0 };
          }
        })
        .sort((a, b) => a.mtime - b.mtime);
      // Down to 80% so the next prune is not due on the very next write.
      for (const { name } of aged.slice(0, names.length - Math.floor(this.maxEntries * 0.8))) {
        try {
          unlinkSync(join(dir, name));
        } catch {
          /* another process removed it first */
        }
      }
    } catch {
      /* the folder vanished: nothing to prune */
    }
  }
}
