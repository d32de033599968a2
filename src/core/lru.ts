// A least-recently-used map bounded by entry count and, optionally, by a total weight (bytes).
// Shared by the sandbox's compile and blob caches and the mutate generator's parse cache, so
// every cache evicts by the same rules.

export class LruMap<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private totalWeight = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxWeight: number = Number.POSITIVE_INFINITY,
    private readonly weigh: (value: V) => number = () => 0,
  ) {
    if (!(maxEntries >= 1)) throw new RangeError(`LruMap needs room for at least one entry, got ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.totalWeight;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Re-inserting moves the key to the most-recent end of Map's insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores the value; a value heavier than the whole budget is not kept (returns false). */
  set(key: K, value: V): boolean {
    this.delete(key);
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return false;
    this.entries.set(key, { value, weight });
    this.totalWeight += weight;
    while (this.entries.size > this.maxEntries || this.totalWeight > this.maxWeight) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    return true;
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalWeight = 0;
  }
}
