// A pool of sandbox child processes running untrusted candidates under time and memory limits.
// Children start lazily, are reused across jobs and replaced whenever one is killed or dies;
// jobs wait in FIFO order. Every failure becomes a SandboxOutcome and the pool keeps serving.
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { monotonicMs } from '../core/monotonic-clock';
import type { JsonValue } from '../core/types';
import { compileCandidate, type CompiledCandidate } from './compile';
import { resolveSandboxEntry, type SandboxEntry } from './entries';
import type { BlobRef, JobMessage, LinkKind, WorkerMessage } from './ipc';
import type { SandboxFailureKind, SandboxHarness, SandboxJob, SandboxLimits, SandboxOutcome, SandboxPool } from './types';
import { SandboxWorker, type WorkerExit } from './worker-process';
import { hostIdleSeconds, processCpuSeconds } from './cpu-probe';
import { judgeTimeLimit } from './time-verdict';

export interface SandboxPoolOptions {
  /** Number of child processes; defaults to the number of available cores. */
  size?: number;
  /** Defaults for every job; a job's own `limits` override them field by field. */
  limits?: Partial<SandboxLimits>;
  /**
   * Extra trusted harness modules, name -> absolute path, next to those registered in
   * src/sandbox/entries.json (mainly for tests; the worker must be able to load the file).
   */
  harnesses?: Record<string, string>;
  /**
   * How CPU time is measured when a job reaches its time limit (defaults read /proc); tests
   * inject a host that looks fully busy or idle.
   */
  cpu?: { worker(pid: number | undefined): number | undefined; hostIdle(): number | undefined };
  /** How the pool talks to its workers; defaults to the platform's (worker-process.ts), tests pick each. */
  link?: LinkKind;
}

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  timeoutMs: 10_000,
  memoryMb: 512,
  maxResultBytes: 16 * 1024 * 1024,
});

/**
 * A worker whose resident memory went past this share of its limit during a job is replaced after
 * it: memory the job left behind (garbage not yet collected, heap not given back) must not count
 * against the next candidate.
 */
const RECYCLE_MEMORY_SHARE = 0.6;

/** Below this a worker cannot even finish starting (node + SES + loader). */
const MIN_MEMORY_MB = 64;
const STARTUP_TIMEOUT_MS = 30_000;

export function createSandboxPool(options: SandboxPoolOptions = {}): SandboxPool {
  return new Pool(options);
}

interface QueuedJob {
  id: number;
  harnessName: string;
  harnessPath: string;
  compiled: CompiledCandidate;
  inputText: string;
  inputHash: string;
  limits: SandboxLimits;
  resolve(outcome: SandboxOutcome): void;
  detachSignal(): void;
  queuedAt: number;
  settled: boolean;
  /** Set while a worker runs the job. */
  worker?: SandboxWorker;
  dispatchedAt: number;
  /** The worker confirmed it picked the job up. */
  acknowledged: boolean;
  /** Already moved to a fresh worker once because its first worker was unresponsive. */
  retried: boolean;
  timer?: NodeJS.Timeout;
  /** Worker CPU seconds and host idle seconds when the job was dispatched. */
  cpuAtStart?: number;
  idleAtStart?: number;
}

