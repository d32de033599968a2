// The population: islands that evolve apart and exchange their best every `migrationInterval`
// recorded candidates; inside each island a MAP-Elites archive keeps the best program per cell of
// the feature space (diversity) next to a short list of elites (quality).
import type { Rng } from './rng';
import type { FeatureDimension, WorkloadResult } from './types';

export interface ProgramRecord {
  id: string;
  /** Position in the run (0 for the starting program). */
  index: number;
  sourceHash: string;
  codeHash: string;
  parentIds: string[];
  score: number;
  metrics: Record<string, number>;
  features: Record<string, number>;
  perWorkload: WorkloadResult[];
  feedback: string;
  fingerprint?: string;
  generator: string;
  explanation?: string;
}

export interface PopulationOptions {
  islands: number;
  dimensions: FeatureDimension[];
  eliteSize: number;
  /** Probability of picking the parent among the elites rather than any archive cell. */
  exploitation: number;
  inspirations: number;
  migrationInterval: number;
}

export const CODE_LENGTH_DIMENSION: FeatureDimension = { name: 'codeLength', min: 10, max: 100_000, bins: 12, log: true };

class Island {
  readonly cells = new Map<string, ProgramRecord>();
  elites: ProgramRecord[] = [];
  readonly codeHashes = new Set<string>();
  readonly fingerprints = new Set<string>();

  constructor(private readonly excluded: ReadonlySet<string>) {}

  /** Every stored program, excluded ones too (they still hold their cell and block duplicates). */
  stored(): ProgramRecord[] {
    const seen = new Map<string, ProgramRecord>();
    for (const p of this.elites) seen.set(p.id, p);
    for (const p of this.cells.values()) seen.set(p.id, p);
    return [...seen.values()].sort((a, b) => a.index - b.index);
  }

  /** Programs that may be parents, inspirations or migrants: stored and not excluded. */
  members(): ProgramRecord[] {
    return this.stored().filter((p) => !this.excluded.has(p.id));
  }

  usableElites(): ProgramRecord[] {
    return this.elites.filter((p) => !this.excluded.has(p.id));
  }

  best(): ProgramRecord | undefined {
    return this.usableElites()[0];
  }
}

/** Higher score first; earlier candidates win ties so the order is deterministic. */
const better = (a: ProgramRecord, b: ProgramRecord): number => b.score - a.score || a.index - b.index;

export class Population {
  private readonly islands: Island[];
  private recorded = 0;
  /** Programs a person rejected: kept (so their code is not proposed again) but never chosen. */
  private readonly excluded = new Set<string>();

  constructor(private readonly options: PopulationOptions) {
    if (options.islands < 1) throw new Error('a population needs at least one island');
    this.islands = Array.from({ length: options.islands }, () => new Island(this.excluded));
  }

  /** Rejects a program: it stops being a parent, an inspiration, a migrant or an island's best. */
  exclude(id: string): void {
    this.excluded.add(id);
  }

  /** Reverses `exclude`. */
  include(id: string): void {
    this.excluded.delete(id);
  }

  isExcluded(id: string): boolean {
    return this.excluded.has(id);
  }

  get islandCount(): number {
    return this.islands.length;
  }

  cellKey(features: Record<string, number>): string {
    return this.options.dimensions
      .map((d) => {
        const raw = features[d.name];
        if (raw === undefined || !Number.isFinite(raw)) return 'x';
        const lo = d.log ? Math.log10(Math.max(d.min, 1e-12)) : d.min;
        const hi = d.log ? Math.log10(Math.max(d.max, 1e-12)) : d.max;
        const v = d.log ? Math.log10(Math.max(raw, 1e-12)) : raw;
        const bin = Math.floor(((v - lo) / (hi - lo || 1)) * d.bins);
        return String(Math.min(d.bins - 1, Math.max(0, bin)));
      })
      .join(',');
  }

  /** The starting program seeds every island. */
  seed(program: ProgramRecord): void {
    for (let i = 0; i < this.islands.length; i++) this.insert(i, program);
  }

  /** Offers a program to an island; returns whether it was stored (it is not when a better one holds its cell and the elites are better). */
  add(island: number, program: ProgramRecord): boolean {
    const admitted = this.insert(island, program);
    this.recorded++;
    if (this.options.migrationInterval > 0 && this.recorded % this.options.migrationInterval === 0) this.migrate();
    return admitted;
  }

