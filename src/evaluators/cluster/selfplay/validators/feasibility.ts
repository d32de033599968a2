// Layer 2, feasibility: every task fits some node, every deadline can be met by a task that runs
// on arrival, and the demand over time can be served: run fluidly at full capacity, the work
// drains well before the horizon.
import { fitsNode, type Scenario } from '../..';
import type { LayerCheck } from './types';

export const checkFeasibility: LayerCheck = (s: Scenario, { config }) => {
  const details: string[] = [];
  for (const t of s.tasks) {
    const homes = s.nodes.filter((n) => fitsNode(t, n));
    if (!homes.length) {
      details.push(`task ${t.id} (${t.cpu} cores, ${t.memory} GB) fits no node (largest: ${Math.max(...s.nodes.map((n) => n.cpu))} cores, ${Math.max(...s.nodes.map((n) => n.memory))} GB)`);
      continue;
    }
    const fastest = Math.max(...homes.map((n) => n.speed));
    if (t.deadline !== null && t.arrival + t.duration / fastest > t.deadline + 1e-9) {
      details.push(`task ${t.id} cannot meet its deadline ${t.deadline}: it arrives at ${t.arrival} and needs ${t.duration / fastest} s even on the fastest node it fits`);
    }
  }
  const capacity = s.nodes.reduce((sum, n) => sum + n.cpu * n.speed, 0);
  let backlog = 0;
  let last = s.tasks[0]?.arrival ?? 0;
  for (const t of s.tasks) {
    backlog = Math.max(0, backlog - capacity * (t.arrival - last)) + t.cpu * t.duration;
    last = t.arrival;
  }
  const drained = last + backlog / capacity;
  const limit = config.drainShare * s.constraints.horizonSeconds;
  if (drained > limit) details.push(`demand exceeds capacity over time: at full use of all ${capacity} core-speed units the work drains at ${Math.round(drained)} s, after ${Math.round(limit)} s (${config.drainShare * 100}% of the horizon)`);
  if (!details.length) return undefined;
  return { layer: 'feasibility', reason: details.length === 1 ? (details[0] as string) : `${details.length} feasibility problems`, details: details.slice(0, 10) };
};
