// Scoring a scheduler written in any language: the candidate file is started as an Eudoxia REST
// scheduler server by the user's `serve` command INSIDE the command sandbox (bubblewrap), where
// nothing but a small relay can reach it: the relay connects out through a Unix socket in a
// read-only bind to the simulator, a trusted process on the host (served-runner.ts). The candidate
// can neither reach the network or host services nor touch the simulator or its output. The
// outcomes are scored exactly like a JS policy's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CandidateSource, JsonValue, Workload } from '../../../core/types';
import { describeLimit, openCommandSandbox, type CommandLimits, type CommandRun, type CommandSandbox } from '../../../sandbox/command';
import { resolveSandboxEntry } from '../../../sandbox/entries';
import { sweepFoldersOfDeadOwners } from '../../../sandbox/stale-folders';
import type { SimulationOutcome } from '../engine/results';
import { FAAS_SERVED_RUNNER } from '../sandbox-harness';
import { RELAY_SOURCE, type ServedJob } from './served-protocol';

export interface ServeOptions {
  /** Shell command starting the candidate's server; `{file}` is the candidate path, `{port}` the port. */
  command: string;
  unsandboxed: boolean;
  startupSeconds: number;
  timeoutMs: number;
  memoryMb: number;
  keepInvalid: number;
}

export interface ServedRun {
  outcome: SimulationOutcome | undefined;
  failure: { kind: string; message: string } | undefined;
}

/** Defaults of `evolve --serve` and `faas run --serve`: how long a server may take to listen, its memory. */
export const SERVE_DEFAULTS = Object.freeze({ startupSeconds: 10, memoryMb: 1024 });

/** Eudoxia's default scheduler address; inside the sandbox's own network namespace it is always free. */
const SANDBOX_PORT = 8080;
/** Host folders of the simulator's socket and job: `<prefix><pid>-…`, swept when their owner is gone. */
const HOST_DIR_PREFIX = 'policy-evolver-served-';
const VARIABLES = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'];
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** The server's output beyond this stops it; its last lines become the candidate's feedback. */
const MAX_OUTPUT_BYTES = 8 << 20;
const lastLines = (text: string, count: number): string => text.trim().split('\n').slice(-count).join('\n');

