// Runs the CLI from source (through tsx) as a user would, capturing output and exit code.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
// Absolute, so the CLI can run from any working directory.
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * scripts/run-tests.mjs sets this to dist/cli.js when the build is newer than every source file:
 * the same code, bundled, which starts several times faster than tsx loading the sources (the
 * bulk of the CLI tests' time). A test file run on its own uses the sources.
 */
const BUILT_CLI = process.env.POLICY_EVOLVER_TEST_CLI;

/** Node arguments that run the CLI with `args`. */
function cliArgv(args: string[]): string[] {
  return BUILT_CLI ? [BUILT_CLI, ...args] : ['--import', TSX, MAIN, ...args];
}

/**
 * A hang detector, not a speed goal: a CLI that never ends (a regression spinning in a loop that
 * ignores SIGTERM) is killed and reported as a failure instead of stalling the whole run.
 */
const HANG_LIMIT_MS = 10 * 60_000;

export function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, cliArgv(args), {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    input: options.input ?? '',
    timeout: HANG_LIMIT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
  });
  const hung = r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
  const stderr = hung ? `${r.stderr}\n[test helper] the CLI was killed after ${HANG_LIMIT_MS / 60_000} minutes: ${args.join(' ')}` : r.stderr;
  return { code: r.status, stdout: r.stdout, stderr };
}

export function cliAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return spawn(process.execPath, cliArgv(args), { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
