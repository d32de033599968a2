// Scenario diversity tracking: the feature vectors of accepted scenarios, how far a new one is
// from the recent ones (the diversity validator's test), and how spread the whole set is.
import { featureDistance, type FeatureVector } from './features';

export interface DiversityStats {
  scenarios: number;
  /** Mean pairwise distance of all tracked scenarios (0: all alike). */
  meanPairwiseDistance: number;
  /** Mean distance of each scenario to its nearest neighbour. */
  meanNearestDistance: number;
}

export class DiversityTracker {
  private readonly items: { id: string; features: FeatureVector }[] = [];

  constructor(readonly window = 50) {}

  add(id: string, features: FeatureVector): void {
    this.items.push({ id, features });
  }

  /** Distance to the nearest of the last `window` scenarios, and which one (Infinity when there is none). */
  nearest(features: FeatureVector): { id: string | null; distance: number } {
    let best: { id: string | null; distance: number } = { id: null, distance: Infinity };
    for (const item of this.items.slice(-this.window)) {
      const d = featureDistance(features, item.features);
      if (d < best.distance) best = { id: item.id, distance: d };
    }
    return best;
  }

  stats(): DiversityStats {
    const n = this.items.length;
    let pairSum = 0;
    let pairs = 0;
    let nearestSum = 0;
    for (let i = 0; i < n; i++) {
      let nearest = Infinity;
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const d = featureDistance((this.items[i] as { features: FeatureVector }).features, (this.items[j] as { features: FeatureVector }).features);
        if (j > i) {
          pairSum += d;
          pairs++;
        }
        nearest = Math.min(nearest, d);
      }
      if (Number.isFinite(nearest)) nearestSum += nearest;
    }
    return { scenarios: n, meanPairwiseDistance: pairs ? pairSum / pairs : 0, meanNearestDistance: n > 1 ? nearestSum / n : 0 };
  }

  save(): { id: string; features: FeatureVector }[] {
    return this.items.map((i) => ({ id: i.id, features: i.features }));
  }

  load(items: readonly { id: string; features: FeatureVector }[]): void {
    this.items.splice(0, this.items.length, ...items);
  }

  get size(): number {
    return this.items.length;
  }
}
