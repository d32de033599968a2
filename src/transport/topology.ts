// Exchanges and queues of one experiment. Everything is named under `pe.<experiment>.` so several
// experiments share a broker (or use a vhost each) without seeing each other's work.
//
//   tasks (topic) --evaluate.#--> evaluate (quorum, delivery limit) --dead letter--+
//                 --generate.#--> generate (quorum, delivery limit) --dead letter--+
//   dead-letter (topic) --#--> dead (inspection, bounded)          <--------------+
//                       --*.<run>--> results.<run>  (so the run hears of its failed task)
//   workers reply to results.<run> (default exchange, the task's replyTo)
//   control (fanout): cancellations; monitor (fanout): heartbeats; observations (fanout): bandit feedback
import { createHash } from 'node:crypto';
import type { Channel, ChannelModel } from 'amqplib';
import { UserError } from '../core/user-error';

export const DEFAULT_EXPERIMENT = 'default';
/** Deliveries of one task before it is dead-lettered (a worker crash or lost connection uses one). */
export const DEFAULT_MAX_ATTEMPTS = 3;
const DEAD_QUEUE_MAX_LENGTH = 10_000;
/** An abandoned run's results queue disappears after this long without a consumer. */
const RESULTS_QUEUE_EXPIRES_MS = 3 * 24 * 3600 * 1000;

export type WorkKind = 'evaluate' | 'generate';

export interface Topology {
  experiment: string;
  prefix: string;
  tasksExchange: string;
  deadLetterExchange: string;
  controlExchange: string;
  monitorExchange: string;
  observationsExchange: string;
  queues: Record<WorkKind, string>;
  deadQueue: string;
}

export function validateExperiment(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new UserError(`experiment names are 1-64 letters, digits, '-' or '_', got '${name}'`);
  return name;
}

export function topologyFor(experiment: string): Topology {
  const prefix = `pe.${validateExperiment(experiment)}`;
  return {
    experiment,
    prefix,
    tasksExchange: `${prefix}.tasks`,
    deadLetterExchange: `${prefix}.dead-letter`,
    controlExchange: `${prefix}.control`,
    monitorExchange: `${prefix}.monitor`,
    observationsExchange: `${prefix}.observations`,
    queues: { evaluate: `${prefix}.evaluate`, generate: `${prefix}.generate` },
    deadQueue: `${prefix}.dead`,
  };
}

/** A routing-key-safe form of a run id (topic keys split on dots); a hash keeps altered ids distinct. */
export function runKey(runId: string): string {
  const safe = runId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  if (safe === runId) return safe;
  return `${safe}-${createHash('sha256').update(runId).digest('hex').slice(0, 8)}`;
}

export function resultsQueue(t: Topology, runId: string): string {
  return `${t.prefix}.results.${runKey(runId)}`;
}

export function taskRoutingKey(kind: WorkKind, runId: string): string {
  return `${kind}.${runKey(runId)}`;
}

function workQueueArguments(t: Topology, maxAttempts: number): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    // The limit counts redeliveries: N attempts means N-1 redeliveries.
    'x-delivery-limit': maxAttempts - 1,
    'x-dead-letter-exchange': t.deadLetterExchange,
    // At-least-once dead-lettering: a broker restart during dead-lettering cannot lose the task.
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

function isAmqpError(err: unknown, code: number): boolean {
  return (err as { code?: unknown })?.code === code;
}

export interface DeclareOptions {
  /** The coordinator states the experiment's attempt limit; workers adopt whatever exists (or the default). */
  maxAttempts?: number;
}

/** Declares the experiment's shared exchanges and queues; safe to repeat on every reconnection. */
export async function declareTopology(connection: ChannelModel, channel: Channel, t: Topology, options: DeclareOptions = {}): Promise<void> {
  await channel.assertExchange(t.tasksExchange, 'topic', { durable: true });
  await channel.assertExchange(t.deadLetterExchange, 'topic', { durable: true });
  await channel.assertExchange(t.controlExchange, 'fanout', { durable: true });
  await channel.assertExchange(t.monitorExchange, 'fanout', { durable: true });
  await channel.assertExchange(t.observationsExchange, 'fanout', { durable: true });
  for (const kind of ['evaluate', 'generate'] as const) {
    const queue = t.queues[kind];
    if (options.maxAttempts !== undefined) {
      try {
        await channel.assertQueue(queue, { durable: true, arguments: workQueueArguments(t, options.maxAttempts) });
      } catch (err) {
        if (isAmqpError(err, 406)) {
          throw new UserError(
            `queue ${queue} already exists with different settings (${(err as Error).message.replace(/^.*PRECONDITION_FAILED - /, '')}); use the attempt limit it was created with, or another --experiment`,
          );
        }
        throw err;
      }
    } else if (!(await queueExists(connection, queue))) {
      await channel.assertQueue(queue, { durable: true, arguments: workQueueArguments(t, DEFAULT_MAX_ATTEMPTS) });
    }
    await channel.bindQueue(queue, t.tasksExchange, `${kind}.#`);
  }
  await channel.assertQueue(t.deadQueue, { durable: true, arguments: { 'x-max-length': DEAD_QUEUE_MAX_LENGTH } });
  await channel.bindQueue(t.deadQueue, t.deadLetterExchange, '#');
}

/** Declares a run's results queue and routes the run's dead-lettered tasks into it. */
export async function declareRunQueue(channel: Channel, t: Topology, runId: string): Promise<string> {
  const queue = resultsQueue(t, runId);
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-expires': RESULTS_QUEUE_EXPIRES_MS } });
  await channel.bindQueue(queue, t.deadLetterExchange, `*.${runKey(runId)}`);
  return queue;
}

/** A passive check on a throwaway channel: a missing queue closes the channel it was asked on. */
export async function queueExists(connection: ChannelModel, queue: string): Promise<boolean> {
  const probe = await connection.createChannel();
  probe.on('error', () => undefined);
  try {
    await probe.checkQueue(queue);
    return true;
  } catch (err) {
    if (isAmqpError(err, 404)) return false;
    throw err;
  } finally {
    await probe.close().catch(() => undefined);
  }
}

/** Ready messages and consumers of a queue, or undefined when it does not exist. */
export async function queueDepth(connection: ChannelModel, queue: string): Promise<{ messages: number; consumers: number } | undefined> {
  const probe = await connection.createChannel();
  probe.on('error', () => undefined);
  try {
    const q = await probe.checkQueue(queue);
    return { messages: q.messageCount, consumers: q.consumerCount };
  } catch (err) {
    if (isAmqpError(err, 404)) return undefined;
    throw err;
  } finally {
    await probe.close().catch(() => undefined);
  }
}
