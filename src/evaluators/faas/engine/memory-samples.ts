// Eudoxia's memory statistics: once per simulated second (ticks 0, tps, 2 tps, ... after the tick
// ran) it samples the share of cluster RAM allocated to containers and the share consumed, and
// reports the mean of each. The simulator jumps over quiet ticks, so samples due in a skipped
// stretch are taken when the next visited tick begins: nothing changed in between.
import { C_ACTIVE, memoryAt, type OpTable, type PoolRec } from './records';

export class MemorySamples {
  private next = 0;
  private count = 0;
  private allocatedSum = 0;
  private consumedSum = 0;

  constructor(
    private readonly pools: readonly PoolRec[],
    private readonly ops: OpTable,
    private readonly tps: number,
    private readonly tick: number,
  ) {}

  /** Takes every sample due at or before tick `upTo` from the current (unchanged since) state. */
  takeUntil(upTo: number): void {
    if (this.next > upTo) return;
    let total = 0;
    let allocated = 0;
    for (const pool of this.pools) {
      total += pool.maxRam;
      allocated += pool.maxRam - pool.availRam;
    }
    const allocatedPercent = (100.0 * allocated) / total;
    for (; this.next <= upTo; this.next += this.tps) {
      let consumed = 0;
      for (const pool of this.pools) {
        // RAM of containers suspended since the pool last reconciled still counts, as in Eudoxia.
        consumed += pool.staleRam;
        for (const c of pool.active) if (c.status === C_ACTIVE && c.createdTick <= this.next) consumed += memoryAt(this.ops, c, this.next, this.tick);
      }
      this.allocatedSum += allocatedPercent;
      this.consumedSum += (100.0 * consumed) / total;
      this.count++;
    }
  }

  /** Means in percent; null (Eudoxia's NaN) without samples. */
  means(): { allocated: number | null; consumed: number | null } {
    if (this.count === 0) return { allocated: null, consumed: null };
    return { allocated: this.allocatedSum / this.count, consumed: this.consumedSum / this.count };
  }
}
