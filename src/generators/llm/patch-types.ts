// Which kind of change each call asks for (SEARCH/REPLACE edits, a full rewrite, or a crossover of
// the parent with an inspiration), learnt per model: Thompson sampling on each type's improvement
// rate for that model, so a model that edits well is asked for edits and one that rewrites well
// for rewrites. The engine's preferred type counts as one prior success.
import type { Rng } from '../../core/rng';
import type { JsonValue, PatchMode } from '../../core/types';
import { sampleBeta } from './selection';

export const PATCH_TYPES: readonly PatchMode[] = ['search-replace', 'full', 'crossover'];

interface TypeStats {
  trials: number;
  improvements: number;
}

type ArmTypes = Record<PatchMode, TypeStats>;

const fresh = (): ArmTypes => ({ 'search-replace': { trials: 0, improvements: 0 }, full: { trials: 0, improvements: 0 }, crossover: { trials: 0, improvements: 0 } });

export class PatchTypeSelector {
  private readonly arms = new Map<string, ArmTypes>();

  constructor(readonly adaptive: boolean) {}

  private of(source: string): ArmTypes {
    let a = this.arms.get(source);
    if (!a) this.arms.set(source, (a = fresh()));
    return a;
  }

  /** The type for one call of `source`; crossover only when the request has a second parent. */
  pick(source: string, preferred: PatchMode, canCrossover: boolean, rng: Rng): PatchMode {
    if (!this.adaptive) return preferred;
    const stats = this.of(source);
    let best = preferred;
    let bestValue = -1;
    for (const type of PATCH_TYPES) {
      if (type === 'crossover' && !canCrossover) continue;
      const s = stats[type];
      const value = sampleBeta(1 + s.improvements + (type === preferred ? 1 : 0), 1 + s.trials - s.improvements, rng);
      if (value > bestValue) {
        bestValue = value;
        best = type;
      }
    }
    return best;
  }

  record(source: string, type: PatchMode, improved: boolean): void {
    const s = this.of(source)[type];
    s.trials++;
    if (improved) s.improvements++;
  }

  snapshot(): { [source: string]: { [type: string]: { trials: number; improvements: number } } } {
    return Object.fromEntries([...this.arms].map(([source, types]) => [source, Object.fromEntries(PATCH_TYPES.map((t) => [t, { ...types[t] }]))]));
  }

  /** Takes back a snapshot, read defensively (a journal is user-reachable data). */
  restore(state: JsonValue | undefined): void {
    if (typeof state !== 'object' || state === null || Array.isArray(state)) return;
    for (const [source, types] of Object.entries(state)) {
      if (typeof types !== 'object' || types === null || Array.isArray(types)) continue;
      const target = this.of(source);
      for (const t of PATCH_TYPES) {
        const v = types[t];
        if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
        const trials = typeof v.trials === 'number' && v.trials >= 0 ? v.trials : 0;
        const improvements = typeof v.improvements === 'number' && v.improvements >= 0 ? Math.min(v.improvements, trials) : 0;
        target[t] = { trials, improvements };
      }
    }
  }
}
