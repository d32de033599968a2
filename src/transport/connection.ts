// One broker connection that stays up: heartbeats detect a dead peer, a lost connection is
// re-established with exponential backoff, and the owner's `setup` re-declares its topology and
// consumers on every new connection. Publishing waits for the broker's confirm and, when the
// connection drops first, publishes again on the next one (receivers deduplicate by key).
import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { UserError } from '../core/user-error';
import { Backoff, DEFAULT_BACKOFF, sleep, type BackoffOptions } from './backoff';
import type { BrokerAddress } from './broker-url';
import { errorText, type Logger } from './log';

export interface BrokerSession {
  readonly connection: ChannelModel;
  /** Confirm channel used for publishing, consuming and acknowledging. */
  readonly channel: ConfirmChannel;
  /** Increases with every new connection: deliveries from an older one can no longer be acknowledged. */
  readonly generation: number;
}

export interface BrokerConnectionOptions {
  address: BrokerAddress;
  /** Shown in the broker's connection list, e.g. `policy-evolver evaluator host:1234`. */
  name: string;
  log: Logger;
  /** Declares topology and starts consumers; runs on every (re)connection before the session is handed out. */
  setup(session: BrokerSession): Promise<void>;
  /** Unacknowledged deliveries per consumer on this connection's channel. */
  prefetch?: number;
  backoff?: BackoffOptions;
  /** How long to keep trying before the first connection counts as failed; forever when undefined. */
  firstConnectTimeoutMs?: number;
  /** The setting that chose firstConnectTimeoutMs, named when it gives up (e.g. `--connect-timeout`). */
  firstConnectSetting?: string;
}

const formatSeconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;

/** Failures that retrying will not fix (wrong password, unknown vhost, mismatched topology). */
function permanentReason(err: unknown, address: BrokerAddress): string | undefined {
  if (err instanceof UserError) return err.message;
  const message = errorText(err);
  if (/ACCESS[_-]REFUSED/.test(message)) {
    const user = address.connect.username ?? 'guest';
    return `the broker at ${address.redacted} refused the login of user '${user}' (wrong user name or password?)`;
  }
  if (/Expected ConnectionOpenOk; got <ConnectionClose/.test(message) || /NOT[_-]ALLOWED/.test(message)) {
    return `the broker at ${address.redacted} refused to open virtual host '${address.connect.vhost ?? '/'}' (it does not exist, or the user may not use it)`;
  }
  return undefined;
}

