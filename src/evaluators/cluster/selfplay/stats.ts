// Statistics for benchmark reports. Every policy is run on the same scenarios, so comparisons are
// paired: tests work on the per-scenario differences (paired t and Wilcoxon signed-rank, from the
// stdlib-js statistics packages), p-values are Holm-corrected across the comparisons of one
// report, and every comparison carries an effect size (mean difference with a bootstrap 95%
// interval, and Cohen's dz) so a tiny but "significant" gain is visible as tiny.
import ttest from '@stdlib/stats-ttest';
import wilcoxon from '@stdlib/stats-wilcoxon';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { rngFor } from '../../../core/rng';

export interface Summary {
  n: number;
  mean: number;
  sd: number;
  /** Half-width of the 95% confidence interval of the mean. */
  ci95: number;
}

export function summarize(xs: readonly number[]): Summary {
  const n = xs.length;
  if (!n) return { n: 0, mean: Number.NaN, sd: Number.NaN, ci95: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  const ci95 = n > 1 ? tQuantile(0.975, n - 1) * (sd / Math.sqrt(n)) : Number.NaN;
  return { n, mean, sd, ci95 };
}

export interface PairedComparison {
  /** Scenarios where both policies have a value. */
  n: number;
  /** Mean of (policy − baseline) over those scenarios. */
  meanDiff: number;
  /** Percentile bootstrap 95% interval of the mean difference. */
  diffCi95: [number, number];
  /** Cohen's dz: mean difference over the standard deviation of the differences. */
  dz: number;
  /** Two-sided paired t-test p-value. */
  pairedTP: number;
  /** Two-sided Wilcoxon signed-rank p-value (exact for small samples, zero differences dropped). */
  wilcoxonP: number;
}

const BOOTSTRAP_RESAMPLES = 2000;

/**
 * Compares paired samples: x[i] and y[i] come from the same scenario. Pairs where either value is
 * missing (NaN) are left out of this comparison; callers that must not drop failures give them a
 * floor value instead.
 */
export function pairedComparison(x: readonly number[], y: readonly number[], seed = 1): PairedComparison {
  if (x.length !== y.length) throw new Error(`paired samples differ in length (${x.length} vs ${y.length})`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      xs.push(a);
      ys.push(b);
    }
  }
  const d = xs.map((a, i) => a - (ys[i] as number));
  const n = d.length;
  const none: PairedComparison = { n, meanDiff: Number.NaN, diffCi95: [Number.NaN, Number.NaN], dz: Number.NaN, pairedTP: Number.NaN, wilcoxonP: Number.NaN };
  if (n === 0) return none;
  const s = summarize(d);
  const ci = bootstrapMeanCi(d, seed);
  if (d.every((v) => v === 0)) return { n, meanDiff: 0, diffCi95: [0, 0], dz: 0, pairedTP: 1, wilcoxonP: 1 };
  if (n < 2) return { ...none, meanDiff: s.mean, diffCi95: ci };
  // A constant non-zero difference has no variance: the t statistic is infinite.
  const pairedTP = s.sd === 0 ? 0 : ttest(xs, ys).pValue;
  return { n, meanDiff: s.mean, diffCi95: ci, dz: s.sd === 0 ? Math.sign(s.mean) * Number.POSITIVE_INFINITY : s.mean / s.sd, pairedTP, wilcoxonP: wilcoxon(xs, ys).pValue };
}

/** Percentile bootstrap interval of the mean, seeded so reports are reproducible. */
export function bootstrapMeanCi(xs: readonly number[], seed = 1, resamples = BOOTSTRAP_RESAMPLES): [number, number] {
  const n = xs.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  const rng = rngFor(seed, 'bootstrap');
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += xs[rng.int(n)] as number;
    means[r] = sum / n;
  }
  means.sort();
  const at = (q: number): number => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))] as number;
  return [at(0.025), at(0.975)];
}

/**
 * Holm's step-down adjustment: adjusted p-values that control the family-wise error rate across
 * all the given tests. NaN p-values (tests that could not run) stay NaN and do not count.
 */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => ({ p, i })).filter((e) => Number.isFinite(e.p)).sort((a, b) => a.p - b.p);
  const m = order.length;
  const out = pValues.map(() => Number.NaN);
  let running = 0;
  order.forEach((e, k) => {
    running = Math.max(running, Math.min(1, (m - k) * e.p));
    out[e.i] = running;
  });
  return out;
}
