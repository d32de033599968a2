// The policy database: every defender champion with its code, the model's explanation of its
// allocation strategy, when it was found, and its ELO rating from policy-versus-scenario matches.
import { createHash } from 'node:crypto';
import type { Level } from '..';
import type { EloTable } from './elo';

export interface PolicyEntry {
  id: string;
  hash: string;
  code: string;
  explanation: string;
  round: number;
  level: Level;
  /** Mean reward on the level's scenarios when it was added (0 for the starting policy, which is added before it plays). */
  reward: number;
  /** Mean reward on each level's scenarios the last time it played them: what the leaderboard shows. */
  rewards?: Partial<Record<Level, number>>;
  /** Where it came from: the defender run and candidate, or `initial`. */
  origin: string;
}

export class PolicyDatabase {
  private readonly entries: PolicyEntry[] = [];

  constructor(private readonly elo: EloTable) {}

  /** Ratings are kept per level: only policies that played the same scenarios compare fairly. */
  static eloId(entry: Pick<PolicyEntry, 'id'>, level: Level): string {
    return `policy:${entry.id}@${level}`;
  }

  /** Adds a policy (or returns the stored one with the same code). */
  add(code: string, meta: Omit<PolicyEntry, 'id' | 'hash' | 'code'>): PolicyEntry {
    const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
    const known = this.entries.find((e) => e.hash === hash);
    if (known) return known;
    const entry: PolicyEntry = { id: `p${this.entries.length}-${hash.slice(0, 8)}`, hash, code, ...meta };
    this.entries.push(entry);
    return entry;
  }

  /** Notes the mean reward a stored policy just scored on `level`'s scenarios. */
  recordReward(entry: Pick<PolicyEntry, 'hash'>, level: Level, reward: number): void {
    const stored = this.entries.find((e) => e.hash === entry.hash);
    if (stored) stored.rewards = { ...stored.rewards, [level]: reward };
  }

  /** Replaces the stored policies with saved ones (a self-play checkpoint); ratings live in the ELO table. */
  load(entries: readonly PolicyEntry[]): void {
    this.entries.splice(0, this.entries.length, ...entries.map((e) => ({ ...e })));
  }

  get size(): number {
    return this.entries.length;
  }

  all(): PolicyEntry[] {
    return [...this.entries];
  }

  latest(): PolicyEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /** Best by ELO at `level`; ties go to the more recent policy. */
  best(level: Level): PolicyEntry | undefined {
    return this.top(level, 1)[0];
  }

  /** Policies by ELO at `level` (unrated policies count the initial rating), best first. */
  top(level: Level, n: number): PolicyEntry[] {
    return [...this.entries]
      .map((e, i) => ({ e, i, r: this.elo.rating(PolicyDatabase.eloId(e, level)) }))
      .sort((a, b) => b.r - a.r || b.i - a.i)
      .slice(0, n)
      .map((x) => x.e);
  }

  /** The ELO leaderboard at `level`, including only policies that played there. */
  leaderboard(level: Level): { id: string; rating: number; matches: number; round: number; level: Level; reward: number; explanation: string }[] {
    return this.top(level, this.entries.length)
      .map((e) => ({ e, rated: this.elo.has(PolicyDatabase.eloId(e, level)) }))
      .filter((x) => x.rated)
      .map(({ e }) => {
        const r = this.elo.entry(PolicyDatabase.eloId(e, level));
        return { id: e.id, rating: r.rating, matches: r.matches, round: e.round, level: e.level, reward: e.rewards?.[level] ?? e.reward, explanation: e.explanation };
      });
  }
}
