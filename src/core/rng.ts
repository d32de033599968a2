// Deterministic randomness. Every random choice of the engine draws from a stream derived from
// (run seed, purpose, candidate index), so results do not depend on scheduling order and a
// resumed run makes the same choices as an uninterrupted one.

/** 32-bit FNV-1a over a string, for deriving stream seeds from labels. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes a seed with labels into a new 32-bit seed. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  for (const label of labels) {
    h = Math.imul(h ^ fnv1a(String(label)), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    // Scramble the seed (murmur3 finaliser) so consecutive seeds start far apart.
    let h = Math.trunc(Number.isFinite(seed) ? seed : 0) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    this.state = (h ^ (h >>> 16)) >>> 0;
  }

  /** The generator's position, to save a stream and continue it later with `setState`. */
  getState(): number {
    return this.state;
  }

  setState(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) throw new RangeError(`not an Rng state: ${state}`);
    this.state = state;
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick on an empty list');
    return items[this.int(items.length)] as T;
  }

  /** Index drawn with probability proportional to `weights[i]`; -1 when no weight is positive. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) return -1;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return i;
    }
    for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return i;
    return -1;
  }
}

export function rngFor(seed: number, ...labels: (string | number)[]): Rng {
  return new Rng(deriveSeed(seed, ...labels));
}
