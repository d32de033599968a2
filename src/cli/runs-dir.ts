// Locating runs: by id, id prefix, folder path or "latest".
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { listRunDirs } from '../core/journal';
import { UserError } from './errors';

/** The runs folder from the flag, POLICY_EVOLVER_RUNS_DIR or the default; refused at once when it cannot be one. */
export function runsDirOf(flag: string | undefined): string {
  const raw = flag ?? process.env.POLICY_EVOLVER_RUNS_DIR ?? join('.policy-evolver', 'runs');
  const origin = flag !== undefined ? '--runs-dir' : process.env.POLICY_EVOLVER_RUNS_DIR !== undefined ? 'POLICY_EVOLVER_RUNS_DIR' : 'the runs folder';
  if (raw.trim() === '') throw new UserError(`${origin} is empty`, 2);
  if (raw.includes('\0')) throw new UserError(`${origin} contains a NUL character`, 2);
  const dir = resolve(raw);
  // Pseudo file systems accept some operations and loop or lie on others: never a place for runs.
  if (/^\/(proc|sys)(\/|$)/.test(dir)) throw new UserError(`${origin} ${raw} is inside /${dir.split('/')[1]}, which cannot hold runs`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`${origin} ${raw} is not a folder`);
  return dir;
}

/** Prints the journal lines a load skipped, one warning each (a few at most). */
export function warnSkipped(warnings: readonly string[], out: NodeJS.WritableStream = process.stderr): void {
  const shown = warnings.slice(0, 5);
  for (const w of shown) out.write(`warning: skipped ${w}\n`);
  if (warnings.length > shown.length) out.write(`warning: skipped ${warnings.length - shown.length} more journal line(s)\n`);
}

export function findRunDir(ref: string, runsDirFlag: string | undefined): string {
  if (existsSync(join(ref, 'journal.jsonl'))) return resolve(ref);
  const runsDir = runsDirOf(runsDirFlag);
  const all = listRunDirs(runsDir);
  if (all.length === 0) throw new UserError(`no runs in ${runsDir} (start one with: policy-evolver evolve <file>)`);
  if (ref === 'latest') return all[0] as string;
  const exact = all.find((d) => basename(d) === ref);
  if (exact) return exact;
  const matches = all.filter((d) => basename(d).startsWith(ref) || basename(d).includes(ref));
  if (matches.length === 1) return matches[0] as string;
  if (matches.length > 1) throw new UserError(`'${ref}' matches ${matches.length} runs: ${matches.slice(0, 5).map((d) => basename(d)).join(', ')}${matches.length > 5 ? ', ...' : ''}`);
  throw new UserError(`no run '${ref}' in ${runsDir} (see: policy-evolver runs)`);
}
