// A binary min-heap ordered by (time, sequence): events at the same time come out in the order
// they were pushed, which keeps simulations deterministic.

interface Entry<T> {
  time: number;
  seq: number;
  value: T;
}

export class EventHeap<T> {
  private readonly items: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(time: number, value: T): void {
    const items = this.items;
    items.push({ time, seq: this.seq++, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(items[i] as Entry<T>, items[parent] as Entry<T>)) break;
      [items[i], items[parent]] = [items[parent] as Entry<T>, items[i] as Entry<T>];
      i = parent;
    }
  }

  peekTime(): number | undefined {
    return this.items[0]?.time;
  }

  pop(): { time: number; value: T } | undefined {
    const items = this.items;
    const top = items[0];
    if (!top) return undefined;
    const last = items.pop() as Entry<T>;
    if (items.length) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && less(items[l] as Entry<T>, items[m] as Entry<T>)) m = l;
        if (r < items.length && less(items[r] as Entry<T>, items[m] as Entry<T>)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as Entry<T>, items[i] as Entry<T>];
        i = m;
      }
    }
    return { time: top.time, value: top.value };
  }
}

function less<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
