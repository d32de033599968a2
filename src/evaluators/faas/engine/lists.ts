// Helpers for the short scratch lists the simulator reuses on every tick (touched pools, a
// pool's events, its finished containers). They exist to keep per-tick garbage down: at
// thousands of ticks per run the garbage collector was a fifth of the simulation time.

const INSERTION_LIMIT = 24;

/**
 * Sorts `a` in place by ascending `key` (stable; keys are compared as numbers).
 * Array.prototype.sort allocates scratch storage on each call; insertion sort on a handful of
 * items allocates nothing. Long lists (a burst of finishes in one tick) still go to the built-in
 * sort, which is stable too, so the order is the same either way.
 */
export function sortByKey<T>(a: T[], key: (item: T) => number): void {
  const n = a.length;
  if (n < 2) return;
  if (n > INSERTION_LIMIT) {
    a.sort((x, y) => key(x) - key(y));
    return;
  }
  for (let i = 1; i < n; i++) {
    const item = a[i] as T;
    const k = key(item);
    let j = i - 1;
    while (j >= 0 && key(a[j] as T) > k) {
      a[j + 1] = a[j] as T;
      j--;
    }
    a[j + 1] = item;
  }
}

/**
 * Empties a list that is about to be refilled. `a.length = 0` drops the backing store, so every
 * refill would allocate a new one; popping keeps it.
 */
export function clearList(a: unknown[]): void {
  while (a.length > 0) a.pop();
}
