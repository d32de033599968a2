// Where the sandbox worker script and the harness modules live. Two layouts exist:
//  - source: tests and tools run the TypeScript through tsx; files come from entries.json (the
//    sandbox's own worker and generic harness) or from the harness a domain passes with its job,
//    and the worker needs tsx's require hook to load them;
//  - bundled: scripts/build.mjs writes dist/sandbox-worker.js and dist/harness-<name>.js next to
//    the bundle that contains this code (dist/cli.js, dist/server.js...).
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, parse } from 'node:path';
import entries from './entries.json';

export type SandboxEntryMode = 'source' | 'bundled';

export interface SandboxEntry {
  /** Absolute path of the file to load. */
  path: string;
  mode: SandboxEntryMode;
  /** Node flags a process needs to load `path` (the tsx loader in source mode). */
  execArgv: string[];
}

interface EntriesFile {
  worker: string;
  harnesses: Record<string, string>;
}

const entryTable: EntriesFile = entries;

/** Names of the harnesses registered in entries.json. */
export function sandboxHarnessNames(): string[] {
  return Object.keys(entryTable.harnesses);
}

export function sandboxEntryMode(): SandboxEntryMode {
  // Source runs through tsx as .ts; only the direct parent counts as dist/, so a checkout
  // that happens to live under some other `dist` directory is not mistaken for a build.
  return basename(__dirname) === 'dist' || __filename.endsWith('.js') ? 'bundled' : 'source';
}

/**
 * `source` (relative to the package root) names a harness a domain provides; without it the
 * harness must be one of the sandbox's own, listed in entries.json.
 */
export function resolveSandboxEntry(kind: 'worker'): SandboxEntry;
export function resolveSandboxEntry(kind: 'harness', name: string, source?: string): SandboxEntry;
export function resolveSandboxEntry(kind: 'worker' | 'harness', name?: string, source?: string): SandboxEntry {
  // The name becomes a bundle file name (dist/harness-<name>.js).
  if (kind === 'harness' && source !== undefined && (name === undefined || !/^[a-z0-9][a-z0-9-]*$/.test(name))) throw new Error(`sandbox harness name '${name}' must be lower-case letters, digits and dashes`);
  if (kind === 'harness' && source === undefined) {
    if (name === undefined || !Object.prototype.hasOwnProperty.call(entryTable.harnesses, name)) {
      const known = sandboxHarnessNames().join(', ') || '(none)';
      throw new Error(`unknown sandbox harness '${String(name)}'; registered in src/sandbox/entries.json: ${known}`);
    }
  }
  const mode = sandboxEntryMode();
  if (mode === 'bundled') {
    const file = kind === 'worker' ? 'sandbox-worker.js' : `harness-${name}.js`;
    const path = join(__dirname, file);
    if (!existsSync(path)) {
      throw new Error(`sandbox ${kind === 'worker' ? 'worker' : `harness '${name}'`} is missing from the build: ${path} does not exist (run npm run build)`);
    }
    return { path, mode, execArgv: [] };
  }
  const root = findPackageRoot(__dirname);
  const relative = kind === 'worker' ? entryTable.worker : (source ?? entryTable.harnesses[name as string]);
  const path = join(root, relative as string);
  if (!existsSync(path)) throw new Error(source !== undefined ? `sandbox harness '${name}' does not exist: ${path}` : `sandbox entry listed in src/sandbox/entries.json does not exist: ${path}`);
  return { path, mode, execArgv: kind === 'worker' ? ['--require', tsxRequireHook(root)] : [] };
}

/** Walks up from `start` to the directory whose package.json is named `policy-evolver`. */
export function findPackageRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === 'policy-evolver') return dir;
    if (dir === parse(dir).root) break;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the policy-evolver package root above ${start}`);
}

function readPackageName(manifest: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && typeof parsed.name === 'string') return parsed.name;
  } catch {
    // An unreadable or malformed package.json is not ours; keep walking up.
  }
  return undefined;
}

// Workers run in an empty private directory, so a bare `tsx` specifier would not resolve; the
// hook is passed as an absolute path taken from tsx's own export map. Only tsx's CommonJS hook
// is used (the package is CommonJS): without the ESM loader thread, a worker starts in about
// half the time and with ~25 MB less resident memory, which counts against the memory limit.
function tsxRequireHook(root: string): string {
  const manifestPath = join(root, 'node_modules', 'tsx', 'package.json');
  if (!existsSync(manifestPath)) throw new Error(`running the sandbox from source needs tsx, but ${manifestPath} does not exist`);
  const manifest: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const target = exportTarget(manifest, './cjs');
  if (target === undefined) throw new Error(`cannot find the CommonJS hook ('./cjs' export) in ${manifestPath}`);
  return join(dirname(manifestPath), target);
}

function exportTarget(manifest: unknown, subpath: string): string | undefined {
  if (typeof manifest !== 'object' || manifest === null || !('exports' in manifest)) return undefined;
  const exportsField = manifest.exports;
  if (typeof exportsField !== 'object' || exportsField === null || !(subpath in exportsField)) return undefined;
  const entry: unknown = (exportsField as Record<string, unknown>)[subpath];
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'object' && entry !== null) {
    for (const condition of ['require', 'default']) {
      const value: unknown = (entry as Record<string, unknown>)[condition];
      if (typeof value === 'string') return value;
    }
  }
  return undefined;
}
