// Per-endpoint concurrency and requests-per-minute limits. Waiting is FIFO and abortable; a
// cancelled waiter leaves the queue without taking a slot.

import { abortError } from './errors';
import { sleep } from './retry';

interface Waiter {
  grant(): void;
}

export interface LimiterClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const realClock: LimiterClock = { now: () => Date.now(), sleep };

export class EndpointLimiter {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private readonly starts: number[] = [];

  /** `perMinute` 0 means no rate limit. */
  constructor(
    readonly concurrency: number,
    readonly perMinute: number,
    private readonly clock: LimiterClock = realClock,
  ) {
    if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1 (got ${concurrency})`);
  }

  /** Number of requests currently holding a slot. */
  get inFlight(): number {
    return this.active;
  }

  /** Waits for a slot and the rate window; returns the function that frees the slot. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) throw abortError(signal);
    if (this.active < this.concurrency && this.queue.length === 0) {
      this.active++;
    } else {
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          grant: () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortError(signal));
        };
        this.queue.push(waiter);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    try {
      await this.waitForRate(signal);
    } catch (err) {
      this.release();
      throw err;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  private release(): void {
    const next = this.queue.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next.grant();
    else this.active--;
  }

  /** Waits until the last minute holds fewer than `perMinute` starts, then records this one. */
  private async waitForRate(signal: AbortSignal): Promise<void> {
    if (this.perMinute <= 0) return;
    for (;;) {
      const now = this.clock.now();
      while (this.starts.length && (this.starts[0] as number) <= now - 60_000) this.starts.shift();
      if (this.starts.length < this.perMinute) {
        this.starts.push(now);
        return;
      }
      await this.clock.sleep((this.starts[0] as number) + 60_000 - now, signal);
    }
  }
}