class Pool implements SandboxPool {
  readonly size: number;
  private readonly limits: SandboxLimits;
  private readonly workerEntry: SandboxEntry;
  private readonly extraHarnesses: Map<string, string>;
  private readonly harnessPaths = new Map<string, string>();
  private readonly workers = new Set<SandboxWorker>();
  private readonly running = new Map<SandboxWorker, QueuedJob>();
  private readonly startTimers = new Map<SandboxWorker, NodeJS.Timeout>();
  private readonly cpu: NonNullable<SandboxPoolOptions['cpu']>;
  private readonly link: LinkKind | undefined;
  private queue: QueuedJob[] = [];
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: SandboxPoolOptions) {
    const size = options.size ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`sandbox pool size must be a positive integer, got ${String(size)}`);
    this.size = size;
    this.limits = mergeLimits(DEFAULT_SANDBOX_LIMITS, options.limits, 'pool limits');
    this.workerEntry = resolveSandboxEntry('worker');
    this.extraHarnesses = new Map(Object.entries(options.harnesses ?? {}));
    this.cpu = options.cpu ?? { worker: processCpuSeconds, hostIdle: hostIdleSeconds };
    this.link = options.link;
    for (const [name, path] of this.extraHarnesses) {
      if (!isAbsolute(path) || !existsSync(path)) throw new Error(`sandbox harness '${name}' must be an absolute path to an existing file, got ${path}`);
    }
  }

  async run(job: SandboxJob, signal?: AbortSignal): Promise<SandboxOutcome> {
    const queuedAt = monotonicMs();
    validateJob(job);
    const limits = mergeLimits(this.limits, job.limits, 'job limits');
    const harnessPath = this.harnessPath(job.harness);
    const inputText = jsonInput(job.input);
    if (this.closed) return failed('cancelled', 'the sandbox pool is closed', queuedAt);
    if (signal?.aborted) return failed('cancelled', 'cancelled by the caller before the job started', queuedAt);

    let compiled: CompiledCandidate;
    try {
      const result = await compileCandidate(job.candidateCode, job.candidateFileName);
      if (!result.ok) return failed('compile', result.message, queuedAt);
      compiled = result.compiled;
    } catch (error) {
      return failed('crash', `the candidate compiler failed: ${errorText(error)}`, queuedAt);
    }
    if (this.closed) return failed('cancelled', 'the sandbox pool is closed', queuedAt);
    if (signal?.aborted) return failed('cancelled', 'cancelled by the caller before the job started', queuedAt);

    return new Promise<SandboxOutcome>((resolve) => {
      const queued: QueuedJob = {
        id: this.nextId++,
        harnessName: harnessName(job.harness),
        harnessPath,
        compiled,
        inputText,
        inputHash: createHash('sha256').update(inputText).digest('hex'),
        limits,
        resolve,
        detachSignal: () => undefined,
        queuedAt,
        settled: false,
        dispatchedAt: 0,
        acknowledged: false,
        retried: false,
      };
      if (signal) {
        const onAbort = () => this.cancel(queued, 'cancelled by the caller');
        signal.addEventListener('abort', onAbort, { once: true });
        queued.detachSignal = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(queued);
      this.pump();
    });
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    const waiting = this.queue;
    this.queue = [];
    for (const job of waiting) this.settle(job, failed('cancelled', 'the sandbox pool was closed before the job started', job.queuedAt));
    for (const [, job] of this.running) this.settle(job, failed('cancelled', 'the sandbox pool was closed while the job was running', job.dispatchedAt));
    const exits = [...this.workers].map((worker) => {
      this.retire(worker);
      return worker.exited;
    });
    this.closing = Promise.all(exits).then(() => undefined);
    return this.closing;
  }

  private harnessPath(harness: string | SandboxHarness): string {
    const name = harnessName(harness);
    const extra = this.extraHarnesses.get(name);
    if (extra !== undefined) return extra;
    let path = this.harnessPaths.get(name);
    if (path === undefined) {
      path = typeof harness === 'string' ? resolveSandboxEntry('harness', harness).path : resolveSandboxEntry('harness', harness.name, harness.source).path;
      this.harnessPaths.set(name, path);
    }
    return path;
  }

  /** Starts whatever the head of the queue can start; called after every state change. */
  private pump(): void {
    while (!this.closed && this.queue.length > 0) {
      const head = this.queue[0] as QueuedJob;
      const memoryMb = head.limits.memoryMb;
      const idle = [...this.workers].filter((w) => w.state === 'idle');
      const match = idle.find((w) => w.memoryMb === memoryMb);
      if (match) {
        this.queue.shift();
        this.dispatch(match, head);
        continue;
      }
      const starting = [...this.workers].filter((w) => w.state === 'starting' && w.memoryMb === memoryMb).length;
      const needing = this.queue.filter((j) => j.limits.memoryMb === memoryMb).length;
      if (starting >= needing) return;
      if (this.workers.size < this.size) {
        if (!this.spawn(memoryMb)) continue;
      } else if (idle.length > 0) {
        // Heap size is fixed when a process starts, so a different memory limit needs a new one.
        this.retire(idle[0] as SandboxWorker);
        if (!this.spawn(memoryMb)) continue;
      } else {
        return;
      }
    }
  }

  /** Returns false (after failing the head job) when no process could be started. */
  private spawn(memoryMb: number): boolean {
    let worker: SandboxWorker;
    try {
      worker = new SandboxWorker(this.workerEntry, memoryMb, {
        message: (w, m) => this.onMessage(w, m),
        memoryExceeded: (w, rss) => this.onMemoryExceeded(w, rss),
        exit: (w, exit) => this.onExit(w, exit),
      }, this.link);
    } catch (error) {
      const head = this.queue.shift();
      if (head) this.settle(head, failed('crash', `could not start a sandbox worker: ${errorText(error)}`, head.queuedAt));
      return false;
    }
    this.workers.add(worker);
    const timer = setTimeout(() => {
      if (worker.state !== 'starting') return;
      this.retire(worker);
      const waiting = this.takeQueued(memoryMb);
      const message = `the sandbox worker did not start within ${STARTUP_TIMEOUT_MS / 1000} s${outputSuffix(worker)}`;
      if (waiting) this.settle(waiting, failed('crash', message, waiting.queuedAt));
    }, STARTUP_TIMEOUT_MS);
    timer.unref();
    this.startTimers.set(worker, timer);
    return true;
  }

  private dispatch(worker: SandboxWorker, job: QueuedJob): void {
    worker.state = 'busy';
    worker.setActive(true);
    this.running.set(worker, job);
    job.worker = worker;
    job.dispatchedAt = monotonicMs();
    job.acknowledged = false;
    job.cpuAtStart = this.cpu.worker(worker.pid);
    job.idleAtStart = this.cpu.hostIdle();
    worker.resetPeakMemory();
    job.timer = setTimeout(() => this.onTimeout(job), job.limits.timeoutMs);
    const message: JobMessage = {
      type: 'job',
      id: job.id,
      harnessName: job.harnessName,
      harnessPath: job.harnessPath,
      fileName: job.compiled.fileName,
      code: blobRef(worker, `${job.compiled.hash}:js`, job.compiled.js),
      sourceMap: blobRef(worker, `${job.compiled.hash}:map`, job.compiled.map),
      input: blobRef(worker, job.inputHash, job.inputText),
      maxResultBytes: job.limits.maxResultBytes,
    };
    worker.send(message);
  }

  private onMessage(worker: SandboxWorker, message: WorkerMessage): void {
    if (message.type === 'ready') {
      clearTimeout(this.startTimers.get(worker));
      this.startTimers.delete(worker);
      if (worker.state !== 'starting') return;
      worker.state = 'idle';
      worker.setActive(false);
      this.pump();
      return;
    }
    const job = this.running.get(worker);
    if (!job || job.id !== message.id) return;
    if (message.type === 'started') {
      job.acknowledged = true;
    } else if (message.type === 'need') {
      const texts = new Map([
        [`${job.compiled.hash}:js`, job.compiled.js],
        [`${job.compiled.hash}:map`, job.compiled.map],
        [job.inputHash, job.inputText],
      ]);
      const blobs = message.hashes.flatMap((hash) => {
        const text = texts.get(hash);
        return text === undefined ? [] : [{ hash, text }];
      });
      worker.send({ type: 'blobs', id: job.id, blobs });
    } else {
      // Judged on what this job itself left: a worker that ends a job near its memory limit is
      // replaced, so the next candidate starts clean.
      const heavy = worker.peakMemoryBytes() > RECYCLE_MEMORY_SHARE * job.limits.memoryMb * 1024 * 1024;
      if (heavy) this.retire(worker);
      else this.release(worker);
      if (message.ok) {
        this.settle(job, parseResult(message.json, job.dispatchedAt));
      } else {
        this.settle(job, failed(message.kind, message.message, job.dispatchedAt));
      }
      this.pump();
    }
  }

  private onTimeout(job: QueuedJob): void {
    const worker = job.worker;
    if (job.settled || !worker) return;
    if (!job.acknowledged && !job.retried) {
      // The worker never even picked the job up: something left behind by an earlier job is
      // hogging it. That is not this candidate's fault, so run it again on a fresh worker.
      this.requeueOnFreshWorker(job, worker);
      return;
    }
    const since = (start: number | undefined, now: number | undefined): number | undefined => (start === undefined || now === undefined ? undefined : now - start);
    const verdict = judgeTimeLimit({
      limitMs: job.limits.timeoutMs,
      wallMs: monotonicMs() - job.dispatchedAt,
      workerCpuSeconds: since(job.cpuAtStart, this.cpu.worker(worker.pid)),
      hostIdleSeconds: since(job.idleAtStart, this.cpu.hostIdle()),
    });
    if (verdict.kind === 'extend') {
      job.timer = setTimeout(() => this.onTimeout(job), verdict.ms);
      return;
    }
    this.retire(worker);
    this.settle(job, failed(verdict.kind, verdict.message, job.dispatchedAt));
  }

  private onMemoryExceeded(worker: SandboxWorker, rssBytes: number): void {
    const job = this.running.get(worker);
    if (job && !job.acknowledged && !job.retried) {
      // Memory grown before the job even started belongs to whatever an earlier job left behind.
      this.requeueOnFreshWorker(job, worker);
      return;
    }
    const wasStarting = worker.state === 'starting';
    this.retire(worker);
    const used = Math.round(rssBytes / (1024 * 1024));
    if (job) {
      this.settle(job, failed('memory', `exceeded the ${job.limits.memoryMb} MB memory limit (resident memory reached ${used} MB)`, job.dispatchedAt));
    } else if (wasStarting) {
      // Respawning would hit the same wall; fail a job that asked for this limit instead.
      const waiting = this.takeQueued(worker.memoryMb);
      const message = `a sandbox worker needs more than the ${worker.memoryMb} MB memory limit just to start (resident memory reached ${used} MB); raise memoryMb`;
      if (waiting) this.settle(waiting, failed('memory', message, waiting.queuedAt));
    }
  }

  /** Removes and returns the first queued job that needs a worker with this memory limit. */
  private takeQueued(memoryMb: number): QueuedJob | undefined {
    const index = this.queue.findIndex((j) => j.limits.memoryMb === memoryMb);
    return index < 0 ? undefined : this.queue.splice(index, 1)[0];
  }

  private onExit(worker: SandboxWorker, exit: WorkerExit): void {
    const wasStarting = this.startTimers.has(worker);
    clearTimeout(this.startTimers.get(worker));
    this.startTimers.delete(worker);
    const known = this.workers.delete(worker);
    const job = this.running.get(worker);
    this.running.delete(worker);
    if (job && !job.settled) {
      if (!job.acknowledged && !job.retried && !this.closed) {
        this.requeueOnFreshWorker(job, worker);
        return;
      }
      if (worker.diedOfHeapExhaustion()) {
        this.settle(job, failed('memory', `exceeded the ${job.limits.memoryMb} MB memory limit (the JavaScript heap ran out of memory)`, job.dispatchedAt));
      } else {
        this.settle(job, failed('crash', `the sandbox worker died while running the job (${describeExit(exit)})${outputSuffix(worker)}`, job.dispatchedAt));
      }
    } else if (known && wasStarting && !this.closed) {
      // A worker that cannot start would fail every job the same way: report it on the job it
      // was started for instead of retrying forever.
      const waiting = this.takeQueued(worker.memoryMb);
      if (waiting) this.settle(waiting, failed('crash', `the sandbox worker failed to start (${describeExit(exit)})${outputSuffix(worker)}`, waiting.queuedAt));
    }
    this.pump();
  }

  private requeueOnFreshWorker(job: QueuedJob, worker: SandboxWorker): void {
    clearTimeout(job.timer);
    job.retried = true;
    job.worker = undefined;
    this.running.delete(worker);
    this.retire(worker);
    this.queue.unshift(job);
    this.pump();
  }

  private cancel(job: QueuedJob, reason: string): void {
    if (job.settled) return;
    const index = this.queue.indexOf(job);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.settle(job, failed('cancelled', reason, job.queuedAt));
      return;
    }
    if (job.worker) this.retire(job.worker);
    this.settle(job, failed('cancelled', reason, job.dispatchedAt || job.queuedAt));
    this.pump();
  }

  /** The worker finished its job normally and can take another. */
  private release(worker: SandboxWorker): void {
    this.running.delete(worker);
    if (worker.state === 'busy') {
      worker.state = 'idle';
      worker.setActive(false);
    }
  }

  /** Kills a worker and forgets it; its job (if any) must be settled by the caller. */
  private retire(worker: SandboxWorker): void {
    this.workers.delete(worker);
    this.running.delete(worker);
    clearTimeout(this.startTimers.get(worker));
    this.startTimers.delete(worker);
    worker.kill();
    // Queued work may now start on a replacement.
    queueMicrotask(() => this.pump());
  }

  private settle(job: QueuedJob, outcome: SandboxOutcome): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    job.detachSignal();
    if (job.worker) this.running.delete(job.worker);
    job.worker = undefined;
    job.resolve(outcome);
  }
}

