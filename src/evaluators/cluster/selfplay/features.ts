// A scenario as a short vector of normalised traits (size, overload, mix, deadlines, burstiness,
// heterogeneity...), and the statistics the realism and feasibility checks share.
import { fitsNode, peakDemand, type Scenario } from '..';

export const FEATURE_NAMES = [
  'tasks', 'nodes', 'overload', 'serviceShare', 'edgeShare', 'deadlineShare', 'deadlineSlack', 'burstShare',
  'tenants', 'sizeSpread', 'memoryPerCore', 'estimateNoise', 'preemption', 'nodeVariety',
] as const;

export type FeatureVector = number[];

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function stdev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
}

/** Peak demand if every task started on arrival, over the cluster's cores. */
export function overload(s: Scenario): number {
  const capacity = s.nodes.reduce((sum, n) => sum + n.cpu, 0);
  return peakDemand(s.tasks.map((t) => t.arrival), s.tasks) / capacity;
}

/** Share of tasks arriving at the same instant as the one before. */
export function burstShare(s: Scenario): number {
  let same = 0;
  for (let i = 1; i < s.tasks.length; i++) if ((s.tasks[i] as { arrival: number }).arrival === (s.tasks[i - 1] as { arrival: number }).arrival) same++;
  return s.tasks.length > 1 ? same / (s.tasks.length - 1) : 0;
}

export function scenarioFeatures(s: Scenario): FeatureVector {
  const n = s.tasks.length;
  const withDeadline = s.tasks.filter((t) => t.deadline !== null);
  const fastest = (t: Scenario['tasks'][number]): number => Math.max(...s.nodes.filter((x) => fitsNode(t, x)).map((x) => x.speed), 1e-9);
  const slacks = withDeadline.map((t) => Math.log10(Math.max(1, ((t.deadline as number) - t.arrival) / (t.duration / fastest(t)))));
  const shapes = new Set(s.nodes.map((x) => `${x.kind}/${x.cpu}/${x.memory}/${x.speed}`));
  return [
    clamp01(Math.log10(n) / 4),
    clamp01(Math.log10(s.nodes.length) / 3.5),
    clamp01(overload(s) / 4),
    s.tasks.filter((t) => t.kind === 'service').length / n,
    s.nodes.filter((x) => x.kind === 'edge').length / s.nodes.length,
    withDeadline.length / n,
    slacks.length ? clamp01(slacks.reduce((a, b) => a + b, 0) / slacks.length / 2) : 0,
    burstShare(s),
    clamp01(new Set(s.tasks.map((t) => t.tenant)).size / 16),
    clamp01(stdev(s.tasks.map((t) => Math.log(t.cpu))) / 2),
    clamp01((Math.log10(median(s.tasks.map((t) => t.memory / t.cpu))) + 1) / 2.5),
    s.tasks.filter((t) => t.durationEstimate !== t.duration).length / n,
    s.constraints.preemption ? 1 : 0,
    clamp01((shapes.size - 1) / Math.max(1, Math.min(s.nodes.length, 9) - 1)),
  ];
}

/** Root-mean-square difference of two feature vectors, in [0, 1]. */
export function featureDistance(a: FeatureVector, b: FeatureVector): number {
  let sum = 0;
  const len = Math.max(a.length, b.length);
  for (let i = 0; i < len; i++) sum += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return Math.sqrt(sum / Math.max(1, len));
}