/** A free port on the host, for the unsandboxed opt-out where the candidate shares the host's network. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export class ServedCandidates {
  private sandbox: Promise<CommandSandbox> | undefined;

  constructor(
    private readonly options: ServeOptions,
    private readonly cwd: string,
  ) {}

  /** Every workload's outcome, or the same failure for all when the server or the sandbox failed. */
  async run(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<ServedRun[]> {
    const all = (kind: string, message: string): ServedRun[] => workloads.map(() => ({ outcome: undefined, failure: { kind, message } }));
    // Opening probes bubblewrap once; its refusal (and how to opt out) is every candidate's failure.
    this.sandbox ??= openCommandSandbox({ unsandboxed: this.options.unsandboxed });
    let sandbox: CommandSandbox;
    try {
      sandbox = await this.sandbox;
    } catch (err) {
      return all('sandbox', (err as Error).message);
    }
    if (signal.aborted) return all('cancelled', 'evaluation cancelled');
    const port = sandbox.kind === 'none' ? await freePort() : SANDBOX_PORT;
    // The simulator's socket and job live in a private host folder, bound read-only into the sandbox.
    sweepFoldersOfDeadOwners(HOST_DIR_PREFIX);
    const hostDir = mkdtempSync(join(tmpdir(), `${HOST_DIR_PREFIX}${process.pid}-`));
    // Short: a Unix socket path has at most 107 bytes.
    const listenPath = join(hostDir, 's');
    const jobFile = join(hostDir, 'job.json');
    const job: ServedJob = { listenPath, answerMs: this.options.timeoutMs, keepInvalid: this.options.keepInvalid, workloads: workloads.map((w) => ({ id: w.id, data: (w.data ?? null) as JsonValue })) };
    writeFileSync(jobFile, JSON.stringify(job), { mode: 0o600 });
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const simulator = this.startSimulator(jobFile, hostDir);
      const files = [
        { name: candidate.fileName, content: candidate.code },
        { name: '.policy-evolver-relay.js', content: RELAY_SOURCE },
      ];
      const server = sandbox.run({
        cwd: this.cwd,
        files,
        limits: this.limits(),
        network: false,
        readOnlyBinds: [hostDir],
        signal: stop.signal,
        prepare: (dir) => {
          const file = `${dir}/${candidate.fileName}`;
          let serve = this.options.command.includes('{file}') ? this.options.command.replaceAll('{file}', shellQuote(file)) : `${this.options.command} ${shellQuote(file)}`;
          serve = serve.replaceAll('{port}', String(port));
          const relay = [process.execPath, `${dir}/.policy-evolver-relay.js`, listenPath, String(port), '__PID__', String(this.options.startupSeconds * 1000)].map(shellQuote).join(' ').replace("'__PID__'", '"$!"');
          // Everything the server prints goes to stderr, whose tail becomes its feedback.
          const command = `${serve} </dev/null 1>&2 &\nexec ${relay}`;
          const env: Record<string, string> = {};
          for (const name of VARIABLES) {
            const value = process.env[name];
            if (value !== undefined) env[name] = value;
          }
          env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
          return { command, env: { ...env, HOME: dir, TMPDIR: `${dir}/tmp`, PORT: String(port), POLICY_EVOLVER_CANDIDATE: file } };
        },
      });
      // Whichever ends first decides: the simulator's results, or the sandbox's reason to end.
      const first = await Promise.race([simulator.done.then((r) => ({ simulator: r })), server.then((r) => ({ server: r }))]);
      if ('simulator' in first) {
        stop.abort();
        const run = await server;
        return this.parse(first.simulator, run, workloads);
      }
      simulator.kill();
      await simulator.done;
      if (signal.aborted) return all('cancelled', 'evaluation cancelled');
      return this.serverEnded(first.server, workloads, all);
    } finally {
      signal.removeEventListener('abort', onAbort);
      rmSync(hostDir, { recursive: true, force: true });
    }
  }

  /** The trusted simulator process on the host. */
  private startSimulator(jobFile: string, hostDir: string): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; kill(): void } {
    const runner = resolveSandboxEntry('harness', FAAS_SERVED_RUNNER.name, FAAS_SERVED_RUNNER.source);
    // From sources the runner needs the TypeScript hook the sandbox worker is started with.
    const execArgv = runner.mode === 'bundled' ? [] : resolveSandboxEntry('worker').execArgv;
    // Its temporary files (the server's answers) live in the job's folder, removed with it even
    // when the simulator is killed because the server ended first.
    const child = spawn(process.execPath, [...execArgv, runner.path, jobFile], { env: { TMPDIR: hostDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8192)));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      child.once('error', (err) => resolve({ code: null, stdout, stderr: `${stderr}${err.message}` }));
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    return { done, kill: () => void child.kill('SIGKILL') };
  }

  /** The sandbox ended before the simulation did: the server crashed, never listened or hit a limit. */
  private serverEnded(run: CommandRun, workloads: Workload[], all: (kind: string, message: string) => ServedRun[]): ServedRun[] {
    const tail = lastLines(run.stderr, 6);
    const withTail = (message: string): string => (tail ? `${message}; its last output:\n${tail}` : message);
    switch (run.end) {
      case 'exited': {
        // The relay's exit codes (served-protocol.ts): 3 the server exited, 4 it never listened.
        const why =
          run.code === 3
            ? 'the scheduler server exited before the simulation ended'
            : run.code === 4
              ? `the scheduler server did not listen within ${this.options.startupSeconds} s`
              : `the scheduler server's sandbox stopped before the simulation ended (exit code ${String(run.code ?? run.signal)})`;
        // The relay's own line repeats the reason: keep only the server's words.
        const own = run.stderr.trim().split('\n').filter((l) => !/^the scheduler server (exited|did not listen)/.test(l)).slice(-6).join('\n');
        return all('server', own ? `${why}; its last output:\n${own}` : why);
      }
      case 'cancelled':
        return all('cancelled', 'evaluation cancelled');
      case 'timeout':
        return all('timeout', withTail(`the scheduler server and simulation exceeded the ${this.options.timeoutMs} ms limit for ${workloads.length} workload(s)`));
      case 'output':
        return all('output', `the scheduler server printed more than ${MAX_OUTPUT_BYTES >> 20} MB and was stopped`);
      case 'sandbox':
        return all('sandbox', `the command sandbox failed: ${run.detail ?? 'unknown error'}`);
      default: {
        const what = describeLimit(run.end, this.limits()).replace('the evaluator command', 'the scheduler server');
        return all(run.end, withTail(`${what}${run.detail ? ` (${run.detail})` : ''}`));
      }
    }
  }

  private limits(): CommandLimits {
    // The CPU limit counts both processes (server and simulator) on up to two cores.
    return { timeoutMs: this.options.timeoutMs, memoryMb: this.options.memoryMb, maxProcesses: 256, cpuSeconds: (this.options.timeoutMs / 1000) * 2, maxOutputBytes: MAX_OUTPUT_BYTES, scratchMb: 64 };
  }

  private parse(
    simulator: { code: number | null; stdout: string; stderr: string },
    server: CommandRun,
    workloads: Workload[],
  ): ServedRun[] {
    const tail = lastLines(server.stderr, 6);
    const withTail = (message: string): string => (tail ? `${message}; the server's last output:\n${tail}` : message);
    const line = simulator.stdout.trim().split('\n').pop() ?? '';
    let value: { results?: { id: string; outcome: SimulationOutcome }[] };
    try {
      value = JSON.parse(line) as typeof value;
    } catch {
      // Our own process failed: not the candidate's fault, and said as such.
      throw new Error(`the FaaS simulator process failed (exit code ${String(simulator.code)}): ${simulator.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    const byId = new Map((value.results ?? []).map((r) => [r.id, r.outcome]));
    return workloads.map((w) => {
      const outcome = byId.get(w.id);
      if (!outcome) return { outcome: undefined, failure: { kind: 'result', message: `no result for ${w.id}` } };
      // A failed simulation's reason gets the server's own last words (a Python traceback, say).
      if (!outcome.ok && tail) outcome.failure.message = withTail(outcome.failure.message);
      return { outcome, failure: undefined };
    });
  }
}

