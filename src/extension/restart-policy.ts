// How often the language server may be restarted after crashes: a crash loop must end in a clear
// message rather than spin forever.
export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** Records a crash at `now`; true while fewer than MAX_RESTARTS earlier crashes fall in the window. */
export function allowRestart(crashTimes: number[], now: number): boolean {
  const recent = crashTimes.filter((t) => now - t < RESTART_WINDOW_MS);
  crashTimes.splice(0, crashTimes.length, ...recent, now);
  return recent.length < MAX_RESTARTS;
}
