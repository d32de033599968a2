// The parent's handle on one sandbox child process: how it is started (empty environment,
// private empty directory, heap cap), its output tail for crash reports, its memory watch, and
// killing it. Scheduling decisions live in pool.ts.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { SandboxEntry } from './entries';
import { LruMap } from '../core/lru';
import { cacheRoot } from '../core/disk-cache';
import { cacheRootArg } from './worker-code-cache';
import { memoryProbe } from './memory-probe';
import { PARENT_DEATH_SIGNAL_ARG, setprivWithParentDeathSignal, withParentDeathSignal } from './parent-death-signal';
import { sweepFoldersOfDeadOwners } from './stale-folders';
import { isWorkerMessage, LINK_FD, type LinkKind, type ParentMessage, type WorkerMessage } from './ipc';
import { encodeFrame, FrameReader } from './link-frames';

export type WorkerState = 'starting' | 'idle' | 'busy' | 'dead';

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started or signalled at all. */
  spawnError?: string;
}

export interface WorkerEvents {
  message(worker: SandboxWorker, message: WorkerMessage): void;
  /** Resident memory passed the worker's limit. */
  memoryExceeded(worker: SandboxWorker, rssBytes: number): void;
  exit(worker: SandboxWorker, exit: WorkerExit): void;
}

const OUTPUT_TAIL_CHARS = 8 * 1024;
const DIR_PREFIX = 'policy-evolver-sandbox-';
const EXIT_DRAIN_MS = 250;


/**
 * The worker runs with no environment (API keys, tokens, proxies never reach candidates or
 * harnesses; node needs no variables), the private folder as cwd, and the heap cap. Where the
 * kernel can kill it with the engine, it is started that way and told so (parent-death-signal.ts).
 */
function startWorkerProcess(entry: SandboxEntry, memoryMb: number, cwd: string, link: LinkKind): ChildProcess {
  const execArgv = [...entry.execArgv, `--max-old-space-size=${memoryMb}`];
  const args = [String(process.pid), cacheRootArg(cacheRoot())];
  const options: SpawnOptions =
    link === 'pipe' ? { cwd, env: {}, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] } : { cwd, env: {}, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' };
  // Run from sources, the worker keeps its folder (worker-orphan.ts) and must clean it up itself
  // when orphaned, which a kernel's SIGKILL would not let it do.
  const setpriv = entry.mode === 'bundled' ? setprivWithParentDeathSignal() : null;
  const nodeArgs = [...execArgv, entry.path, ...args];
  if (setpriv === null) return spawn(process.execPath, nodeArgs, options);
  const command = withParentDeathSignal(setpriv, process.execPath, [...nodeArgs, PARENT_DEATH_SIGNAL_ARG]);
  return spawn(command.file, command.args, options);
}

/**
 * A pipe wherever the worker can read one as a file descriptor; node's IPC channel on Windows,
 * where a child's extra pipes are not plain descriptors (worker-link.ts).
 */
export function defaultLinkKind(platform: NodeJS.Platform = process.platform): LinkKind {
  return platform === 'win32' ? 'ipc' : 'pipe';
}

export class SandboxWorker {
  state: WorkerState = 'starting';
  /** Blob hashes this worker is believed to hold (it asks for any it has evicted). */
  readonly sentBlobs = new LruMap<string, true>(256);
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly dir: string;
  private outputTail = '';
  private memoryTimer: NodeJS.Timeout | undefined;
  private sampling = false;
  private active = true;
  /** Highest resident memory seen since the last resetPeakMemory(). */
  private peakRss = 0;

  /** The pipe of a 'pipe' link; undefined for node's IPC channel. */
  private readonly pipe: Socket | undefined;

