// Binary min-heaps for the event loop. Events are ordered by tick, then by an insertion-defined
// key, so equal-tick events come out in a deterministic order.

export interface HeapItem {
  tick: number;
  order: number;
}

export class EventHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Tick of the earliest event, or Infinity when empty. */
  peekTick(): number {
    return this.items.length ? (this.items[0] as T).tick : Infinity;
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = a[parent] as T;
      if (!less(item, p)) break;
      a[i] = p;
      i = parent;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0] as T;
    const last = a.pop() as T;
    if (a.length > 0) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && less(a[r] as T, a[l] as T) ? r : l;
        if (!less(a[c] as T, last)) break;
        a[i] = a[c] as T;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

function less(x: HeapItem, y: HeapItem): boolean {
  return x.tick < y.tick || (x.tick === y.tick && x.order < y.order);
}

/** A min-heap of ticks with duplicates collapsed on pop. */
export class TickHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number {
    return this.items.length ? (this.items[0] as number) : Infinity;
  }

  push(tick: number): void {
    const a = this.items;
    a.push(tick);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((a[parent] as number) <= tick) break;
      a[i] = a[parent] as number;
      i = parent;
    }
    a[i] = tick;
  }

  /** Removes every entry equal to the minimum; returns that minimum (Infinity when empty). */
  popAll(): number {
    const min = this.peek();
    while (this.items.length && this.peek() === min) this.popOne();
    return min;
  }

  private popOne(): void {
    const a = this.items;
    const last = a.pop() as number;
    if (a.length === 0) return;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (a[r] as number) < (a[l] as number) ? r : l;
      if ((a[c] as number) >= last) break;
      a[i] = a[c] as number;
      i = c;
    }
    a[i] = last;
  }
}
