// Layer 3, realism: the scenario's distributions are close to those of at least one public trace
// (workload/trace-stats.ts). Sizes in the traces are normalised to their machines, so the checks
// look at shapes: spread of task sizes, memory per core, batch and service run times (with a
// Kolmogorov-Smirnov test on batch run times when there are enough), the service share, and
// arrivals that are not all one burst.
import { logNormalCdf, TRACE_PROFILES, TRACE_PROFILE_NAMES, type Scenario, type TraceProfile } from '../..';
import { burstShare, median, stdev } from '../features';
import type { LayerCheck } from './types';

/** Largest gap between the sample's CDF and the profile's log-normal CDF. */
export function ksDistance(sample: readonly number[], cdf: (x: number) => number): number {
  const s = [...sample].sort((a, b) => a - b);
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; ) {
    // Tied values form one step of the empirical CDF: from i/n just below x to j/n at x.
    let j = i;
    while (j < n && s[j] === s[i]) j++;
    const f = cdf(s[i] as number);
    d = Math.max(d, Math.abs(j / n - f), Math.abs(f - i / n));
    i = j;
  }
  return d;
}

function problemsFor(s: Scenario, p: TraceProfile): string[] {
  const out: string[] = [];
  const n = s.tasks.length;
  const batch = s.tasks.filter((t) => t.kind === 'batch').map((t) => t.duration);
  const services = s.tasks.filter((t) => t.kind === 'service').map((t) => t.duration);
  if (n >= 8) {
    const spread = stdev(s.tasks.map((t) => Math.log(t.cpu)));
    if (spread < 0.25 * p.cpu.sigma || spread > 2.5 * p.cpu.sigma) out.push(`task sizes spread ${spread.toFixed(2)} (sd of log cores) is far from ${p.cpu.sigma} (accepted ${(0.25 * p.cpu.sigma).toFixed(2)}-${(2.5 * p.cpu.sigma).toFixed(2)})`);
  }
  const perCore = median(s.tasks.map((t) => t.memory / t.cpu));
  if (perCore < p.memoryPerCore.median / 4 || perCore > p.memoryPerCore.median * 4) out.push(`median memory per core ${perCore.toFixed(2)} GB is far from ${p.memoryPerCore.median} GB (accepted ${(p.memoryPerCore.median / 4).toFixed(2)}-${(p.memoryPerCore.median * 4).toFixed(1)})`);
  if (batch.length >= 3) {
    const m = median(batch);
    if (m < p.batchDuration.median / 10 || m > p.batchDuration.median * 10) out.push(`median batch run time ${Math.round(m)} s is far from ${p.batchDuration.median} s (accepted ${p.batchDuration.median / 10}-${p.batchDuration.median * 10} s)`);
  }
  if (batch.length >= 10) {
    const wide = { median: p.batchDuration.median, sigma: p.batchDuration.sigma * 1.5 };
    const d = ksDistance(batch, (x) => logNormalCdf(x, wide));
    const limit = 1.63 / Math.sqrt(batch.length) + 0.2;
    if (d > limit) out.push(`batch run times do not follow the trace's log-normal shape (KS distance ${d.toFixed(2)} > ${limit.toFixed(2)})`);
  }
  if (services.length >= 2 && median(services) < p.serviceDuration.median / 20) out.push(`services are too short: median ${Math.round(median(services))} s, traces show ${p.serviceDuration.median} s`);
  const serviceShare = services.length / n;
  if (n >= 10 && serviceShare > Math.min(0.8, p.serviceFraction * 3)) out.push(`${Math.round(serviceShare * 100)}% of tasks are services; traces show about ${Math.round(p.serviceFraction * 100)}% (accepted up to ${Math.round(Math.min(0.8, p.serviceFraction * 3) * 100)}%)`);
  if (n >= 10 && burstShare(s) > 0.95) out.push('almost every task arrives in one burst; traces show bursts within a spread of arrivals');
  // Small scenarios have too few tasks for shapes; what can still be judged is judged with counts.
  if (n < 10) {
    const allowed = Math.max(1, Math.ceil(n * Math.min(0.8, p.serviceFraction * 3)));
    if (services.length > allowed) out.push(`${services.length} of ${n} tasks are services; traces show about ${Math.round(p.serviceFraction * 100)}% (accepted up to ${allowed} of ${n})`);
    if (n >= 4 && burstShare(s) === 1) out.push(`all ${n} tasks arrive at the same instant; traces show arrivals spread over time`);
  }
  if (n >= 3 && n < 8 && s.tasks.every((t) => t.cpu === s.tasks[0]?.cpu && t.memory === s.tasks[0]?.memory && t.duration === s.tasks[0]?.duration)) {
    out.push(`all ${n} tasks are identical (${s.tasks[0]?.cpu} cores, ${s.tasks[0]?.memory} GB, ${s.tasks[0]?.duration} s); traces never show clones`);
  }
  return out;
}

export const checkRealism: LayerCheck = (s: Scenario) => {
  let closest: { name: string; problems: string[] } | undefined;
  for (const name of TRACE_PROFILE_NAMES) {
    const problems = problemsFor(s, TRACE_PROFILES[name]);
    if (!problems.length) return undefined;
    if (!closest || problems.length < closest.problems.length) closest = { name, problems };
  }
  const c = closest as { name: string; problems: string[] };
  return { layer: 'realism', reason: `the workload does not look like any public trace (closest: ${c.name}): ${c.problems[0]}`, details: c.problems };
};
