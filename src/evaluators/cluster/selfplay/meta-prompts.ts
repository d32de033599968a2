// Meta-prompt evolution: the attacker's and the defender's prompt templates are varied by adding
// or dropping strategy directives, each variant is picked by an upper-confidence rule on its
// success rate, and after enough uses the weakest variant is replaced by a mutation of the best.
import { Rng } from '../../../core/rng';

export interface PromptVariant {
  id: string;
  directives: string[];
  uses: number;
  successes: number;
  parent: string | null;
}

export const ATTACKER_DIRECTIVES = [
  'Stress fragmentation: mix a few very large tasks with many small ones.',
  'Make deadlines tight for high-priority work and loose for the rest.',
  'Use bursts: many tasks submitted at the same instant.',
  'Put a large share of the nodes at the edge, where tasks run slower but cheaper.',
  'Make memory, not CPU, the scarce resource.',
  'Skew the work across tenants so fairness is hard to keep.',
  'Give run-time estimates that are often wrong.',
  'Load the cluster close to its capacity for a long stretch.',
] as const;

export const DEFENDER_DIRECTIVES = [
  'Prefer changes to the queue order: priorities, deadlines and short jobs first.',
  'Prefer changes to node choice: consolidate work on fewer, cheaper, more efficient nodes.',
  'Keep the policy simple and fast: decisions are timed per task.',
  'Balance the objectives: a gain in cost must not cost deadline misses.',
  'Look at the worst scenarios in the feedback first and fix what hurts there.',
  'Consider leaving a task waiting for a better node when one frees up soon.',
] as const;

/** What a checkpoint keeps of a pool. */
export interface PromptPoolState {
  variants: PromptVariant[];
  counter: number;
  rng: number;
}

export class PromptVariantPool {
  private readonly variants: PromptVariant[] = [];
  private readonly rng: Rng;
  private counter = 0;
  private readonly minUses: number;

  constructor(
    readonly role: 'attacker' | 'defender',
    readonly catalogue: readonly string[],
    options: { seed?: number; size?: number; minUses?: number } = {},
  ) {
    this.rng = new Rng(options.seed ?? 1);
    this.minUses = options.minUses ?? 3;
    this.add([], null);
    const size = options.size ?? 4;
    while (this.variants.length < size && this.variants.length <= catalogue.length) this.add([this.rng.pick(catalogue)], 'v0');
  }

  private add(directives: string[], parent: string | null): PromptVariant {
    const v: PromptVariant = { id: `${this.role[0]}v${this.counter++}`, directives: [...new Set(directives)], uses: 0, successes: 0, parent };
    this.variants.push(v);
    return v;
  }

  /** UCB1 over success rates; unused variants first. */
  pick(): PromptVariant {
    const unused = this.variants.find((v) => v.uses === 0);
    if (unused) return unused;
    const total = this.variants.reduce((s, v) => s + v.uses, 0);
    let best = this.variants[0] as PromptVariant;
    let bestValue = -Infinity;
    for (const v of this.variants) {
      const value = v.successes / v.uses + Math.sqrt((2 * Math.log(total)) / v.uses);
      if (value > bestValue + 1e-12) {
        best = v;
        bestValue = value;
      }
    }
    return best;
  }

  record(id: string, success: boolean): void {
    const v = this.variants.find((x) => x.id === id);
    if (!v) throw new Error(`unknown prompt variant ${id}`);
    v.uses++;
    if (success) v.successes++;
  }

  /** Replaces the weakest well-tried variant by a mutation of the strongest; returns the new one. */
  evolve(): PromptVariant | undefined {
    const tried = this.variants.filter((v) => v.uses >= this.minUses);
    if (tried.length < 2) return undefined;
    const rate = (v: PromptVariant): number => v.successes / v.uses;
    const sorted = [...tried].sort((a, b) => rate(b) - rate(a) || a.id.localeCompare(b.id));
    const best = sorted[0] as PromptVariant;
    const worst = sorted[sorted.length - 1] as PromptVariant;
    if (best === worst || rate(best) === rate(worst)) return undefined;
    this.variants.splice(this.variants.indexOf(worst), 1);
    const directives = [...best.directives];
    const unusedDirectives = this.catalogue.filter((d) => !directives.includes(d));
    if (directives.length && (this.rng.chance(0.3) || !unusedDirectives.length)) directives.splice(this.rng.int(directives.length), 1);
    else if (unusedDirectives.length) directives.push(this.rng.pick(unusedDirectives));
    return this.add(directives, best.id);
  }

  /** The template text with the variant's directives appended as a list. */
  static apply(template: string, v: PromptVariant, heading = 'Strategy hints for this attempt'): string {
    if (!v.directives.length) return template;
    return `${template.trimEnd()}\n\n## ${heading}\n\n${v.directives.map((d) => `- ${d}`).join('\n')}\n`;
  }

  snapshot(): PromptVariant[] {
    return this.variants.map((v) => ({ ...v, directives: [...v.directives] }));
  }

  save(): PromptPoolState {
    return { variants: this.snapshot(), counter: this.counter, rng: this.rng.getState() };
  }

  load(state: PromptPoolState): void {
    this.variants.splice(0, this.variants.length, ...state.variants.map((v) => ({ ...v, directives: [...v.directives] })));
    this.counter = state.counter;
    this.rng.setState(state.rng);
  }
}
