// Milliseconds on a monotonic clock, for durations. `performance.now()` measures the same, but the
// first read of node's global `performance` loads the perf_hooks modules: a measurable share of a
// short process's start-up (the CLI's, and every sandbox worker's).
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
