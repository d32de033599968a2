// The run's side of the broker: publishes evaluation and generation tasks, matches replies to
// waiting callers by idempotency key, turns dead-lettered tasks into failures, and watches how many
// workers are attached. One coordinator serves both the broker evaluation pool and the sampler pool.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConsumeMessage, Options } from 'amqplib';
import { LruMap } from '../core/lru';
import type { EvaluationTask, GenerationRequest, JsonValue } from '../core/types';
import type { BrokerAddress } from './broker-url';
import { BrokerConnection, type BrokerSession } from './connection';
import { errorText, type Logger } from './log';
import {
  decodeBody,
  encodeBody,
  evaluationKey,
  failedEvaluation,
  generationKey,
  MESSAGE_VERSION,
  MessageType,
  parseEvaluationReply,
  parseGenerationReply,
  type EvaluateTaskBody,
  type EvaluationReplyBody,
  type GenerateTaskBody,
  type GenerationReplyBody,
} from './messages';
import { DEFAULT_HEARTBEAT_MS, heartbeatBase, startHeartbeats, type CoordinatorHeartbeat } from './monitor';
import { DEFAULT_MAX_ATTEMPTS, declareRunQueue, declareTopology, queueDepth, resultsQueue, taskRoutingKey, topologyFor, type Topology, type WorkKind } from './topology';

export interface CoordinatorOptions {
  address: BrokerAddress;
  experiment: string;
  /** Deliveries of one task before it is dead-lettered and reported as failed. */
  maxAttempts?: number;
  /** Folder that relative paths in evaluator options refer to; workers use it when it exists on their machine. */
  baseDir?: string;
  log: Logger;
  firstConnectTimeoutMs?: number;
  heartbeatMs?: number;
  /** How often attached workers are counted. */
  watchMs?: number;
  /** How long tasks may wait with no worker attached before a warning. */
  idleWarningMs?: number;
}

export interface CoordinatorStats {
  published: number;
  results: number;
  /** Replies for keys already answered: a redelivered task computed twice, or a result delivered twice. */
  duplicates: number;
  deadLettered: number;
  malformed: number;
  pending: { evaluate: number; generate: number };
  attached: { evaluators: number; samplers: number };
}

type Reply = EvaluationReplyBody | GenerationReplyBody;

interface Waiter {
  resolve(reply: Reply): void;
  reject(err: Error): void;
}

interface PendingTask {
  kind: WorkKind;
  key: string;
  runId: string;
  label: string;
  publication: string;
  waiters: Set<Waiter>;
  /** Stops republishing once nobody waits any more. */
  abandon: AbortController;
  published: boolean;
  since: number;
}

/**
 * One abort listener per caller signal, however many tasks wait on it (the engine shares one signal
 * across all its evaluations, and a listener each would trip Node's leak warning).
 */
class AbortFanout {
  private readonly callbacks = new WeakMap<AbortSignal, Set<() => void>>();

  add(signal: AbortSignal, callback: () => void): () => void {
    let set = this.callbacks.get(signal);
    if (!set) {
      const created = new Set<() => void>();
      set = created;
      this.callbacks.set(signal, created);
      signal.addEventListener('abort', () => {
        for (const cb of [...created]) cb();
        created.clear();
      }, { once: true });
    }
    set.add(callback);
    const own = set;
    return () => own.delete(callback);
  }
}

function deathReason(msg: ConsumeMessage): string {
  const headers = msg.properties.headers ?? {};
  const first = headers['x-first-death-reason'];
  if (typeof first === 'string') return first;
  const deaths = headers['x-death'];
  if (Array.isArray(deaths) && deaths[0] && typeof deaths[0].reason === 'string') return deaths[0].reason as string;
  return 'unknown';
}

