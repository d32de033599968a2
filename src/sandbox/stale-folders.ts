// Private temp folders are named `<prefix><owner pid>-…` and removed by their owner when it ends;
// an owner killed with -9 never gets to, so a later process of the same kind removes the folders
// of owners that are gone. Reading a busy temp folder is a noticeable share of a short command's
// CPU and leftovers are rare, so a user's processes sweep each prefix at most every few minutes
// (a stamp in the per-user cache says when the last sweep was).
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot } from '../core/disk-cache';

const SWEEP_EVERY_MS = 10 * 60 * 1000;

const swept = new Set<string>();

/**
 * Removes, once per process and at most every SWEEP_EVERY_MS per user, the temp folders of `prefix`
 * whose owner process no longer exists. `root`: where the stamp is kept (null: no stamp, always sweep).
 */
export function sweepFoldersOfDeadOwners(prefix: string, root: string | null = cacheRoot() ?? null, now: number = Date.now()): void {
  if (swept.has(prefix)) return;
  swept.add(prefix);
  if (!sweepIsDue(prefix, root, now)) return;
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)-`);
  for (const name of names) {
    const owner = pattern.exec(name);
    if (owner && !isAlive(Number(owner[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Whether the last sweep of `prefix` is older than SWEEP_EVERY_MS (or unknown); marks a sweep now if so. */
function sweepIsDue(prefix: string, root: string | null, now: number): boolean {
  if (root === null) return true;
  const stamp = join(root, 'swept', prefix.replace(/[^A-Za-z0-9-]/g, '_'));
  try {
    const last = statSync(stamp).mtimeMs;
    // A stamp from the future (a clock set back) must not stop sweeping for good.
    if (last <= now && now - last < SWEEP_EVERY_MS) return false;
  } catch {
    // no stamp yet
  }
  try {
    mkdirSync(join(root, 'swept'), { recursive: true, mode: 0o700 });
    writeFileSync(stamp, '');
    utimesSync(stamp, now / 1000, now / 1000);
  } catch {
    // Without a stamp every process sweeps, which is only slower.
  }
  return true;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
