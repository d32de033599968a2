// Locating runs: by id, id prefix, folder path or "latest".
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { listRunDirs } from '../core/journal';
import { UserError } from './errors';

export function runsDirOf(flag: string | undefined): string {
  return resolve(flag ?? process.env.POLICY_EVOLVER_RUNS_DIR ?? join('.policy-evolver', 'runs'));
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
