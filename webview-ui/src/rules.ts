// The panel's judgement rules as pure functions (no DOM), so tests can pin them: which way a metric
// is better, what colour a difference gets, and how the score chart's scale ignores outliers.

/** `*` in a declared name matches any text; everything else must match exactly. */
function matches(pattern: string, name: string): boolean {
  const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(name);
}

export type Direction = 'higher' | 'lower';

/** The domain declares metrics where lower is better (latency, messages); all others are better when higher. */
export function metricDirection(name: string, lowerIsBetter: readonly string[]): Direction {
  return lowerIsBetter.some((p) => matches(p, name)) ? 'lower' : 'higher';
}

export type Verdict = 'better' | 'worse' | 'same';

/** Whether a difference (candidate minus starting program) is an improvement, by the metric's direction. */
export function judge(delta: number, direction: Direction): Verdict {
  if (!Number.isFinite(delta) || delta === 0) return 'same';
  return (delta > 0) === (direction === 'higher') ? 'better' : 'worse';
}

export function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  return abs !== 0 && (abs >= 1e5 || abs < 1e-3) ? n.toExponential(3) : Number(n.toFixed(4)).toString();
}

export function signed(n: number): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${fmt(Math.abs(n))}`;
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

export interface Scale {
  lo: number;
  hi: number;
  /** Values below `lo` are drawn on the floor, marked as off the scale. */
  clipped: boolean;
}

/**
 * The chart's value range: the scores themselves, except that a few scores far below the rest
 * (a penalty floor, a nearly failed candidate) are put on the floor instead of squashing every
 * other point into a line. Far means more than three interquartile ranges below the lower quartile.
 */
export function chartScale(values: readonly number[]): Scale | undefined {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  let lo = finite[0] as number;
  let hi = finite[finite.length - 1] as number;
  let clipped = false;
  if (finite.length >= 4) {
    const q1 = quantile(finite, 0.25);
    const q3 = quantile(finite, 0.75);
    const fence = q1 - 3 * Math.max(q3 - q1, Math.abs(hi - q1) * 0.05, 1e-12);
    if (lo < fence) {
      lo = finite.find((v) => v >= fence) as number;
      clipped = true;
    }
  }
  if (hi === lo) {
    const pad = Math.abs(hi) * 0.05 || 1;
    return { lo: lo - pad, hi: hi + pad, clipped };
  }
  const pad = (hi - lo) * 0.05;
  return { lo: lo - (clipped ? 0 : pad), hi: hi + pad, clipped };
}

/** About `count` round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** The scores line: what a score means, so "0" is never read as "nothing". */
export function scoreMeaning(relativeTo: string | undefined, initialScore: number | null): string {
  if (relativeTo) return `Scores are relative to ${relativeTo}: 0 = as good, +0.1 = 10% better, −0.1 = 10% worse. Higher is better.`;
  return `Higher scores are better; the starting program scored ${fmt(initialScore)}.`;
}