export class BrokerCoordinator {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 4)}`;
  readonly topology: Topology;
  readonly maxAttempts: number;
  private readonly connection: BrokerConnection;
  private readonly log: Logger;
  /** Per run: its results queue and, per connection, the promise of it being declared and consumed. */
  private readonly runs = new Map<string, { queue: string; generation: number; ready: Promise<void> }>();
  private readonly pending: Record<WorkKind, Map<string, PendingTask>> = { evaluate: new Map(), generate: new Map() };
  private readonly orphans = new LruMap<string, Reply>(1024);
  private readonly answered = new LruMap<string, true>(16_384);
  private readonly counters = { published: 0, results: 0, duplicates: 0, deadLettered: 0, malformed: 0 };
  private readonly attached = { evaluators: 0, samplers: 0 };
  private readonly startedAt = Date.now();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopHeartbeats: (() => void) | undefined;
  private samplersWanted = false;
  private closed = false;
  private readonly warnedIdle: Record<WorkKind, boolean> = { evaluate: false, generate: false };
  private readonly aborts = new AbortFanout();

  private constructor(private readonly options: CoordinatorOptions) {
    this.topology = topologyFor(options.experiment);
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1 || this.maxAttempts > 100) throw new RangeError(`max attempts must be 1-100, got ${this.maxAttempts}`);
    this.log = options.log;
    this.connection = new BrokerConnection({
      address: options.address,
      name: `policy-evolver coordinator ${this.id}`,
      log: options.log,
      prefetch: 256,
      firstConnectTimeoutMs: options.firstConnectTimeoutMs ?? 15_000,
      setup: (session) => this.setup(session),
    });
  }

  static async connect(options: CoordinatorOptions): Promise<BrokerCoordinator> {
    const coordinator = new BrokerCoordinator(options);
    await coordinator.connection.start();
    coordinator.startTimers();
    return coordinator;
  }

  /** Sends an evaluation to the workers and resolves with its reply (or a failure once dead-lettered). */
  async evaluate(task: EvaluationTask, signal: AbortSignal): Promise<EvaluationReplyBody> {
    const key = evaluationKey(task);
    const body = (publication: string): EvaluateTaskBody => ({
      version: MESSAGE_VERSION,
      key,
      publication,
      task,
      ...(this.options.baseDir ? { baseDir: this.options.baseDir } : {}),
    });
    return (await this.submit('evaluate', key, task.runId, task.candidate.id, body, signal)) as EvaluationReplyBody;
  }

  async generate(request: GenerationRequest, generator: { id: string; options: { [key: string]: JsonValue } }, signal: AbortSignal): Promise<GenerationReplyBody> {
    this.samplersWanted = true;
    const key = generationKey(request, generator);
    const body = (publication: string): GenerateTaskBody => ({ version: MESSAGE_VERSION, key, publication, request, generator });
    return (await this.submit('generate', key, request.runId, `c${request.index}`, body, signal)) as GenerationReplyBody;
  }

  /** Forwards engine feedback to every sampler (their model bandits learn from it). */
  observe(generatorKey: string, source: string | undefined, outcome: { improved: boolean; costUsd: number; scoreDelta: number }): void {
    this.connection.publishBestEffort(this.topology.observationsExchange, '', encodeBody({ version: MESSAGE_VERSION, generatorKey, source: source ?? null, outcome }), { contentType: 'application/json' });
  }

  /** Asks the broker how many evaluation workers and samplers consume this experiment's queues now. */
  async countWorkers(signal?: AbortSignal): Promise<{ evaluators: number; samplers: number }> {
    const session = await this.connection.ready(signal);
    const [evaluate, generate] = await Promise.all([queueDepth(session.connection, this.topology.queues.evaluate), queueDepth(session.connection, this.topology.queues.generate)]);
    return { evaluators: evaluate?.consumers ?? 0, samplers: generate?.consumers ?? 0 };
  }

  stats(): CoordinatorStats {
    return {
      ...this.counters,
      pending: { evaluate: this.pending.evaluate.size, generate: this.pending.generate.size },
      attached: { ...this.attached },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.stopHeartbeats?.();
    const stillPending = new Set<string>();
    for (const kind of ['evaluate', 'generate'] as const) {
      for (const p of this.pending[kind].values()) {
        stillPending.add(p.runId);
        p.abandon.abort();
        this.cancel(p);
        for (const w of p.waiters) w.reject(new Error('the broker pool was closed'));
      }
      this.pending[kind].clear();
    }
    const session = this.connection.session;
    if (session) {
      // A finished run's results queue goes away; one with work still out keeps it for a resume.
      for (const [runId, run] of this.runs) {
        if (stillPending.has(runId)) continue;
        const probe = await session.connection.createChannel().catch(() => undefined);
        if (!probe) break;
        probe.on('error', () => undefined);
        await probe.deleteQueue(run.queue, { ifEmpty: true }).catch(() => undefined);
        await probe.close().catch(() => undefined);
      }
    }
    await this.connection.close();
  }

  // ---------- internals ----------

  private async setup(session: BrokerSession): Promise<void> {
    await declareTopology(session.connection, session.channel, this.topology, { maxAttempts: this.maxAttempts });
    for (const runId of this.runs.keys()) await this.listen(session, runId);
  }

  /** Declares the run's results queue and consumes it on this session (once per connection). */
  private listen(session: BrokerSession, runId: string): Promise<void> {
    let run = this.runs.get(runId);
    if (!run) {
      run = { queue: resultsQueue(this.topology, runId), generation: 0, ready: Promise.resolve() };
      this.runs.set(runId, run);
    }
    if (run.generation !== session.generation) {
      const current = run;
      current.generation = session.generation;
      current.ready = (async () => {
        await declareRunQueue(session.channel, this.topology, runId);
        await session.channel.consume(current.queue, (msg) => this.onMessage(session, msg), { noAck: false });
      })();
      // A failure is retried by the next caller (or the next connection's setup).
      current.ready.catch(() => {
        if (current.generation === session.generation) current.generation = 0;
      });
    }
    return run.ready;
  }

  private async ensureRun(runId: string, signal: AbortSignal): Promise<void> {
    for (;;) {
      const session = await this.connection.ready(signal);
      try {
        await this.listen(session, runId);
        return;
      } catch (err) {
        // The connection dropped half-way: the next one listens again; anything else is a real failure.
        if (this.connection.session === session) throw err;
      }
    }
  }

  private submit(kind: WorkKind, key: string, runId: string, label: string, build: (publication: string) => EvaluateTaskBody | GenerateTaskBody, signal: AbortSignal): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error('the broker pool is closed'));
    if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    return new Promise<Reply>((resolve, reject) => {
      const onAbort = (): void => {
        const p = this.pending[kind].get(key);
        if (p) {
          p.waiters.delete(waiter);
          if (p.waiters.size === 0) {
            this.pending[kind].delete(key);
            p.abandon.abort();
            this.cancel(p);
          }
        }
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const detach = this.aborts.add(signal, onAbort);
      const waiter: Waiter = {
        resolve: (reply) => {
          detach();
          resolve(reply);
        },
        reject: (err) => {
          detach();
          reject(err);
        },
      };
      const orphan = this.orphans.get(key);
      if (orphan) {
        // A reply that arrived before anyone asked (a resumed run picking up its earlier results).
        this.orphans.delete(key);
        this.answered.set(key, true);
        waiter.resolve(orphan);
        return;
      }
      const existing = this.pending[kind].get(key);
      if (existing) {
        existing.waiters.add(waiter);
        return;
      }
      const task: PendingTask = { kind, key, runId, label, publication: randomUUID(), waiters: new Set([waiter]), abandon: new AbortController(), published: false, since: Date.now() };
      this.pending[kind].set(key, task);
      void this.publish(task, build(task.publication));
    });
  }

  private async publish(task: PendingTask, body: EvaluateTaskBody | GenerateTaskBody): Promise<void> {
    const properties: Options.Publish = {
      persistent: true,
      contentType: 'application/json',
      type: task.kind === 'evaluate' ? MessageType.evaluate : MessageType.generate,
      correlationId: task.key,
      messageId: task.publication,
      replyTo: resultsQueue(this.topology, task.runId),
      appId: 'policy-evolver',
      timestamp: Math.floor(Date.now() / 1000),
      headers: { 'pe-run': task.runId, 'pe-label': task.label, 'pe-coordinator': this.id },
    };
    try {
      await this.ensureRun(task.runId, task.abandon.signal);
      await this.connection.publish(this.topology.tasksExchange, taskRoutingKey(task.kind, task.runId), encodeBody(body), properties, task.abandon.signal);
      task.published = true;
      this.counters.published++;
      this.log.debug(`sent ${task.kind} task for ${task.label}`);
    } catch (err) {
      if (task.abandon.signal.aborted || this.closed) return;
      this.pending[task.kind].delete(task.key);
      const error = new Error(`could not send the ${task.kind} task for ${task.label} to the broker: ${errorText(err)}`);
      for (const w of task.waiters) w.reject(error);
    }
  }

  private cancel(task: PendingTask): void {
    if (!task.published) return;
    this.connection.publishBestEffort(this.topology.controlExchange, '', encodeBody({ version: MESSAGE_VERSION, cancel: [task.publication] }), { contentType: 'application/json' });
  }

  private onMessage(session: BrokerSession, msg: ConsumeMessage | null): void {
    if (!msg) {
      if (this.closed) return;
      this.log.warn('the broker cancelled the results consumer (was the queue deleted?); it is restored on the next reconnection');
      return;
    }
    try {
      this.handle(msg);
    } finally {
      // Only the channel that delivered a message can acknowledge it.
      if (this.connection.session === session) {
        try {
          session.channel.ack(msg);
        } catch {
          // the channel closed meanwhile: the message comes back and is recognised as a duplicate
        }
      }
    }
  }

  private handle(msg: ConsumeMessage): void {
    const type = msg.properties.type;
    if (type === MessageType.evaluate || type === MessageType.generate) {
      this.onDeadLetter(type === MessageType.evaluate ? 'evaluate' : 'generate', msg);
      return;
    }
    let reply: Reply;
    try {
      const raw = decodeBody(msg.content);
      if (type === MessageType.evaluation) reply = parseEvaluationReply(raw);
      else if (type === MessageType.generation) reply = parseGenerationReply(raw);
      else throw new Error(`unknown message type '${String(type)}'`);
    } catch (err) {
      this.counters.malformed++;
      this.log.warn(`dropped an unreadable reply: ${errorText(err)}`);
      return;
    }
    this.settle(type === MessageType.evaluation ? 'evaluate' : 'generate', reply.key, reply);
  }

  private settle(kind: WorkKind, key: string, reply: Reply): void {
    const task = this.pending[kind].get(key);
    if (task) {
      this.pending[kind].delete(key);
      this.answered.set(key, true);
      this.counters.results++;
      for (const w of task.waiters) w.resolve(reply);
      return;
    }
    if (this.answered.has(key)) {
      this.counters.duplicates++;
      this.log.debug(`dropped a second reply for an answered ${kind} task (${'candidateId' in reply ? reply.candidateId : `c${reply.index}`}, from ${reply.worker.id})`);
      return;
    }
    this.orphans.set(key, reply);
  }

  private onDeadLetter(kind: WorkKind, msg: ConsumeMessage): void {
    const key = msg.properties.correlationId;
    if (typeof key !== 'string') return;
    const headers = msg.properties.headers ?? {};
    const label = typeof headers['pe-label'] === 'string' ? (headers['pe-label'] as string) : key.slice(0, 8);
    const runId = typeof headers['pe-run'] === 'string' ? (headers['pe-run'] as string) : '';
    const reason = deathReason(msg);
    const what = kind === 'evaluate' ? `evaluation of ${label}` : `generation of ${label}`;
    const message =
      reason === 'delivery_limit'
        ? `the ${what} was attempted ${this.maxAttempts} time(s) and each time the worker crashed or lost its broker connection; the task is in the dead-letter queue ${this.topology.deadQueue}`
        : reason === 'rejected'
          ? `a worker could not read the ${what} task; it is in the dead-letter queue ${this.topology.deadQueue}`
          : `the ${what} task was dead-lettered (${reason}); it is in ${this.topology.deadQueue}`;
    this.counters.deadLettered++;
    this.log.warn(message);
    const worker = { id: 'dead-letter', host: '' };
    const reply: Reply =
      kind === 'evaluate'
        ? { version: MESSAGE_VERSION, key, runId, candidateId: label, result: failedEvaluation(message), worker, attempt: this.maxAttempts, durationMs: 0 }
        : { version: MESSAGE_VERSION, key, runId, index: Number(label.replace(/^c/, '')) || 0, outcome: { ok: false, error: { message, fatal: false } }, usage: [], worker, attempt: this.maxAttempts, durationMs: 0 };
    this.settle(kind, key, reply);
  }

  private startTimers(): void {
    const heartbeatMs = this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.stopHeartbeats = startHeartbeats(this.connection, this.topology, heartbeatMs, (): CoordinatorHeartbeat => ({
      ...heartbeatBase(this.id, this.topology.experiment, this.startedAt, heartbeatMs),
      kind: 'coordinator',
      runs: [...this.runs.keys()],
      pending: { evaluate: this.pending.evaluate.size, generate: this.pending.generate.size },
      ...this.counters,
      maxAttempts: this.maxAttempts,
      attached: { ...this.attached },
    }));
    const watch = setInterval(() => void this.watchWorkers(), this.options.watchMs ?? 3000);
    watch.unref();
    this.timers.push(watch);
    void this.watchWorkers();
  }

  /** Counts attached workers, tells the user when that changes, and warns when work waits for nobody. */
  private async watchWorkers(): Promise<void> {
    const session = this.connection.session;
    if (!session || this.closed) return;
    const idleWarningMs = this.options.idleWarningMs ?? 10_000;
    for (const [kind, field, noun] of [
      ['evaluate', 'evaluators', 'evaluation worker'],
      ['generate', 'samplers', 'sampler'],
    ] as const) {
      if (kind === 'generate' && !this.samplersWanted) continue;
      let depth;
      try {
        depth = await queueDepth(session.connection, this.topology.queues[kind]);
      } catch {
        return;
      }
      if (!depth) continue;
      if (depth.consumers !== this.attached[field]) {
        this.attached[field] = depth.consumers;
        this.log.info(`${depth.consumers} ${noun}(s) attached to experiment '${this.topology.experiment}'`);
      }
      const oldest = Math.min(...[...this.pending[kind].values()].map((p) => p.since));
      if (depth.consumers === 0 && Number.isFinite(oldest) && Date.now() - oldest > idleWarningMs) {
        if (!this.warnedIdle[kind]) {
          this.warnedIdle[kind] = true;
          this.log.warn(
            `no ${noun} is attached to experiment '${this.topology.experiment}' and ${this.pending[kind].size} task(s) wait: start one with policy-evolver worker --broker URL --experiment ${this.topology.experiment}${kind === 'generate' ? ' --samplers 1' : ''}`,
          );
        }
      } else if (depth.consumers > 0) {
        this.warnedIdle[kind] = false;
      }
    }
  }
}
