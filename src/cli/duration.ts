// Wall-clock limits as users write them on the command line (`protocol check --time-limit`,
// `faas run --time-limit`). Its own module so that a command parsing one loads no other command.
import { UserError } from './errors';

/** "90s", "10m", "1h" or milliseconds. */
export function parseDuration(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new UserError(`bad ${what} '${text}' (write e.g. 90s, 10m or 1h)`);
  const v = Number(m[1]);
  return Math.round(v * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']);
}
