// Where the program's process entries live, for a process that must start another one without
// importing it (the CLI starts the worker process). Two layouts, as for the sandbox entries: the
// bundle (dist/<name>.js next to the running bundle) and the TypeScript source run through tsx.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot, sandboxEntryMode } from '../sandbox/entries';

export interface ProcessEntry {
  path: string;
  /** Node flags the entry needs (the running process's own, which load tsx from source). */
  execArgv: string[];
}

const SOURCES = { worker: 'src/worker/main.ts' } as const;

export function processEntry(name: keyof typeof SOURCES): ProcessEntry {
  if (sandboxEntryMode() === 'bundled') {
    const path = join(__dirname, `${name}.js`);
    if (!existsSync(path)) throw new Error(`the ${name} program is missing from the build: ${path} does not exist (run npm run build)`);
    return { path, execArgv: [] };
  }
  const path = join(findPackageRoot(), SOURCES[name]);
  if (!existsSync(path)) throw new Error(`the ${name} program's source does not exist: ${path}`);
  return { path, execArgv: process.execArgv };
}
