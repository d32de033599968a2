// Scoring a scheduler written in any language: the candidate file is started as an Eudoxia REST
// scheduler server by the user's `serve` command INSIDE the command sandbox (bubblewrap), and the
// simulator runs in the same sandbox (served-runner.ts), so the two talk over the sandbox's own
// loopback and the candidate reaches nothing else. The outcomes come back as one JSON line and are
// scored exactly like a JS policy's.
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import type { CandidateSource, JsonValue, Workload } from '../../../core/types';
import { describeLimit, openCommandSandbox, type CommandLimits, type CommandRun, type CommandSandbox } from '../../../sandbox/command';
import { resolveSandboxEntry } from '../../../sandbox/entries';
import type { SimulationOutcome } from '../engine/results';
import { FAAS_SERVED_RUNNER } from '../sandbox-harness';
import { SERVED_RESULT_MARK, type ServedJob } from './served-protocol';

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

/** Eudoxia's default scheduler address; inside the sandbox's own network namespace it is always free. */
const SANDBOX_PORT = 8080;
const VARIABLES = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'];
const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

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
    const port = sandbox.kind === 'none' ? await freePort() : SANDBOX_PORT;
    const runner = resolveSandboxEntry('harness', FAAS_SERVED_RUNNER.name, FAAS_SERVED_RUNNER.source);
    const job: ServedJob = {
      port,
      startupMs: this.options.startupSeconds * 1000,
      answerMs: this.options.timeoutMs,
      keepInvalid: this.options.keepInvalid,
      workloads: workloads.map((w) => ({ id: w.id, data: (w.data ?? null) as JsonValue })),
    };
    // A bundled runner is copied in (the product may live in a folder the sandbox hides); from
    // sources it runs in place with the loader its entry needs.
    const bundled = runner.mode === 'bundled';
    // From sources the runner needs the TypeScript hook the sandbox worker is started with.
    const execArgv = bundled ? [] : resolveSandboxEntry('worker').execArgv;
    const files = [
      { name: candidate.fileName, content: candidate.code },
      { name: 'faas-job.json', content: JSON.stringify(job) },
      ...(bundled ? [{ name: 'faas-runner.js', content: readFileSync(runner.path, 'utf8') }] : []),
    ];
    // The files live in the sandbox's scratch space: room for them (traces can be large) and 64 MB more.
    const fileMb = Math.ceil(files.reduce((n, f) => n + Buffer.byteLength(f.content), 0) / 2 ** 20);
    const limits = { ...this.limits(), scratchMb: 64 + fileMb };
    const run = await sandbox.run({
      cwd: this.cwd,
      files,
      limits,
      network: false,
      signal,
      prepare: (dir) => {
        const file = `${dir}/${candidate.fileName}`;
        let serve = this.options.command.includes('{file}') ? this.options.command.replaceAll('{file}', shellQuote(file)) : `${this.options.command} ${shellQuote(file)}`;
        serve = serve.replaceAll('{port}', String(port));
        const runnerArgv = [process.execPath, ...execArgv, bundled ? `${dir}/faas-runner.js` : runner.path, `${dir}/faas-job.json`].map(shellQuote).join(' ');
        // The server's output joins the runner's; the runner's result line carries a mark.
        const command = `${serve} </dev/null &\nexec ${runnerArgv} "$!"`;
        const env: Record<string, string> = {};
        for (const name of VARIABLES) {
          const value = process.env[name];
          if (value !== undefined) env[name] = value;
        }
        env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
        return { command, env: { ...env, HOME: dir, TMPDIR: `${dir}/tmp`, PORT: String(port), POLICY_EVOLVER_CANDIDATE: file } };
      },
    });
    return this.parse(run, workloads, all);
  }

  private limits(): CommandLimits {
    // The CPU limit counts both processes (server and simulator) on up to two cores.
    return { timeoutMs: this.options.timeoutMs, memoryMb: this.options.memoryMb, maxProcesses: 256, cpuSeconds: (this.options.timeoutMs / 1000) * 2, maxOutputBytes: 8 << 20, scratchMb: 64 };
  }

  private parse(run: CommandRun, workloads: Workload[], all: (kind: string, message: string) => ServedRun[]): ServedRun[] {
    const tail = run.stderr.trim().split('\n').slice(-6).join('\n');
    const withTail = (message: string): string => (tail ? `${message}; the server's last output:\n${tail}` : message);
    switch (run.end) {
      case 'exited':
        break;
      case 'cancelled':
        return all('cancelled', 'evaluation cancelled');
      case 'timeout':
        return all('timeout', withTail(`the scheduler server and simulation exceeded the ${this.options.timeoutMs} ms limit for ${workloads.length} workload(s)`));
      case 'output':
        return all('output', 'the scheduler server printed more than 8 MB and was stopped');
      case 'sandbox':
        return all('sandbox', `the command sandbox failed: ${run.detail ?? 'unknown error'}`);
      default: {
        const what = describeLimit(run.end, this.limits()).replace('the evaluator command', 'the scheduler server');
        return all(run.end, withTail(`${what}${run.detail ? ` (${run.detail})` : ''}`));
      }
    }
    const line = run.stdout
      .split('\n')
      .reverse()
      .find((l) => l.startsWith(SERVED_RESULT_MARK));
    if (line === undefined) return all('server', withTail(`the simulation ended without a result (exit code ${String(run.code ?? run.signal)})`));
    let value: { results?: { id: string; outcome: SimulationOutcome }[] };
    try {
      value = JSON.parse(line.slice(SERVED_RESULT_MARK.length)) as typeof value;
    } catch {
      return all('server', 'the simulation printed a malformed result');
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

