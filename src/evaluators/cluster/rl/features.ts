// What the learning agents see of one decision: a waiting task and a candidate node (or waiting),
// as a fixed-length vector, so one network scores any number of nodes.
import type { ClusterView, NodeView, TaskView } from '../policy-api';

export const FEATURES = 16;

export interface ClusterSummary {
  maxCostPerCore: number;
  maxWattsPerCore: number;
  maxSpeed: number;
  totalCpu: number;
}

export function summarize(view: ClusterView): ClusterSummary {
  let maxCostPerCore = 1e-9;
  let maxWattsPerCore = 1e-9;
  let maxSpeed = 1e-9;
  let totalCpu = 0;
  for (const n of view.nodes) {
    maxCostPerCore = Math.max(maxCostPerCore, n.costPerHour / n.cpu);
    maxWattsPerCore = Math.max(maxWattsPerCore, n.peakWatts / n.cpu);
    maxSpeed = Math.max(maxSpeed, n.speed);
    totalCpu += n.cpu;
  }
  return { maxCostPerCore, maxWattsPerCore, maxSpeed, totalCpu };
}

const clamp = (x: number, lo: number, hi: number): number => (Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : lo);

/** Features of placing `t` on `n` (or waiting when `n` is null), given the free resources left in this decision. */
export function candidateFeatures(view: ClusterView, s: ClusterSummary, t: TaskView, n: NodeView | null, freeCpu: number, freeMemory: number, freeTotal: number): number[] {
  const speed = n?.speed ?? s.maxSpeed;
  const slack = t.deadline === null ? 1 : clamp((t.deadline - view.now - t.durationEstimate / speed) / (t.durationEstimate + 1), -1, 5) / 5;
  const shared = [t.priority / 11, t.deadline === null ? 0 : 1, slack, Math.log10(t.durationEstimate + 1) / 6, clamp(view.queue.length / 50, 0, 1), clamp(1 - freeTotal / s.totalCpu, 0, 1)];
  if (!n) return [0, 0, 0, 0, 0, 0, 0, 0, 0, ...shared, 1];
  return [
    t.cpu / n.cpu,
    t.memory / n.memory,
    (freeCpu - t.cpu) / n.cpu,
    (freeMemory - t.memory) / n.memory,
    n.costPerHour / n.cpu / s.maxCostPerCore,
    n.peakWatts / n.cpu / s.maxWattsPerCore,
    n.speed / s.maxSpeed,
    n.kind === 'edge' ? 1 : 0,
    n.running.length === 0 && freeCpu >= n.cpu - 1e-9 ? 1 : 0,
    ...shared,
    0,
  ];
}