  /** Counts a recorded candidate that was not offered (failed or duplicate), for migration timing. */
  skip(): void {
    this.recorded++;
    if (this.options.migrationInterval > 0 && this.recorded % this.options.migrationInterval === 0) this.migrate();
  }

  hasCode(codeHash: string): boolean {
    return this.islands.some((i) => i.codeHashes.has(codeHash));
  }

  holderOfFingerprint(fingerprint: string): ProgramRecord | undefined {
    for (const island of this.islands) {
      if (!island.fingerprints.has(fingerprint)) continue;
      return island.stored().find((p) => p.fingerprint === fingerprint);
    }
    return undefined;
  }

  private insert(islandIndex: number, program: ProgramRecord): boolean {
    const island = this.islands[islandIndex] as Island;
    if (island.codeHashes.has(program.codeHash)) return false;
    if (program.fingerprint && island.fingerprints.has(program.fingerprint)) return false;
    let stored = false;
    const key = this.cellKey(program.features);
    const holder = island.cells.get(key);
    if (!holder || better(program, holder) < 0) {
      island.cells.set(key, program);
      stored = true;
    }
    const elites = [...island.elites, program].sort(better).slice(0, this.options.eliteSize);
    if (elites.includes(program)) stored = true;
    island.elites = elites;
    if (stored) this.reindex(island);
    return stored;
  }

  private reindex(island: Island): void {
    island.codeHashes.clear();
    island.fingerprints.clear();
    for (const p of island.stored()) {
      island.codeHashes.add(p.codeHash);
      if (p.fingerprint) island.fingerprints.add(p.fingerprint);
    }
  }

  /** Ring migration: each island's best moves to the next island. */
  migrate(): void {
    const bests = this.islands.map((i) => i.best());
    bests.forEach((best, i) => {
      if (best) this.insert((i + 1) % this.islands.length, best);
    });
  }

  sample(islandIndex: number, rng: Rng): { parent: ProgramRecord; inspirations: ProgramRecord[] } {
    const island = this.islands[islandIndex] as Island;
    const cells = [...island.cells.values()].filter((p) => !this.excluded.has(p.id)).sort((a, b) => a.index - b.index);
    let elites = island.usableElites();
    // Every program of this island was rejected: borrow from the others rather than offer a rejected parent.
    if (!elites.length) elites = this.islands.flatMap((i) => i.usableElites()).sort(better);
    let parent: ProgramRecord;
    if (rng.next() < this.options.exploitation || cells.length === 0) {
      if (!elites.length) throw new Error('every program in the population has been rejected: unreject one to continue');
      parent = elites[rng.weighted(elites.map((_, rank) => 1 / (rank + 1)))] as ProgramRecord;
    } else {
      parent = rng.pick(cells);
    }
    const inspirations: ProgramRecord[] = [];
    const best = island.best();
    if (best && best.id !== parent.id) inspirations.push(best);
    const pool = island.members().filter((p) => p.id !== parent.id && !inspirations.includes(p));
    while (inspirations.length < this.options.inspirations && pool.length > 0) {
      inspirations.push(pool.splice(rng.int(pool.length), 1)[0] as ProgramRecord);
    }
    return { parent, inspirations };
  }

  islandBest(islandIndex: number): ProgramRecord | undefined {
    return (this.islands[islandIndex] as Island).best();
  }

  best(): ProgramRecord | undefined {
    const bests = this.islands.map((i) => i.best()).filter((p): p is ProgramRecord => p !== undefined);
    return bests.sort(better)[0];
  }

  /** Members per island, by id: for tests and for comparing a resumed run with an uninterrupted one. */
  snapshot(): { cells: Record<string, string>; elites: string[] }[] {
    return this.islands.map((island) => ({
      cells: Object.fromEntries([...island.cells.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, p]) => [k, p.id])),
      elites: island.elites.map((p) => p.id),
    }));
  }

  size(): number {
    const ids = new Set<string>();
    for (const island of this.islands) for (const p of island.stored()) ids.add(p.id);
    return ids.size;
  }
}
