// Monitoring without the management plugin: every coordinator, supervisor and worker publishes a
// small heartbeat to the experiment's `monitor` fanout every few seconds; `status` listens for a
// while and adds the queue depths the broker reports.
import { hostname } from 'node:os';
import type { ConsumeMessage } from 'amqplib';
import { BrokerConnection } from './connection';
import type { BrokerAddress } from './broker-url';
import type { Logger } from './log';
import { decodeBody, encodeBody } from './messages';
import { queueDepth, queueExists, topologyFor, type Topology } from './topology';

export const HEARTBEAT_TYPE = 'pe.heartbeat';
export const DEFAULT_HEARTBEAT_MS = 2000;

interface HeartbeatBase {
  version: 1;
  id: string;
  host: string;
  pid: number;
  experiment: string;
  /** Milliseconds since the epoch when sent. */
  time: number;
  startedAt: number;
  intervalMs: number;
}

export interface WorkerHeartbeat extends HeartbeatBase {
  kind: 'evaluator' | 'sampler';
  supervisor?: string;
  concurrency: number;
  busy: number;
  completed: number;
  /** Tasks whose outcome was a failure (ok: false evaluation, failed generation). */
  failed: number;
  /** Deliveries that were redeliveries of a task another worker (or this one) did not finish. */
  redelivered: number;
  /** Redelivered tasks answered from this worker's cache of recent results instead of recomputed. */
  replayed: number;
  avgMs: number | null;
  perMinute: number;
  draining: boolean;
}

export interface SupervisorHeartbeat extends HeartbeatBase {
  kind: 'supervisor';
  evaluators: { running: number; busy: number; min: number; max: number };
  samplers: number;
  /** Machine CPU use over the last interval, 0-1. */
  cpu: number | null;
  queueDepth: number | null;
  restarts: number;
  lastDecision?: string;
}

export interface CoordinatorHeartbeat extends HeartbeatBase {
  kind: 'coordinator';
  runs: string[];
  pending: { evaluate: number; generate: number };
  published: number;
  results: number;
  duplicates: number;
  deadLettered: number;
  maxAttempts: number;
  attached: { evaluators: number; samplers: number };
}

export type Heartbeat = WorkerHeartbeat | SupervisorHeartbeat | CoordinatorHeartbeat;

export function heartbeatBase(id: string, experiment: string, startedAt: number, intervalMs: number): HeartbeatBase {
  return { version: 1, id, host: hostname(), pid: process.pid, experiment, time: Date.now(), startedAt, intervalMs };
}

/** Publishes `build()` to the monitor fanout every `intervalMs` while connected; returns a stop function. */
export function startHeartbeats(connection: BrokerConnection, topology: Topology, intervalMs: number, build: () => Heartbeat): () => void {
  const send = (): void => {
    // Expiring messages: a heartbeat nobody listened to is worthless a moment later.
    connection.publishBestEffort(topology.monitorExchange, '', encodeBody(build()), { type: HEARTBEAT_TYPE, expiration: String(Math.max(1000, intervalMs * 2)), contentType: 'application/json' });
  };
  const timer = setInterval(send, intervalMs);
  timer.unref();
  const off = connection.onStateChange((up) => {
    if (up) send();
  });
  return () => {
    clearInterval(timer);
    off();
  };
}

/** Completions over a sliding window, for per-minute throughput. */
export class RateWindow {
  private readonly times: number[] = [];
  private totalMs = 0;
  private count = 0;

  constructor(private readonly windowMs = 60_000) {}

  record(durationMs: number, at = Date.now()): void {
    this.times.push(at);
    this.totalMs += durationMs;
    this.count++;
    this.trim(at);
  }

  perMinute(at = Date.now()): number {
    this.trim(at);
    if (!this.times.length) return 0;
    const span = Math.max(at - (this.times[0] as number), 1000);
    return (this.times.length * 60_000) / Math.min(Math.max(span, 1000), this.windowMs);
  }

  averageMs(): number | null {
    return this.count ? this.totalMs / this.count : null;
  }

  private trim(at: number): void {
    while (this.times.length && (this.times[0] as number) < at - this.windowMs) this.times.shift();
  }
}

export interface QueueReport {
  name: string;
  exists: boolean;
  ready: number;
  consumers: number;
}

export interface StatusReport {
  broker: string;
  experiment: string;
  /** False when no coordinator or worker ever declared this experiment on the broker. */
  exists: boolean;
  queues: { evaluate: QueueReport; generate: QueueReport; dead: QueueReport };
  coordinators: CoordinatorHeartbeat[];
  supervisors: SupervisorHeartbeat[];
  workers: WorkerHeartbeat[];
  listenedMs: number;
}

function isHeartbeat(v: unknown): v is Heartbeat {
  const h = v as Partial<Heartbeat> | null;
  return !!h && h.version === 1 && typeof h.id === 'string' && (h.kind === 'evaluator' || h.kind === 'sampler' || h.kind === 'supervisor' || h.kind === 'coordinator');
}

/** Listens to an experiment's heartbeats for `listenMs` and reads its queue depths. */
export async function collectStatus(options: { address: BrokerAddress; experiment: string; listenMs: number; log: Logger }): Promise<StatusReport> {
  const t = topologyFor(options.experiment);
  const latest = new Map<string, Heartbeat>();
  let exists = false;
  const connection = new BrokerConnection({
    address: options.address,
    name: `policy-evolver status ${hostname()}:${process.pid}`,
    log: options.log,
    firstConnectTimeoutMs: 10_000,
    setup: async (session) => {
      exists = await queueExists(session.connection, t.queues.evaluate);
      if (!exists) return;
      const { queue } = await session.channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      await session.channel.bindQueue(queue, t.monitorExchange, '');
      await session.channel.consume(
        queue,
        (msg: ConsumeMessage | null) => {
          if (!msg) return;
          try {
            const body = decodeBody(msg.content);
            if (isHeartbeat(body)) latest.set(body.id, body);
          } catch {
            // someone else's message on our fanout: ignore it
          }
        },
        { noAck: true },
      );
    },
  });
  await connection.start();
  try {
    const started = Date.now();
    if (exists) await new Promise((r) => setTimeout(r, options.listenMs));
    const session = await connection.ready();
    const read = async (name: string): Promise<QueueReport> => {
      const d = await queueDepth(session.connection, name);
      return { name, exists: d !== undefined, ready: d?.messages ?? 0, consumers: d?.consumers ?? 0 };
    };
    const beats = [...latest.values()];
    // A process that stopped sending is gone even if its last heartbeat arrived while we listened.
    const fresh = beats.filter((b) => Date.now() - b.time < Math.max(3 * b.intervalMs, options.listenMs + b.intervalMs));
    return {
      broker: options.address.redacted,
      experiment: options.experiment,
      exists,
      queues: { evaluate: await read(t.queues.evaluate), generate: await read(t.queues.generate), dead: await read(t.deadQueue) },
      coordinators: fresh.filter((b): b is CoordinatorHeartbeat => b.kind === 'coordinator'),
      supervisors: fresh.filter((b): b is SupervisorHeartbeat => b.kind === 'supervisor'),
      workers: fresh.filter((b): b is WorkerHeartbeat => b.kind === 'evaluator' || b.kind === 'sampler').sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id)),
      listenedMs: Date.now() - started,
    };
  } finally {
    await connection.close();
  }
}