function blobRef(worker: SandboxWorker, hash: string, text: string): BlobRef {
  if (worker.sentBlobs.get(hash)) return { hash };
  worker.sentBlobs.set(hash, true);
  return { hash, text };
}

const harnessName = (harness: string | SandboxHarness): string => (typeof harness === 'string' ? harness : harness.name);

function validateJob(job: SandboxJob): void {
  if (typeof job !== 'object' || job === null) throw new TypeError('a sandbox job must be an object');
  const h = job.harness;
  const named = typeof h === 'string' ? h !== '' : typeof h === 'object' && h !== null && typeof h.name === 'string' && h.name !== '' && typeof h.source === 'string' && h.source !== '';
  if (!named) throw new TypeError('sandbox job.harness must be a harness name or { name, source }');
  if (typeof job.candidateCode !== 'string') throw new TypeError('sandbox job.candidateCode must be a string');
  if (typeof job.candidateFileName !== 'string' || job.candidateFileName === '') {
    throw new TypeError('sandbox job.candidateFileName must be a file name such as policy.ts');
  }
}

function mergeLimits(base: SandboxLimits, override: Partial<SandboxLimits> | undefined, label: string): SandboxLimits {
  const merged: SandboxLimits = { ...base };
  for (const key of ['timeoutMs', 'memoryMb', 'maxResultBytes'] as const) {
    const value = override?.[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`${label}.${key} must be a positive number, got ${String(value)}`);
    }
    merged[key] = value;
  }
  merged.memoryMb = Math.round(merged.memoryMb);
  merged.maxResultBytes = Math.floor(merged.maxResultBytes);
  if (merged.memoryMb < MIN_MEMORY_MB) throw new RangeError(`${label}.memoryMb must be at least ${MIN_MEMORY_MB}, got ${merged.memoryMb}`);
  return merged;
}

