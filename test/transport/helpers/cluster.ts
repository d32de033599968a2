// Processes for the distributed tests: the CLI bundled the way `npm run build` bundles it (fast to
// start, and what users run), a project folder scored by fixtures/score.mjs, and journal helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { build } from 'esbuild';
import { loadRun } from '../../../src/core/run-session';
import type { RunState } from '../../../src/core/run-state';
import { ROOT } from '../../helpers/cli';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Bundles fixtures/cli.ts inside the package (so the package root, prompts included, is found). */
export async function buildCli(): Promise<{ path: string; remove(): void }> {
  const dir = join(ROOT, 'node_modules', '.cache', 'policy-evolver-tests');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `cli-${process.pid}-${Date.now()}.js`);
  await build({ entryPoints: [join(FIXTURES, 'cli.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: path, logLevel: 'error', absWorkingDir: ROOT });
  return { path, remove: () => rmSync(path, { force: true }) };
}

export interface Proc {
  proc: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
/** Ends every process a test started and did not stop (a failed test), with all it started in turn. */
function killLeftovers(): void {
  for (const p of running) {
    try {
      if (p.pid) process.kill(-p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
// The test runner may end this file's process without an 'exit' event, so also after its tests.
after(killLeftovers);
process.on('exit', killLeftovers);

export function spawnCli(cli: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Proc {
  // Its own process group, so that what it starts (worker processes, evaluator commands) can be ended with it.
  const proc = spawn(process.execPath, [cli, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(proc);
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const l of [...listeners]) l();
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  return {
    proc,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 180_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = out.match(pattern);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} in the output of ${args.join(' ')} within ${timeoutMs} ms:\n${out.slice(-4000)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        void exited.then(() => setTimeout(check, 0));
      });
    },
    async stop(signal = 'SIGINT') {
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}

export interface ProjectOptions {
  /** Extra time each evaluation takes. */
  delayMs?: number;
  /** Candidate id whose evaluation kills the worker process running it. */
  poison?: string;
  /** Evaluations of candidates c<from> and later wait until `file` exists (see releaseHold). */
  hold?: { file: string; from: number };
}

/** Lets the evaluations held by ProjectOptions.hold go on. */
export function releaseHold(hold: { file: string }): void {
  writeFileSync(hold.file, 'go');
}

/** A folder with the test heuristic, a copy of fixtures/score.mjs and an evolve.json that scores with it. */
export function makeProject(dir: string, options: ProjectOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(FIXTURES, 'heuristic.js'), join(dir, 'heuristic.js'));
  // The scorer lives in the project: the command sandbox shows only the project folder, so a path
  // into the repository fails wherever the checkout sits in a masked folder (a clone under /tmp).
  copyFileSync(join(FIXTURES, 'score.mjs'), join(dir, 'score.mjs'));
  const extra = [
    options.delayMs ? `--delay-ms ${options.delayMs}` : '',
    options.poison ? `--poison ${options.poison}` : '',
    options.hold ? `--hold ${JSON.stringify(options.hold.file)} --hold-from ${options.hold.from}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const config = {
    evaluator: {
      id: 'command',
      options: {
        command: `node score.mjs {file} {workloads} ${extra}`.trim(),
        timeoutSeconds: 30,
        // The poison scorer crashes the worker by killing its process, which a sandboxed command
        // (own PID namespace) cannot even see; that test is about dead-lettering, not the sandbox.
        ...(options.poison ? { unsandboxed: true } : {}),
        workloads: [
          { id: 'w1', split: 'search' },
          { id: 'w2', split: 'search' },
          { id: 'w3', split: 'search' },
          { id: 'v1', split: 'validation' },
          { id: 'h1', split: 'holdout' },
        ],
      },
    },
  };
  writeFileSync(join(dir, 'evolve.json'), JSON.stringify(config, null, 2));
  return dir;
}

export function runDir(runsDir: string): string {
  const [run] = existsSync(runsDir) ? readdirSync(runsDir) : [];
  if (!run) throw new Error(`no run in ${runsDir}`);
  return join(runsDir, run);
}

export function runState(runsDir: string): RunState {
  const { state, store } = loadRun(runDir(runsDir));
  store.close();
  return state;
}

export interface JournalLine {
  type: string;
  id?: string;
  result?: { ok: boolean; score: number | null; error?: string; metrics?: Record<string, number> };
}

export function journal(runsDir: string): JournalLine[] {
  const path = join(runDir(runsDir), 'journal.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalLine];
      } catch {
        return [];
      }
    });
}

export function countEvaluated(runsDir: string): number {
  try {
    return journal(runsDir).filter((e) => e.type === 'evaluated').length;
  } catch {
    return 0;
  }
}

/** Every proposed candidate has exactly one recorded evaluation: none lost, none counted twice. */
export function evaluationsPerCandidate(runsDir: string): { proposed: string[]; counts: Map<string, number> } {
  const lines = journal(runsDir);
  const proposed = lines.filter((e) => e.type === 'proposed').map((e) => e.id as string);
  const counts = new Map<string, number>();
  for (const e of lines) if (e.type === 'evaluated') counts.set(e.id as string, (counts.get(e.id as string) ?? 0) + 1);
  return { proposed, counts };
}

/** Waits for a condition; the deadline only turns a hang into a readable failure. */
export async function until(what: string, check: () => boolean, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
