// The consuming half shared by evaluation workers and samplers. A delivery is acknowledged only after
// its reply is confirmed by the broker, so a worker that dies mid-task leaves the task to be
// redelivered; replies for keys this worker already answered are re-sent from a cache instead of
// being computed again; cancellations from the coordinator abort work nobody waits for any more.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConsumeMessage } from 'amqplib';
import { LruMap } from '../core/lru';
import type { BrokerAddress } from './broker-url';
import { BrokerConnection, type BrokerSession } from './connection';
import { errorText, type Logger } from './log';
import { decodeBody, encodeBody, type WorkerIdentity } from './messages';
import { DEFAULT_HEARTBEAT_MS, heartbeatBase, RateWindow, startHeartbeats, type WorkerHeartbeat } from './monitor';
import { declareTopology, topologyFor, type Topology, type WorkKind } from './topology';

export interface TaskContext {
  worker: WorkerIdentity;
  /** 1 for the first delivery, higher for redeliveries after a crash or lost connection. */
  attempt: number;
  log: Logger;
}

export interface TaskReply {
  /** Message type of the reply. */
  type: string;
  body: unknown;
  /** The task's outcome was a failure (counted for monitoring). */
  failed: boolean;
}

export interface TaskHandler<Body> {
  readonly kind: WorkKind;
  /** Validates a task body; throws for one this worker cannot read. */
  parse(raw: unknown): Body;
  run(body: Body, signal: AbortSignal, ctx: TaskContext): Promise<TaskReply>;
  /** The reply telling the coordinator that a task could not be read, so it does not wait forever. */
  unreadable(raw: unknown, key: string, reason: string, ctx: TaskContext): TaskReply | undefined;
  /** Extra consumers on each (re)connection (samplers listen for bandit feedback). */
  setup?(session: BrokerSession, topology: Topology): Promise<void>;
  close(): Promise<void>;
}

export interface TaskWorkerOptions {
  address: BrokerAddress;
  experiment: string;
  /** Tasks worked on at once (the broker's prefetch). */
  concurrency: number;
  log: Logger;
  /** Id of the supervisor that started this process, for `status`. */
  supervisor?: string;
  heartbeatMs?: number;
  /** Called whenever the number of busy slots changes (the supervisor's view over IPC). */
  onState?(state: { busy: number; completed: number }): void;
}

export interface RunningWorker {
  readonly identity: WorkerIdentity;
  /** Stops taking tasks, finishes the ones under way, then disconnects. */
  drain(): Promise<void>;
  /** Aborts work under way and disconnects at once; the broker redelivers unfinished tasks. */
  abort(): Promise<void>;
  readonly done: Promise<void>;
  heartbeat(): WorkerHeartbeat;
}

interface CachedReply {
  type: string;
  content: Buffer;
}

