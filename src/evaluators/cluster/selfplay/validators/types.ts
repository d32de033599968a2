// The five validation layers a generated scenario passes before the defender sees it. Each
// rejection names its layer and says why, in words the attacker (a model or the built-in search)
// can act on.
import type { Level, Scenario } from '../..';
import type { DiversityTracker } from '../diversity';

export const LAYERS = ['bounds', 'feasibility', 'realism', 'diversity', 'complexity'] as const;
export type Layer = (typeof LAYERS)[number];

export interface Rejection {
  /** `schema` when the JSON is not a scenario at all; otherwise the layer that refused it. */
  layer: Layer | 'schema';
  reason: string;
  /** Specific problems, e.g. JSON pointers with what is wrong there. */
  details: string[];
}

export interface ValidatorConfig {
  taskCpu: [number, number];
  taskMemory: [number, number];
  taskDuration: [number, number];
  maxArrival: number;
  nodeCpu: [number, number];
  nodeMemory: [number, number];
  nodeCostPerHour: [number, number];
  maxWatts: number;
  nodeSpeed: [number, number];
  /** Work must drain (fluidly, at full capacity) by this share of the horizon. */
  drainShare: number;
  /** Share of tasks that may wait past the wait limit even under the fluid bounds (they fail under every policy). */
  maxDoomedShare: number;
  /** Minimum feature distance to the recent accepted scenarios. */
  minDistance: number;
  /** Task and node counts, and the overload (peak demand / cores) range, per level. */
  levels: Record<Level, { tasks: [number, number]; nodes: [number, number]; overload: [number, number] }>;
}

export const DEFAULT_VALIDATOR_CONFIG: ValidatorConfig = {
  taskCpu: [0.1, 32],
  taskMemory: [0.1, 256],
  taskDuration: [1, 7 * 86400],
  maxArrival: 30 * 86400,
  nodeCpu: [1, 128],
  nodeMemory: [1, 1024],
  nodeCostPerHour: [0, 50],
  maxWatts: 5000,
  nodeSpeed: [0.25, 4],
  drainShare: 0.9,
  maxDoomedShare: 0.05,
  minDistance: 0.02,
  levels: {
    easy: { tasks: [3, 10], nodes: [2, 4], overload: [0.1, 2] },
    medium: { tasks: [15, 30], nodes: [8, 14], overload: [0.2, 2.5] },
    hard: { tasks: [50, 99], nodes: [25, 49], overload: [0.3, 3] },
    expert: { tasks: [100, 1000], nodes: [50, 500], overload: [0.3, 4] },
  },
};

export interface ValidationContext {
  level: Level;
  diversity: DiversityTracker;
  config: ValidatorConfig;
}

/** One layer: undefined when the scenario passes, else why not. */
export type LayerCheck = (s: Scenario, ctx: ValidationContext) => Rejection | undefined;
