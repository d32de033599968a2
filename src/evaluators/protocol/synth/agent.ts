// Tabular Q-learning with UCB action selection. States are rule sets (order-free keys); the
// episode's return is propagated backwards through the visited (state, action) pairs at the end,
// so one verified algorithm raises the value of every choice that led to it.
import type { Rng } from '../../../core/rng';

interface Cell {
  q: number;
  n: number;
}

export interface AgentParams {
  /** Learning rate. */
  alpha: number;
  /** Discount; 1 for these short episodes. */
  gamma: number;
  /** UCB exploration weight, in reward units. */
  ucb: number;
  /** Value of an action never tried, before UCB's bonus. */
  initialQ: number;
}

export const DEFAULT_AGENT: AgentParams = { alpha: 0.3, gamma: 1, ucb: 12, initialQ: 0 };

export interface Transition {
  state: string;
  action: string;
  reward: number;
  next: string;
  /** Actions available in `next` (empty when the episode ended). */
  nextActions: string[];
}

export class QAgent {
  private readonly table = new Map<string, Map<string, Cell>>();
  private readonly visits = new Map<string, number>();

  constructor(readonly params: AgentParams = DEFAULT_AGENT) {}

  private cell(state: string, action: string): Cell {
    let row = this.table.get(state);
    if (!row) {
      row = new Map();
      this.table.set(state, row);
    }
    let c = row.get(action);
    if (!c) {
      c = { q: this.params.initialQ, n: 0 };
      row.set(action, c);
    }
    return c;
  }

  q(state: string, action: string): number {
    return this.table.get(state)?.get(action)?.q ?? this.params.initialQ;
  }

  /**
   * UCB1: untried actions first (`preferred` before the others, the rest at random), then
   * Q + c*sqrt(ln N / n).
   */
  selectUcb(state: string, actions: string[], rng: Rng, preferred?: string): string {
    const total = this.visits.get(state) ?? 0;
    const row = this.table.get(state);
    const untried = actions.filter((a) => !row?.get(a)?.n);
    if (preferred !== undefined && untried.includes(preferred)) return preferred;
    if (untried.length) return rng.pick(untried);
    let best: string[] = [];
    let bestValue = -Infinity;
    for (const a of actions) {
      const c = row?.get(a) as Cell;
      const v = c.q + this.params.ucb * Math.sqrt(Math.log(total + 1) / c.n);
      if (v > bestValue + 1e-9) {
        bestValue = v;
        best = [a];
      } else if (Math.abs(v - bestValue) <= 1e-9) best.push(a);
    }
    return rng.pick(best);
  }

  /** Highest Q among tried actions (untried ones last), for the greedy optimisation episode. */
  selectGreedy(state: string, actions: string[], rng: Rng): string {
    const row = this.table.get(state);
    const tried = actions.filter((a) => row?.get(a)?.n);
    if (!tried.length) return rng.pick(actions);
    const top = Math.max(...tried.map((a) => (row?.get(a) as Cell).q));
    return rng.pick(tried.filter((a) => (row?.get(a) as Cell).q >= top - 1e-9));
  }

  maxQ(state: string, actions: string[]): number {
    if (!actions.length) return 0;
    return Math.max(...actions.map((a) => this.q(state, a)));
  }

  /** Backward Q-learning updates over one episode. */
  learn(episode: Transition[]): void {
    for (let i = episode.length - 1; i >= 0; i--) {
      const t = episode[i] as Transition;
      const c = this.cell(t.state, t.action);
      const target = t.reward + this.params.gamma * (t.nextActions.length ? this.maxQ(t.next, t.nextActions) : 0);
      c.n++;
      c.q += this.params.alpha * (target - c.q);
      this.visits.set(t.state, (this.visits.get(t.state) ?? 0) + 1);
    }
  }

  get states(): number {
    return this.table.size;
  }
}
