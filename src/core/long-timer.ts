// Timers for user-given durations. setTimeout holds at most 2^31-1 ms (about 24.8 days) and fires
// at once for anything longer, so `--time 600h` would stop a run immediately; a long delay is
// waited for in steps instead.
const MAX_STEP_MS = 2 ** 31 - 1;

/** Calls `fn` after `ms` milliseconds, however long; returns a function that cancels it. */
export function setLongTimeout(fn: () => void, ms: number): () => void {
  if (!(ms > 0)) ms = 0;
  if (ms === Number.POSITIVE_INFINITY) return () => undefined;
  const due = Date.now() + ms;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const left = due - Date.now();
    timer = left > MAX_STEP_MS ? setTimeout(arm, MAX_STEP_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return () => {
    if (timer) clearTimeout(timer);
  };
}
