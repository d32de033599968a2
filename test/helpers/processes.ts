import { readFileSync } from 'node:fs';

/** Whether a process still runs; a zombie (killed, not yet reaped by whoever adopted it) counts as gone. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // The state follows the parenthesised command name, which may itself contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves once `check` holds, polling every `everyMs`; rejects after `patienceMs` naming what was awaited. */
export async function waitUntil(what: string, check: () => boolean, patienceMs = 120_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + patienceMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${patienceMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
