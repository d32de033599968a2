// Eudoxia's pool memory count, float drift included. Eudoxia keeps each pool's consumed RAM as a
// running sum: every tick each active container adds (new memory - old memory), in pool order, and
// the sum is recomputed from scratch only when a container leaves the pool. Its overcommit killer
// compares that sum, not the exact total, with the pool's RAM, so at exact-fit boundaries (two
// 55 GB operators in a 110 GB pool) rounding decides whether it kills. We replay the same float
// additions in the same order, lazily: only when the killer might fire, from the last tick the sum
// was known.
import { ioMemory } from '../model/physics';
import { clearList } from './lists';
import { C_ACTIVE, C_DONE, memoryAt, opAt, opEnd, opIo, opStart, timedOps, type ContRec, type OpTable, type PoolRec } from './records';

/** One change of the running sum: at tick `tick`, container `seq` adds `delta` (phase 1 = killed after every container ticked). */
interface Change {
  tick: number;
  phase: number;
  seq: number;
  order: number;
  delta: number;
}

/** A container's memory during the ticks [from, to], as (tick, memory) at each tick where it changes. */
function memoryChanges(ops: OpTable, c: ContRec, from: number, to: number, tick: number, out: (u: number, mem: number) => void): void {
  for (let k = 0; k < timedOps(c); k++) {
    const start = opStart(c, k);
    const end = opEnd(c, k);
    if (end < start || end < from) continue;
    if (start > to) break;
    const s = ops.spec(opAt(c, k));
    if (s.memoryGb !== null) {
      out(Math.max(start, from), s.memoryGb);
      continue;
    }
    const io = opIo(c, k);
    const ioLast = Math.min(start + io - 1, end, to);
    for (let u = Math.max(start, from); u <= ioLast; u++) out(u, ioMemory(u - start, tick));
    if (start + io <= Math.min(end, to)) out(Math.max(start + io, from), s.storageReadGb);
  }
}

/** The container's memory in the tick before `u` (0 before it was created). */
function memoryBefore(ops: OpTable, c: ContRec, u: number, tick: number): number {
  if (u <= c.createdTick) return 0;
  let mem = 0;
  memoryChanges(ops, c, c.createdTick, u - 1, tick, (_t, m) => (mem = m));
  return mem;
}

/**
 * Eudoxia's running sum for the pool at tick `t`, after every container ticked and containers over
 * their own limit were killed (the point where its pool-level killer reads it). Containers that
 * leave the pool reset the sum, so between the last known value and `t` none has left before `t`.
 */
export function ledgerAt(pool: PoolRec, ops: OpTable, t: number, tick: number): number {
  const from = pool.ledgerTick + 1;
  const changes: Change[] = [];
  let order = 0;
  const visit = (c: ContRec, lastTick: number): void => {
    const first = Math.max(from, c.createdTick);
    if (lastTick < first) return;
    let prev = memoryBefore(ops, c, first, tick);
    memoryChanges(ops, c, first, lastTick, tick, (u, mem) => {
      const delta = mem - prev;
      prev = mem;
      if (delta !== 0) changes.push({ tick: u, phase: 0, seq: c.seq, order: order++, delta });
    });
    if (c.status === C_DONE && c.doneTick === t) {
      // Finished at t (its last operator, or killed for exceeding its own RAM in the first pass):
      // its memory drops to 0, a normal end within its own tick, an OOM kill after all ticked.
      const phase = c.error === null ? 0 : 1;
      if (prev !== 0) changes.push({ tick: t, phase, seq: c.seq, order: order++, delta: 0 - prev });
    }
  };
  for (const c of pool.active) {
    if (c.status === C_ACTIVE || (c.status === C_DONE && c.doneTick === t)) visit(c, t);
  }
  for (const p of pool.parked) visit(p.c, p.tick - 1);
  changes.sort((a, b) => a.tick - b.tick || a.phase - b.phase || a.seq - b.seq || a.order - b.order);
  let sum = pool.ledger;
  for (const ch of changes) sum += ch.delta;
  return sum;
}

/** Records the sum as known at the end of tick `t`; suspended containers no longer change it. */
export function settleLedger(pool: PoolRec, t: number, sum: number): void {
  pool.ledger = sum;
  pool.ledgerTick = t;
  clearList(pool.parked);
}

/** Eudoxia's recomputation when a container leaves: the float sum of the remaining containers' memory, in pool order. */
export function reconcileLedger(pool: PoolRec, t: number, ops: OpTable, tick: number): void {
  let sum = 0;
  for (const c of pool.active) sum += memoryAt(ops, c, t, tick);
  settleLedger(pool, t, sum);
}
