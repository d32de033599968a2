// Scenario files named on the command line, and where outputs are written.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Scenario } from '../../../evaluators/cluster';
import { fileEntries } from '../../../evaluators/cluster/workloads';
import { UserError } from '../../errors';
import { type ClusterCliOutput } from './io';

export function expandPaths(paths: string[]): string[] {
  return paths.flatMap((p) => {
    try {
      return fileEntriesPaths(p);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
  });
}

function fileEntriesPaths(path: string): string[] {
  const full = resolve(path);
  if (!existsSync(full)) throw new Error(`not found: ${path}`);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort().map((f) => join(full, f));
}

export function loadScenarioPaths(paths: string[]): Scenario[] {
  try {
    return fileEntries(paths, process.cwd()).map((e) => e.scenario);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

/** Writes a scenario (or prints it for '-') and says what it wrote, as the other writers of the CLI do. */
export function writeOutput(output: string, text: string, force: boolean | undefined, io: ClusterCliOutput, scenario: Scenario): void {
  if (output === '-') {
    io.out(text);
    return;
  }
  const path = resolve(output);
  if (existsSync(path) && !force) throw new UserError(`${output} already exists; use --force to overwrite it`);
  writeFileSync(path, text);
  io.err(`wrote ${output} (scenario '${scenario.id}': ${scenario.tasks.length} tasks on ${scenario.nodes.length} nodes)\n`);
}

export function outDir(flag: string | undefined, command: string): string {
  if (flag) return resolve(flag);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return resolve('.policy-evolver', 'cluster', `${command}-${stamp}`);
}
