// Private temp folders are named `<prefix><owner pid>-…` and removed by their owner when it ends;
// an owner killed with -9 never gets to, so the next process of the same kind removes the folders
// of owners that are gone.
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const swept = new Set<string>();

/** Removes, once per process and prefix, the temp folders whose owner process no longer exists. */
export function sweepFoldersOfDeadOwners(prefix: string): void {
  if (swept.has(prefix)) return;
  swept.add(prefix);
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