export class BrokerConnection {
  private current: BrokerSession | undefined;
  private generation = 0;
  private closed = false;
  private readonly stopper = new AbortController();
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<(up: boolean) => void>();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: BrokerConnectionOptions) {}

  /** Connects (retrying as configured) and runs `setup`; rejects with a UserError when that cannot succeed. */
  start(): Promise<void> {
    if (this.loop) throw new Error('broker connection already started');
    return new Promise<void>((resolve, reject) => {
      this.loop = this.run(resolve, reject);
    });
  }

  get session(): BrokerSession | undefined {
    return this.current;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Called with true after each (re)connection and false when one is lost. */
  onStateChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The live session, waiting for a reconnection if there is none. */
  async ready(signal?: AbortSignal): Promise<BrokerSession> {
    for (;;) {
      if (this.closed) throw new Error('the broker connection is closed');
      signal?.throwIfAborted();
      if (this.current) return this.current;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** Publishes and waits for the broker's confirm, across reconnections, until confirmed, aborted or closed. */
  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const session = await this.ready(signal);
      try {
        await new Promise<void>((resolve, reject) => {
          session.channel.publish(exchange, routingKey, content, options, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
        });
        return;
      } catch (err) {
        if (this.closed) throw new Error('the broker connection is closed');
        signal?.throwIfAborted();
        // The same connection still up means the broker refused the message (nack): wait a little.
        if (this.current === session) {
          this.options.log.warn(`the broker did not accept a message for ${exchange || routingKey} (${errorText(err)}); retrying`);
          await sleep(500, signal);
        }
      }
    }
  }

  /** Fire-and-forget publishing for heartbeats and cancellations: dropped when the broker is away. */
  publishBestEffort(exchange: string, routingKey: string, content: Buffer, options: Options.Publish = {}): boolean {
    const session = this.current;
    if (!session) return false;
    try {
      session.channel.publish(exchange, routingKey, content, options, () => undefined);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopper.abort();
    for (const w of [...this.waiters]) w();
    const session = this.current;
    this.current = undefined;
    if (session) {
      await session.channel.close().catch(() => undefined);
      await session.connection.close().catch(() => undefined);
    }
    await this.loop?.catch(() => undefined);
  }

  private setState(session: BrokerSession | undefined): void {
    this.current = session;
    for (const l of this.listeners) {
      try {
        l(session !== undefined);
      } catch (err) {
        this.options.log.error(`state listener failed: ${errorText(err)}`);
      }
    }
    if (session) for (const w of [...this.waiters]) w();
  }

  private async run(resolveFirst: () => void, rejectFirst: (err: Error) => void): Promise<void> {
    const { address, log } = this.options;
    const backoff = new Backoff(this.options.backoff ?? DEFAULT_BACKOFF);
    const startedAt = Date.now();
    let connectedOnce = false;
    let failures = 0;
    while (!this.closed) {
      let connection: ChannelModel | undefined;
      try {
        // noDelay: with Nagle's algorithm every small confirm or reply waits ~40 ms for a delayed ACK.
        // Required here, not imported: the client ships as its own file (scripts/build.mjs) that
        // only a process that talks to a broker should parse.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { connect } = require('amqplib') as typeof import('amqplib');
        connection = await connect(address.connect, { clientProperties: { connection_name: this.options.name }, timeout: 10_000, noDelay: true });
        const conn = connection;
        // Until `lost` below listens, an unhandled 'error' event would crash the process.
        conn.on('error', () => undefined);
        const channel = await conn.createConfirmChannel();
        const session: BrokerSession = { connection: conn, channel, generation: ++this.generation };
        const lost = new Promise<string>((resolve) => {
          conn.on('error', (err: Error) => resolve(errorText(err)));
          conn.on('close', (err?: Error) => resolve(err ? errorText(err) : 'closed by the broker'));
          conn.on('blocked', (reason: string) => log.warn(`the broker blocked publishing (${reason}): it is short of memory or disk`));
          conn.on('unblocked', () => log.info('the broker accepts messages again'));
          channel.on('error', (err: Error) => resolve(errorText(err)));
          // The connection's own close usually follows with the broker's reason: let it speak first.
          channel.on('close', () => setTimeout(() => resolve('channel closed'), 20));
        });
        if (this.options.prefetch !== undefined) await channel.prefetch(this.options.prefetch);
        await this.options.setup(session);
        if (this.closed) {
          await conn.close().catch(() => undefined);
          break;
        }
        log.info(connectedOnce ? `reconnected to ${address.redacted}${failures ? ` after ${failures} failed attempt(s)` : ''}` : `connected to ${address.redacted}`);
        backoff.reset();
        failures = 0;
        this.setState(session);
        if (!connectedOnce) {
          connectedOnce = true;
          resolveFirst();
        }
        const why = await lost;
        this.setState(undefined);
        if (this.closed) break;
        log.warn(`lost the broker connection (${why}); reconnecting`);
        await conn.close().catch(() => undefined);
      } catch (err) {
        await connection?.close().catch(() => undefined);
        if (this.closed) break;
        failures++;
        const permanent = permanentReason(err, address);
        if (!connectedOnce && permanent) {
          this.closed = true;
          rejectFirst(new UserError(permanent));
          return;
        }
        const elapsed = Date.now() - startedAt;
        if (!connectedOnce && this.options.firstConnectTimeoutMs !== undefined && elapsed >= this.options.firstConnectTimeoutMs) {
          this.closed = true;
          const setting = this.options.firstConnectSetting ? ` (${this.options.firstConnectSetting})` : '';
          rejectFirst(new UserError(`cannot reach the broker at ${address.redacted} within ${formatSeconds(this.options.firstConnectTimeoutMs)}${setting}, after ${failures} attempt(s): ${permanent ?? errorText(err)}`));
          return;
        }
        // The last wait ends at the give-up time, not up to a whole backoff step past it.
        const left = !connectedOnce && this.options.firstConnectTimeoutMs !== undefined ? this.options.firstConnectTimeoutMs - elapsed : Infinity;
        const delay = Math.min(backoff.next(), left);
        // Every attempt is logged at first, then only now and then, so a long outage does not flood the log.
        if (failures <= 5 || failures % 10 === 0) log.warn(`cannot ${connectedOnce ? 'reconnect' : 'connect'} to ${address.redacted} (${permanent ?? errorText(err)}); retrying in ${(delay / 1000).toFixed(1)} s`);
        await sleep(delay, this.stopper.signal);
      }
    }
    if (!connectedOnce) rejectFirst(new Error('the broker connection was closed before it was established'));
  }
}
