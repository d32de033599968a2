// Terminal formatting helpers: numbers, durations, tables and sparklines.

export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '—';
  const abs = Math.abs(score);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return score.toExponential(3);
  return score.toFixed(abs >= 100 ? 2 : 4);
}

/** Relative change of `score` against `base`, for higher-is-better scores. */
export function formatDelta(score: number | null | undefined, base: number | null | undefined): string {
  if (score === null || score === undefined || base === null || base === undefined) return '';
  const diff = score - base;
  if (Math.abs(base) < 1e-12) return diff === 0 ? '±0' : `${diff > 0 ? '+' : ''}${formatScore(diff)}`;
  const pct = (diff / Math.abs(base)) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatUsd(usd: number): string {
  return `$${usd < 10 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled between the series' min and max. */
export function sparkline(values: readonly number[], width = 60): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '';
  // Down-sample by taking the last value of each bucket (best-so-far series are monotone).
  const series = values.length > width ? Array.from({ length: width }, (_, i) => values[Math.min(values.length - 1, Math.floor(((i + 1) * values.length) / width) - 1)] as number) : [...values];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return series.map((v) => (Number.isFinite(v) ? BARS[hi === lo ? BARS.length - 1 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))] : ' ')).join('');
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
