// Workload statistics of three public cluster traces, as parameters of the distributions the
// scenario generator draws from, and the node types scenarios are built of.
//
// What the published analyses agree on, and what these parameters reproduce: task sizes are
// log-normal-like with a heavy right tail (most tasks ask for a fraction of a machine, a few for
// many cores); memory per core spreads over about an order of magnitude; batch tasks are short
// with a long tail while services run for hours to days; arrivals follow a daily cycle with
// bursts (jobs submit many tasks at once). Sources: Reiss et al., "Heterogeneity and dynamicity
// of clouds at scale: Google trace analysis" (SoCC 2012) and the Google cluster-usage traces v2
// format notes; Cortez et al., "Resource Central" (SOSP 2017) for Azure VMs; Guo et al., "Who
// limits the resource efficiency of my datacenter: an analysis of Alibaba datacenter traces"
// (IWQoS 2019) for Alibaba 2018. The medians and spreads below are rounded values chosen to match
// the shapes those papers report, not fits to the raw data; the realism validator checks
// scenarios against exactly these numbers.
import type { NodeKind } from '../policy-api';

export interface LogNormal {
  /** Median (e^mu). */
  median: number;
  /** Standard deviation of the logarithm. */
  sigma: number;
}

export interface TraceProfile {
  name: TraceProfileName;
  description: string;
  /** Cores per task. */
  cpu: LogNormal;
  /** GB of memory per requested core. */
  memoryPerCore: LogNormal;
  batchDuration: LogNormal;
  serviceDuration: LogNormal;
  /** Share of tasks that are long-running services. */
  serviceFraction: number;
  /** Priority bands (inclusive), Google's 0-11 scale. */
  servicePriority: [number, number];
  batchPriority: [number, number];
  /** Typical share of tasks submitted together with the previous one. */
  burstiness: number;
  /** Relative amplitude of the daily arrival cycle. */
  diurnalAmplitude: number;
}

export const TRACE_PROFILE_NAMES = ['google2011', 'azure2017', 'alibaba2018'] as const;
export type TraceProfileName = (typeof TRACE_PROFILE_NAMES)[number];

export const TRACE_PROFILES: Record<TraceProfileName, TraceProfile> = {
  google2011: {
    name: 'google2011',
    description: 'Google 2011 cluster trace: many small tasks, heavy-tailed sizes, mostly short batch work, production services at priorities 9-11',
    cpu: { median: 0.5, sigma: 0.9 },
    memoryPerCore: { median: 1.6, sigma: 0.7 },
    batchDuration: { median: 240, sigma: 1.4 },
    serviceDuration: { median: 6 * 3600, sigma: 0.8 },
    serviceFraction: 0.15,
    servicePriority: [9, 11],
    batchPriority: [0, 8],
    burstiness: 0.5,
    diurnalAmplitude: 0.3,
  },
  azure2017: {
    name: 'azure2017',
    description: 'Azure 2017 VM trace: VMs of 1-8 cores with about 3.5 GB per core, many short-lived VMs and long-lived interactive ones with a strong daily cycle',
    cpu: { median: 2, sigma: 0.7 },
    memoryPerCore: { median: 3.5, sigma: 0.4 },
    batchDuration: { median: 1800, sigma: 1.6 },
    serviceDuration: { median: 24 * 3600, sigma: 1.0 },
    serviceFraction: 0.3,
    servicePriority: [8, 11],
    batchPriority: [1, 6],
    burstiness: 0.3,
    diurnalAmplitude: 0.5,
  },
  alibaba2018: {
    name: 'alibaba2018',
    description: 'Alibaba 2018 co-located trace: online containers running for hours next to bursts of short batch instances of about one core',
    cpu: { median: 1, sigma: 0.6 },
    memoryPerCore: { median: 2, sigma: 0.5 },
    batchDuration: { median: 120, sigma: 1.3 },
    serviceDuration: { median: 12 * 3600, sigma: 0.7 },
    serviceFraction: 0.2,
    servicePriority: [9, 11],
    batchPriority: [0, 7],
    burstiness: 0.7,
    diurnalAmplitude: 0.4,
  },
};

export function isTraceProfile(name: unknown): name is TraceProfileName {
  return typeof name === 'string' && (TRACE_PROFILE_NAMES as readonly string[]).includes(name);
}

export interface NodeType {
  name: string;
  kind: NodeKind;
  cpu: number;
  memory: number;
  costPerHour: number;
  idleWatts: number;
  peakWatts: number;
  speed: number;
}

/**
 * Cloud types are shaped like common VM families (general purpose, compute and memory
 * optimised) at on-demand prices of about $0.05 per core-hour; edge types are small, slower,
 * cheap and frugal boxes. Power figures are typical server idle/peak draws scaled by size.
 */
export const NODE_TYPES: readonly NodeType[] = [
  { name: 'cloud-small', kind: 'cloud', cpu: 4, memory: 16, costPerHour: 0.192, idleWatts: 50, peakWatts: 150, speed: 1 },
  { name: 'cloud-medium', kind: 'cloud', cpu: 8, memory: 32, costPerHour: 0.384, idleWatts: 80, peakWatts: 240, speed: 1 },
  { name: 'cloud-large', kind: 'cloud', cpu: 16, memory: 64, costPerHour: 0.768, idleWatts: 120, peakWatts: 400, speed: 1 },
  { name: 'cloud-xlarge', kind: 'cloud', cpu: 32, memory: 128, costPerHour: 1.536, idleWatts: 180, peakWatts: 650, speed: 1 },
  { name: 'cloud-compute', kind: 'cloud', cpu: 16, memory: 32, costPerHour: 0.68, idleWatts: 110, peakWatts: 380, speed: 1.2 },
  { name: 'cloud-memory', kind: 'cloud', cpu: 8, memory: 64, costPerHour: 0.504, idleWatts: 90, peakWatts: 260, speed: 1 },
  { name: 'edge-small', kind: 'edge', cpu: 2, memory: 4, costPerHour: 0.03, idleWatts: 4, peakWatts: 12, speed: 0.5 },
  { name: 'edge-medium', kind: 'edge', cpu: 4, memory: 8, costPerHour: 0.06, idleWatts: 6, peakWatts: 20, speed: 0.6 },
  { name: 'edge-gateway', kind: 'edge', cpu: 8, memory: 16, costPerHour: 0.12, idleWatts: 10, peakWatts: 35, speed: 0.7 },
];

/** The log-normal quantile function's inverse: the CDF at x. */
export function logNormalCdf(x: number, d: LogNormal): number {
  if (x <= 0) return 0;
  return normalCdf((Math.log(x) - Math.log(d.median)) / d.sigma);
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 through erf; error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