function jsonInput(input: JsonValue): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    throw new TypeError(`sandbox job.input is not JSON: ${errorText(error)}`);
  }
  if (text === undefined) throw new TypeError('sandbox job.input is not JSON (it is undefined, a function or a symbol)');
  return text;
}

function parseResult(json: string, since: number): SandboxOutcome {
  let value: JsonValue;
  try {
    value = JSON.parse(json) as JsonValue;
  } catch {
    return failed('result', 'the sandbox worker returned malformed JSON', since);
  }
  return { ok: true, value, durationMs: elapsed(since) };
}

/** Failure messages carry candidate text (a thrown message); this bounds what is passed on. */
const MAX_FAILURE_MESSAGE = 16 * 1024;

function failed(kind: SandboxFailureKind, message: string, since: number): SandboxOutcome {
  const bounded = message.length > MAX_FAILURE_MESSAGE ? `${message.slice(0, MAX_FAILURE_MESSAGE)}... (${message.length - MAX_FAILURE_MESSAGE} more characters)` : message;
  return { ok: false, kind, message: bounded, durationMs: elapsed(since) };
}

function elapsed(since: number): number {
  return Math.round((monotonicMs() - since) * 10) / 10;
}

function describeExit(exit: WorkerExit): string {
  if (exit.spawnError) return exit.spawnError;
  if (exit.signal) return `signal ${exit.signal}`;
  return `exit code ${String(exit.code)}`;
}

function outputSuffix(worker: SandboxWorker): string {
  const output = worker.output;
  return output ? `; last output:\n${output.slice(-2000)}` : '';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
