// ELO ratings for policy-versus-scenario matches. A match has a graded outcome in [0, 1] (see
// matchScore): a policy that does as well as the best heuristic on a scenario draws, one that does
// clearly better wins, one that does clearly worse loses. Policies that do well on hard scenarios
// climb; scenarios that beat strong policies climb too.

export interface EloEntry {
  id: string;
  rating: number;
  matches: number;
  wins: number;
}

export interface MatchResult {
  a: string;
  b: string;
  /** 1: a won, 0: b won, 0.5: draw. */
  scoreA: number;
  deltaA: number;
  deltaB: number;
}

export class EloTable {
  private readonly entries = new Map<string, EloEntry>();

  constructor(
    readonly k = 32,
    readonly initial = 1500,
  ) {
    if (!(k > 0)) throw new RangeError('ELO k must be positive');
  }

  /** The entry of `id`, created with `rating` (default: the initial rating) on first use. */
  entry(id: string, rating = this.initial): EloEntry {
    let e = this.entries.get(id);
    if (!e) this.entries.set(id, (e = { id, rating, matches: 0, wins: 0 }));
    return e;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  rating(id: string): number {
    return this.entries.get(id)?.rating ?? this.initial;
  }

  /** Probability that `a` beats `b` under the logistic ELO model. */
  expected(a: string, b: string): number {
    return 1 / (1 + 10 ** ((this.rating(b) - this.rating(a)) / 400));
  }

  match(a: string, b: string, scoreA: number): MatchResult {
    if (!(scoreA >= 0 && scoreA <= 1)) throw new RangeError(`match score must be in [0, 1], got ${scoreA}`);
    const ea = this.expected(a, b);
    const A = this.entry(a);
    const B = this.entry(b);
    const deltaA = this.k * (scoreA - ea);
    A.rating += deltaA;
    B.rating -= deltaA;
    A.matches++;
    B.matches++;
    if (scoreA > 0.5) A.wins++;
    if (scoreA < 0.5) B.wins++;
    return { a, b, scoreA, deltaA, deltaB: -deltaA };
  }

  /** Entries whose id starts with `prefix`, best first (ties: more matches first, then id). */
  leaderboard(prefix = ''): EloEntry[] {
    return [...this.entries.values()]
      .filter((e) => e.id.startsWith(prefix))
      .sort((x, y) => y.rating - x.rating || y.matches - x.matches || x.id.localeCompare(y.id))
      .map((e) => ({ ...e }));
  }

  snapshot(): EloEntry[] {
    return this.leaderboard();
  }

  /** Replaces every rating with saved ones (a self-play checkpoint). */
  load(entries: readonly EloEntry[]): void {
    this.entries.clear();
    for (const e of entries) this.entries.set(e.id, { ...e });
  }
}

/** Reward margin over the best heuristic that counts as a full win (or, negative, a full loss). */
export const MATCH_MARGIN = 0.05;

/** Graded match outcome for the policy: 0.5 at the best heuristic's reward, 1 at +MATCH_MARGIN, 0 at -MATCH_MARGIN. */
export function matchScore(reward: number, bestBaseline: number, margin = MATCH_MARGIN): number {
  return Math.min(1, Math.max(0, 0.5 + (reward - bestBaseline) / (2 * margin)));
}