  constructor(
    entry: SandboxEntry,
    readonly memoryMb: number,
    private readonly events: WorkerEvents,
    link: LinkKind = defaultLinkKind(),
  ) {
    sweepFoldersOfDeadOwners(DIR_PREFIX);
    this.dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
    this.child = startWorkerProcess(entry, memoryMb, this.dir, link);
    this.pipe = link === 'pipe' ? (this.child.stdio[LINK_FD] as Socket | null | undefined) ?? undefined : undefined;
    this.exited = new Promise((resolve) => {
      let finished = false;
      const finish = (exit: WorkerExit) => {
        if (finished) return;
        finished = true;
        this.stopMemoryWatch();
        this.state = 'dead';
        rmSync(this.dir, { recursive: true, force: true });
        resolve();
        this.events.exit(this, exit);
      };
      // 'close' comes once stdio is drained too, so a fatal message printed just before dying
      // is in the tail; a grandchild holding the pipe open must not delay the report for long.
      this.child.once('close', (code, signal) => finish({ code, signal }));
      this.child.once('exit', (code, signal) => {
        setTimeout(() => finish({ code, signal }), EXIT_DRAIN_MS);
      });
      this.child.once('error', (error) => {
        // 'error' without a running process means it never started; otherwise 'exit' follows.
        if (this.child.pid === undefined || this.child.exitCode !== null) finish({ code: null, signal: null, spawnError: error.message });
      });
    });
    this.capture(this.child.stdout);
    this.capture(this.child.stderr);
    if (this.pipe) this.readFrames(this.pipe);
    else {
      this.child.on('message', (raw: unknown) => {
        if (isWorkerMessage(raw)) this.events.message(this, raw);
      });
    }
    this.startMemoryWatch();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Last lines the worker printed, for crash reports. */
  get output(): string {
    return this.outputTail.trim();
  }

  send(message: ParentMessage): boolean {
    if (this.state === 'dead' || !(this.pipe ? this.pipe.writable : this.child.connected)) return false;
    // A failed send means the link broke; the exit handler reports the job.
    const failed = (error: Error | null | undefined): void => {
      if (error) this.kill();
    };
    try {
      if (this.pipe) this.pipe.write(encodeFrame(message), failed);
      else this.child.send(message, failed);
      return true;
    } catch {
      this.kill();
      return false;
    }
  }

  private readFrames(pipe: Socket): void {
    const reader = new FrameReader();
    // A write to a worker that died in the meantime reports EPIPE here; its exit is reported anyway.
    pipe.on('error', () => undefined);
    pipe.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = reader.push(chunk);
      } catch (error) {
        // Only our own worker writes this pipe: a broken frame means a broken worker.
        this.outputTail = `${this.outputTail}\nthe worker sent a malformed message: ${(error as Error).message}`.slice(-OUTPUT_TAIL_CHARS);
        this.kill();
        return;
      }
      for (const message of messages) if (isWorkerMessage(message)) this.events.message(this, message);
    });
  }

  kill(): void {
    this.state = 'dead';
    this.stopMemoryWatch();
    // Whoever waits for `exited` (close()) needs the exit event, so stop ignoring the process.
    this.setActive(true);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        // Already gone; 'exit' reports it.
      }
    }
  }

  /** Busy or starting workers keep the engine process alive; idle ones do not. */
  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    // Piped stdio of a child process are sockets, which the Readable type does not say.
    const pipes = [this.child.stdout, this.child.stderr] as unknown as Array<Socket | null>;
    const handles: Array<{ ref(): void; unref(): void } | null | undefined> = [this.child, this.child.channel, this.pipe, ...pipes];
    for (const handle of handles) {
      if (!handle) continue;
      if (active) handle.ref();
      else handle.unref();
    }
  }

  /** Heap out-of-memory deaths print a recognisable V8 fatal error. */
  diedOfHeapExhaustion(): boolean {
    return /heap out of memory|Reached heap limit|Allocation failed|Fatal process out of memory|Fatal JavaScript invalid size error/i.test(this.outputTail);
  }

  private capture(stream: Readable | null): void {
    if (!stream) return;
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.outputTail = (this.outputTail + chunk).slice(-OUTPUT_TAIL_CHARS);
    });
  }

  resetPeakMemory(): void {
    this.peakRss = 0;
  }

  /** Peak resident memory since the last reset, including a sample taken now (where sampling is synchronous). */
  peakMemoryBytes(): number {
    const pid = this.child.pid;
    const probe = memoryProbe();
    if (probe && pid !== undefined && this.state !== 'dead') {
      probe.sample(pid, (rss) => {
        if (rss !== undefined && rss > this.peakRss) this.peakRss = rss;
      });
    }
    return this.peakRss;
  }

  private startMemoryWatch(): void {
    const probe = memoryProbe();
    if (!probe) return;
    const limitBytes = this.memoryMb * 1024 * 1024;
    this.memoryTimer = setInterval(() => {
      const pid = this.child.pid;
      if (this.sampling || pid === undefined || this.state === 'dead') return;
      this.sampling = true;
      probe.sample(pid, (rss) => {
        this.sampling = false;
        if (rss !== undefined && rss > this.peakRss) this.peakRss = rss;
        if (rss !== undefined && rss > limitBytes && this.state !== 'dead') this.events.memoryExceeded(this, rss);
      });
    }, probe.intervalMs);
    this.memoryTimer.unref();
  }

  private stopMemoryWatch(): void {
    if (this.memoryTimer) clearInterval(this.memoryTimer);
    this.memoryTimer = undefined;
  }
}