export async function startTaskWorker<Body>(handler: TaskHandler<Body>, options: TaskWorkerOptions): Promise<RunningWorker> {
  const topology = topologyFor(options.experiment);
  const identity: WorkerIdentity = { id: `${handler.kind === 'evaluate' ? 'evaluator' : 'sampler'}@${hostname()}:${process.pid}:${randomUUID().slice(0, 4)}`, host: hostname() };
  const log = options.log;
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const startedAt = Date.now();
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const cancelled = new LruMap<string, true>(4096);
  const recent = new LruMap<string, CachedReply>(256, 64 * 1024 * 1024, (r) => r.content.length);
  const running = new Map<string, Promise<CachedReply | undefined>>();
  const inflight = new Map<string, AbortController>();
  const rate = new RateWindow();
  const counts = { busy: 0, completed: 0, failed: 0, redelivered: 0, replayed: 0 };
  let draining = false;
  let aborting = false;
  let consumerTag: { session: BrokerSession; tag: string } | undefined;
  let idle: (() => void) | undefined;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const report = (): void => options.onState?.({ busy: counts.busy, completed: counts.completed });

  const connection: BrokerConnection = new BrokerConnection({
    address: options.address,
    name: `policy-evolver ${identity.id}`,
    log,
    prefetch: concurrency,
    setup: async (session) => {
      await declareTopology(session.connection, session.channel, topology);
      const { queue } = await session.channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      await session.channel.bindQueue(queue, topology.controlExchange, '');
      await session.channel.consume(queue, (msg) => msg && onControl(msg), { noAck: true });
      await handler.setup?.(session, topology);
      if (draining) return;
      const { consumerTag: tag } = await session.channel.consume(topology.queues[handler.kind], (msg) => void onDelivery(session, msg), { noAck: false });
      consumerTag = { session, tag };
    },
  });

  function onControl(msg: ConsumeMessage): void {
    let body: unknown;
    try {
      body = decodeBody(msg.content);
    } catch {
      return;
    }
    const ids = (body as { cancel?: unknown })?.cancel;
    if (!Array.isArray(ids)) return;
    for (const id of ids) {
      if (typeof id !== 'string') continue;
      cancelled.set(id, true);
      const controller = inflight.get(id);
      if (controller) {
        log.debug(`cancelled by the coordinator: task ${id}`);
        controller.abort(new Error('cancelled by the coordinator'));
      }
    }
  }

  function ack(session: BrokerSession, msg: ConsumeMessage, requeue?: boolean): void {
    // A delivery from a lost connection cannot be acknowledged; the broker redelivers it instead.
    if (connection.session !== session) return;
    try {
      if (requeue === undefined) session.channel.ack(msg);
      else session.channel.nack(msg, false, requeue);
    } catch (err) {
      log.debug(`could not acknowledge: ${errorText(err)}`);
    }
  }

  async function sendReply(replyTo: string, key: string, reply: CachedReply, runId: string): Promise<void> {
    await connection.publish('', replyTo, reply.content, { persistent: true, contentType: 'application/json', type: reply.type, correlationId: key, appId: 'policy-evolver', headers: { 'pe-run': runId, 'pe-worker': identity.id } });
  }

  async function onDelivery(session: BrokerSession, msg: ConsumeMessage | null): Promise<void> {
    if (!msg) {
      // The broker cancelled our consumer (queue deleted or failed over): reconnecting re-subscribes.
      log.warn(`the broker cancelled the ${handler.kind} consumer; reconnecting`);
      await session.channel.close().catch(() => undefined);
      return;
    }
    const props = msg.properties;
    const deliveryCount = Number(props.headers?.['x-delivery-count'] ?? 0);
    const attempt = (Number.isFinite(deliveryCount) ? deliveryCount : 0) + 1;
    const ctx: TaskContext = { worker: identity, attempt, log };
    const key = typeof props.correlationId === 'string' ? props.correlationId : undefined;
    const replyTo = typeof props.replyTo === 'string' && props.replyTo ? props.replyTo : undefined;
    const publication = typeof props.messageId === 'string' ? props.messageId : '';
    const runId = typeof props.headers?.['pe-run'] === 'string' ? (props.headers['pe-run'] as string) : '';
    const label = typeof props.headers?.['pe-label'] === 'string' ? (props.headers['pe-label'] as string) : key?.slice(0, 8) ?? '?';
    if (attempt > 1 || msg.fields.redelivered) counts.redelivered++;
    counts.busy++;
    report();
    try {
      let raw: unknown;
      let body: Body;
      try {
        raw = decodeBody(msg.content);
        body = handler.parse(raw);
      } catch (err) {
        const reason = errorText(err);
        log.warn(`cannot read ${handler.kind} task ${label}: ${reason}`);
        const reply = key && replyTo ? handler.unreadable(raw, key, reason, ctx) : undefined;
        if (reply && key && replyTo) {
          await sendReply(replyTo, key, { type: reply.type, content: encodeBody(reply.body) }, runId);
          ack(session, msg);
        } else {
          ack(session, msg, false);
        }
        return;
      }
      if (cancelled.has(publication)) {
        log.debug(`skipping ${label}: cancelled before it started`);
        ack(session, msg);
        return;
      }
      if (!key || !replyTo) {
        log.warn(`${handler.kind} task ${label} has no key or reply queue; sent to the dead-letter queue`);
        ack(session, msg, false);
        return;
      }
      let reply = recent.get(key);
      if (reply) {
        counts.replayed++;
        log.debug(`re-sending the reply for ${label} (delivery ${attempt}) from cache`);
      } else {
        let work = running.get(key);
        if (!work) {
          work = compute(body, publication, label, ctx);
          running.set(key, work);
          void work.finally(() => running.delete(key)).catch(() => undefined);
        }
        reply = await work;
      }
      if (!reply) {
        // Aborted: this worker is stopping (the broker redelivers the task), or the coordinator
        // cancelled the publication this computation started for. Another publication of the same
        // key that was waiting on it goes back to the queue.
        if (aborting) return;
        ack(session, msg, cancelled.has(publication) ? undefined : true);
        return;
      }
      recent.set(key, reply);
      await sendReply(replyTo, key, reply, runId);
      ack(session, msg);
    } catch (err) {
      if (!aborting && !connection.isClosed) {
        log.error(`${handler.kind} task ${label}: ${errorText(err)}`);
        // Give the task back (it counts as an attempt) rather than hold its prefetch slot forever.
        ack(session, msg, true);
      }
    } finally {
      counts.busy--;
      report();
      if (counts.busy === 0) idle?.();
    }
  }

  async function compute(body: Body, publication: string, label: string, ctx: TaskContext): Promise<CachedReply | undefined> {
    const controller = new AbortController();
    inflight.set(publication, controller);
    const started = Date.now();
    log.debug(`started ${handler.kind} ${label} (attempt ${ctx.attempt})`);
    try {
      const outcome = await handler.run(body, controller.signal, ctx);
      if (controller.signal.aborted) return undefined;
      const elapsed = Date.now() - started;
      counts.completed++;
      if (outcome.failed) counts.failed++;
      rate.record(elapsed);
      log.debug(`finished ${handler.kind} ${label} in ${elapsed} ms${outcome.failed ? ' (failed)' : ''}`);
      return { type: outcome.type, content: encodeBody(outcome.body) };
    } finally {
      inflight.delete(publication);
    }
  }

  const heartbeat = (): WorkerHeartbeat => ({
    ...heartbeatBase(identity.id, topology.experiment, startedAt, heartbeatMs),
    kind: handler.kind === 'evaluate' ? 'evaluator' : 'sampler',
    ...(options.supervisor ? { supervisor: options.supervisor } : {}),
    concurrency,
    busy: counts.busy,
    completed: counts.completed,
    failed: counts.failed,
    redelivered: counts.redelivered,
    replayed: counts.replayed,
    avgMs: rate.averageMs(),
    perMinute: rate.perMinute(),
    draining,
  });

  await connection.start();
  const stopHeartbeats = startHeartbeats(connection, topology, heartbeatMs, heartbeat);
  log.info(`${identity.id} takes ${handler.kind} tasks from experiment '${topology.experiment}' (${concurrency} at a time)`);

  let finishing: Promise<void> | undefined;
  const finish = async (): Promise<void> => {
    stopHeartbeats();
    await connection.close();
    await handler.close().catch((err: unknown) => log.warn(`closing: ${errorText(err)}`));
    resolveDone();
  };

  return {
    identity,
    done,
    heartbeat,
    drain() {
      finishing ??= (async () => {
        draining = true;
        const current = consumerTag;
        if (current && connection.session === current.session) await current.session.channel.cancel(current.tag).catch(() => undefined);
        if (counts.busy > 0) {
          log.info(`finishing ${counts.busy} task(s) before stopping`);
          await new Promise<void>((resolve) => (idle = resolve));
        }
        await finish();
      })();
      return finishing;
    },
    abort() {
      aborting = true;
      draining = true;
      for (const c of inflight.values()) c.abort(new Error('the worker is stopping'));
      // A drain under way completes as soon as the aborted tasks return.
      finishing ??= finish();
      return finishing;
    },
  };
}

