// Turns a PROMELA model into a pan binary (spin -a, then gcc), cached on disk by the model text and
// flags, so an interpreter model is compiled once per setting and reused by every candidate and
// every process (builds land in a temporary folder and are renamed into place atomically).
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLimited } from './process';

export class ToolMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolMissingError';
  }
}

export class BuildError extends Error {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'BuildError';
  }
}

export interface Toolchain {
  spin: string;
  gcc: string;
  spinVersion: string;
  /** First line of `gcc --version`: a compiler change may change a verdict, so it is part of verdict keys. */
  gccVersion?: string;
}

let detected: Toolchain | undefined;

/** Finds spin and gcc on PATH (or SPIN / CC from the environment); throws ToolMissingError with install advice. */
export function detectToolchain(): Toolchain {
  if (detected) return detected;
  const spin = process.env.SPIN || 'spin';
  const gcc = process.env.PE_CC || 'gcc';
  const v = spawnSync(spin, ['-V'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) throw new ToolMissingError(`the Spin model checker is not installed or not on PATH ('${spin} -V' failed); install it with: apt-get update && apt-get install -y spin`);
  const g = spawnSync(gcc, ['--version'], { encoding: 'utf8' });
  if (g.error || g.status !== 0) throw new ToolMissingError(`a C compiler is needed to build Spin's verifier ('${gcc} --version' failed); install it with: apt-get install -y gcc`);
  if (/\btcc\b/.test(gcc)) throw new ToolMissingError('tcc is not supported: it mis-compiles large pan guards; use gcc');
  detected = { spin, gcc, spinVersion: (v.stdout.trim().split('\n')[0] ?? '').trim(), gccVersion: (g.stdout.trim().split('\n')[0] ?? '').trim() };
  return detected;
}

export interface BuildFlags {
  /** Breadth-first search, for the shortest counterexample. */
  bfs?: boolean;
  /** gcc optimisation: O0 compiles fast for small runs, O2 for searches past about a second. */
  optimize?: 'O0' | 'O2';
}

export interface BuiltModel {
  dir: string;
  pan: string;
  /** Base name pan derives its trail file name from. */
  modelFile: string;
  /** Removes a temporary build (no-op for cached ones). */
  dispose(): void;
}

export function defaultCacheDir(): string {
  return process.env.PE_SPIN_CACHE || join(tmpdir(), 'policy-evolver-spin');
}

export class ModelBuilder {
  private readonly inFlight = new Map<string, Promise<BuiltModel>>();

  constructor(
    readonly cacheDir: string = defaultCacheDir(),
    private readonly tools: Toolchain = detectToolchain(),
  ) {
    mkdirSync(cacheDir, { recursive: true });
  }

  /** Identity of the tools a build depends on. */
  get toolchainId(): string {
    return `${this.tools.spinVersion} | ${this.tools.gcc} ${this.tools.gccVersion ?? ''}`.trim();
  }

  /** Compile flags handed to gcc; replay must use the same binary, so they are part of the cache key. */
  static ccFlags(flags: BuildFlags): string[] {
    return [`-${flags.optimize ?? 'O2'}`, '-DSAFETY', '-DNOFAIR', '-DVECTORSZ=2048', ...(flags.bfs ? ['-DBFS'] : []), '-w'];
  }

  key(model: string, flags: BuildFlags): string {
    return createHash('sha256')
      .update(this.toolchainId)
      .update('\0')
      .update(ModelBuilder.ccFlags(flags).join(' '))
      .update('\0')
      .update(model)
      .digest('hex')
      .slice(0, 20);
  }

  build(model: string, flags: BuildFlags = {}, signal?: AbortSignal): Promise<BuiltModel> {
    const key = this.key(model, flags);
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const p = this.buildUncached(key, model, flags, signal);
    this.inFlight.set(key, p);
    // Keep successful builds memoised; forget failures so a later call can retry.
    p.catch(() => {
      if (this.inFlight.get(key) === p) this.inFlight.delete(key);
    });
    return p;
  }

  /**
   * A build used once and then disposed (a compiled model is specific to one table; caching every
   * one of them would fill the disk during a long run).
   */
  async buildTemporary(model: string, flags: BuildFlags = {}, signal?: AbortSignal): Promise<BuiltModel> {
    const work = mkdtempSync(join(this.cacheDir, `tmp-${randomBytes(4).toString('hex')}-`));
    try {
      await this.compileIn(work, model, flags, signal);
    } catch (err) {
      rmSync(work, { recursive: true, force: true });
      throw err;
    }
    return { dir: work, pan: join(work, 'pan'), modelFile: 'model.pml', dispose: () => rmSync(work, { recursive: true, force: true }) };
  }

  private async compileIn(work: string, model: string, flags: BuildFlags, signal?: AbortSignal): Promise<void> {
    writeFileSync(join(work, 'model.pml'), model);
    const limits = { timeMs: 300_000, memoryMb: 0 };
    const a = await runLimited(this.tools.spin, ['-a', 'model.pml'], { cwd: work, limits, ...(signal ? { signal } : {}) });
    if (a.aborted) throw new BuildError('cancelled', '');
    if (a.code !== 0 || !existsSync(join(work, 'pan.c'))) throw new BuildError('spin -a rejected the generated model', (a.stdout + a.stderr).trim());
    const g = await runLimited(this.tools.gcc, [...ModelBuilder.ccFlags(flags), '-o', 'pan', 'pan.c'], { cwd: work, limits, ...(signal ? { signal } : {}) });
    if (g.aborted) throw new BuildError('cancelled', '');
    if (g.code !== 0 || !existsSync(join(work, 'pan'))) throw new BuildError('gcc could not compile the verifier', (g.stdout + g.stderr).trim().slice(0, 4000));
    // Only the binary (and the model, for people) is needed from here on.
    for (const f of ['pan.c', 'pan.h', 'pan.m', 'pan.b', 'pan.p', 'pan.t']) rmSync(join(work, f), { force: true });
  }

  private async buildUncached(key: string, model: string, flags: BuildFlags, signal?: AbortSignal): Promise<BuiltModel> {
    const dir = join(this.cacheDir, key);
    const done = (): BuiltModel => ({ dir, pan: join(dir, 'pan'), modelFile: 'model.pml', dispose: () => undefined });
    if (existsSync(join(dir, 'pan'))) return done();
    const work = mkdtempSync(join(this.cacheDir, `build-${randomBytes(4).toString('hex')}-`));
    try {
      await this.compileIn(work, model, flags, signal);
      try {
        renameSync(work, dir);
      } catch {
        // Another process finished the same build first; theirs is identical.
        if (!existsSync(join(dir, 'pan'))) throw new BuildError('could not store the compiled verifier', dir);
        rmSync(work, { recursive: true, force: true });
      }
      return done();
    } catch (err) {
      rmSync(work, { recursive: true, force: true });
      throw err;
    }
  }

  /** A fresh folder for one pan run (pan writes its trail into the working directory). */
  runDir(): string {
    const runs = join(this.cacheDir, 'runs');
    mkdirSync(runs, { recursive: true });
    return mkdtempSync(join(runs, 'r-'));
  }
}
