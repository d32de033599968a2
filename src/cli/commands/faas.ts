// `faas run` and `faas gentrace`: the FaaS scheduling simulator from the command line. Built-in
// policies run in-process; a policy file runs in the sandbox, like candidates do.
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/store-fs';
import { basename, extname, resolve } from 'node:path';
import type { JsonValue } from '../../core/types';
import {
  BUILTIN_POLICY_NAMES,
  defaultParams,
  formatTraceCsv,
  generateTrace,
  InputError,
  isProfile,
  PROFILES,
  readParamsFile,
  readTraceFile,
  runBuiltin,
  type ProfileName,
  type SimParams,
  type SimulationOutcome,
  type Trace,
} from '../../evaluators/faas';
import type { LoadedWorkload } from '../../evaluators/faas/workload/workloads';
import { FAAS_HARNESS } from '../../evaluators/faas/sandbox-harness';
import { runPolicy } from '../../evaluators/faas/run';
import { restPolicy } from '../../evaluators/faas/rest/rest-policy';
import { SyncHttpClient } from '../../evaluators/faas/rest/sync-http';
import { createSandboxPool } from '../../sandbox/pool';
import { ExitCode, UserError } from '../errors';
import { parseDuration } from '../duration';
import { domains } from '../../app/domains';
import { UNSANDBOXED_FLAG } from '../../sandbox/command';
import { UNSANDBOXED_WARNING } from '../unsandboxed';

interface RunFlags {
  trace?: string;
  params?: string;
  json?: boolean;
  physics?: string;
  serve?: string;
  timeLimit: string;
  unsandboxedCommands?: boolean;
}

interface GentraceFlags {
  params?: string;
  profile?: string;
  seed?: string;
  force?: boolean;
}

/** Where the commands write; tests pass their own. */
export interface FaasCliOutput {
  out(text: string): void;
  err(text: string): void;
}

const STD_OUTPUT: FaasCliOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export function registerFaasCommands(program: Command, io: FaasCliOutput = STD_OUTPUT): void {
  const faas = program.command('faas').description('the FaaS scheduling simulator (Eudoxia-compatible)');

  faas
    .command('run')
    .description(`simulate a scheduling policy: a policy file (.ts/.js), a built-in (${BUILTIN_POLICY_NAMES.join(', ')}), or 'rest' for an Eudoxia REST scheduler server at rest_scheduler_addr`)
    .argument('<policy>', 'policy file or built-in policy name')
    .option('--trace <file>', "workload trace CSV in Eudoxia's format (default: generate one from the parameters)")
    .option('--params <file>', "parameters in Eudoxia's TOML (or JSON) keys (default: Eudoxia's defaults)")
    .option('--json', "print one JSON object: Eudoxia's stats fields (null where Eudoxia writes NaN) plus `extra`")
    .option('--physics <mode>', "'eudoxia' (default: exactly Eudoxia, quirks included) or 'corrected' (exact memory sums, sub-tick suspension writes finish)")
    .option('--serve <cmd>', 'the policy file is a scheduler server in any language (Eudoxia REST protocol), started by this command inside the OS sandbox: {file} is the file, {port} (and $PORT) the port, as with evolve --serve')
    .option('--time-limit <duration>', `wall-clock limit of a policy file's (or --serve server's) simulation, e.g. 90s, 10m, 1h; past it the run ends with exit code ${ExitCode.evaluation}`, DEFAULT_TIME_LIMIT)
    .option(UNSANDBOXED_FLAG, 'with --serve: run the server without the OS sandbox (bubblewrap), on a free host port: only where it cannot run, and only for code you trust')
    .action(async (policy: string, flags: RunFlags) => {
      const limit = parseTimeLimit(flags.timeLimit);
      const unsandboxed = flags.unsandboxedCommands === true;
      if (unsandboxed && flags.serve === undefined) throw new UserError(`${UNSANDBOXED_FLAG} only applies to scheduler servers (--serve)`, ExitCode.usage);
      const workload = loadInputs(flags);
      const outcome =
        flags.serve !== undefined
          ? await runServed(policy, flags.serve, workload, limit, unsandboxed, io)
          : policy === 'rest' && !existsSync(policy)
            ? runRest(workload)
            : isBuiltin(policy)
              ? runBuiltinChecked(policy, workload, io)
              : await runFile(policy, workload, limit);
      report(outcome, flags.json === true, io);
    });

  faas
    .command('gentrace')
    .description("write a generated workload trace in Eudoxia's CSV format")
    .argument('<output>', "CSV file to write ('-' for standard output)")
    .option('--params <file>', 'parameters (duration, load, priorities, seed...) in TOML or JSON')
    .option('--profile <name>', `workload profile: ${PROFILES.join(', ')}`, 'eudoxia')
    .option('--seed <n>', 'random seed (default: random_seed from the parameters)')
    .option('-f, --force', 'overwrite an existing file')
    .action((output: string, flags: GentraceFlags) => {
      const params = flags.params ? readParams(flags.params) : defaultParams();
      const profile = flags.profile ?? 'eudoxia';
      if (!isProfile(profile)) throw new UserError(`unknown profile '${profile}' (use ${PROFILES.join(', ')})`, ExitCode.usage);
      const seed = flags.seed === undefined ? params.random_seed : parseSeed(flags.seed);
      const trace = generateTrace(params, profile as ProfileName, { seed });
      const csv = formatTraceCsv(trace);
      if (output === '-') {
        io.out(csv);
        return;
      }
      const path = resolve(output);
      if (existsSync(path) && !flags.force) throw new UserError(`${output} already exists; use --force to overwrite it`);
      writeFileAtomic(path, csv);
      const ops = trace.pipelines.reduce((n, p) => n + p.operators.length, 0);
      io.err(`wrote ${trace.pipelines.length} pipelines (${ops} operators) over ${params.duration} s to ${output} (profile ${profile}, seed ${seed})\n`);
    });
}

/** Generous for the largest traces the simulator takes, short enough that a looping policy is caught. */
const DEFAULT_TIME_LIMIT = '5m';

interface TimeLimit {
  /** As the user wrote it, for the message. */
  text: string;
  ms: number;
}

function parseTimeLimit(text: string): TimeLimit {
  let ms: number;
  try {
    ms = parseDuration(text, '--time-limit');
  } catch (err) {
    throw new UserError((err as Error).message, ExitCode.usage);
  }
  if (ms <= 0) throw new UserError(`--time-limit must be more than 0, got '${text}'`, ExitCode.usage);
  return { text, ms };
}

const timedOut = (limit: TimeLimit): string => `the simulation did not finish within ${limit.text} (--time-limit; does the policy loop?)`;

function isBuiltin(policy: string): boolean {
  return BUILTIN_POLICY_NAMES.includes(policy) && !existsSync(policy);
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0) throw new UserError(`--seed must be a non-negative integer, got '${text}'`, ExitCode.usage);
  return seed;
}

function readParams(file: string): SimParams {
  try {
    return readParamsFile(file);
  } catch (err) {
    if (err instanceof InputError) throw new UserError(err.message);
    throw err;
  }
}

function loadInputs(flags: RunFlags): LoadedWorkload {
  const params = flags.params ? readParams(flags.params) : defaultParams();
  if (flags.physics !== undefined) {
    if (flags.physics !== 'eudoxia' && flags.physics !== 'corrected') throw new UserError(`--physics must be 'eudoxia' or 'corrected', got '${flags.physics}'`, ExitCode.usage);
    params.physics = flags.physics;
  }
  if (!flags.trace) {
    const trace = generateTrace(params, 'eudoxia');
    return { trace, params, label: `eudoxia trace generated with seed ${params.random_seed}` };
  }
  let trace: Trace;
  try {
    trace = readTraceFile(flags.trace);
  } catch (err) {
    if (err instanceof InputError) throw new UserError(err.message);
    throw err;
  }
  return { trace, params, label: flags.trace };
}

/**
 * The trace as the simulator processes get it: already read, so a fresh sandbox worker need not
 * parse the CSV or generate the trace again.
 */
function shippedWorkload(workload: LoadedWorkload): { [key: string]: JsonValue } {
  const trace = { pipelines: workload.trace.pipelines as unknown as JsonValue, name: basename(workload.label) };
  return { trace, params: workload.params as unknown as { [key: string]: JsonValue }, label: workload.label };
}

/** A scheduler server in any language, started in the command sandbox as `evolve --serve` scores candidates. */
async function runServed(file: string, command: string, workload: LoadedWorkload, limit: TimeLimit, unsandboxed: boolean, io: FaasCliOutput): Promise<SimulationOutcome> {
  if (command.trim() === '') throw new UserError('--serve needs the command that starts the server, e.g. --serve "python3 {file}"', ExitCode.usage);
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`no scheduler file '${file}'`);
  }
  const { SERVE_DEFAULTS, ServedCandidates } = await import('../../evaluators/faas/rest/served-candidate.js');
  if (unsandboxed) io.err(UNSANDBOXED_WARNING);
  const served = new ServedCandidates({ ...SERVE_DEFAULTS, command, unsandboxed, timeoutMs: limit.ms, keepInvalid: 20 }, process.cwd());
  const data = shippedWorkload(workload);
  const candidate = { id: 'faas-run', code, fileName: basename(file), hash: createHash('sha256').update(code).digest('hex') };
  const [run] = await served.run(candidate, [{ id: 'trace', split: 'search', data }], new AbortController().signal);
  // One line: the server's last output (a traceback, say) joined onto the reason.
  const oneLine = (message: string): string => message.trim().replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, ' | ');
  if (run?.failure?.kind === 'timeout') throw new UserError(`${basename(file)}: ${timedOut(limit)}`, ExitCode.evaluation);
  if (run?.failure) throw new UserError(`the scheduler server failed: ${oneLine(run.failure.message)}`, ExitCode.evaluation);
  if (!run?.outcome) throw new UserError('the scheduler server produced no result', ExitCode.evaluation);
  if (!run.outcome.ok) throw new UserError(`the scheduler server failed: ${oneLine(run.outcome.failure.message)}`, ExitCode.evaluation);
  return run.outcome;
}

/** Eudoxia's REST scheduler protocol: the decisions come from the server at rest_scheduler_addr. */
function runRest(workload: LoadedWorkload): SimulationOutcome {
  const client = new SyncHttpClient();
  try {
    const outcome = runPolicy(restPolicy(client, workload.params), workload);
    if (!outcome.ok) throw new UserError(`the REST scheduler at ${workload.params.rest_scheduler_addr} failed: ${outcome.failure.message}`, ExitCode.evaluation);
    return outcome;
  } finally {
    client.close();
  }
}

function runBuiltinChecked(name: string, workload: LoadedWorkload, io: FaasCliOutput): SimulationOutcome {
  const p = workload.params;
  if (name === 'priority-pool' && p.num_pools !== 2) throw new UserError(`priority-pool needs num_pools = 2, the parameters have ${p.num_pools}`);
  if (name === 'overbook' && !p.allow_memory_overcommit) {
    io.err('warning: overbook asks for whole pools of RAM; set allow_memory_overcommit = true or most of its assignments are rejected\n');
  }
  return runBuiltin(name, workload);
}

async function runFile(file: string, workload: LoadedWorkload, limit: TimeLimit): Promise<SimulationOutcome> {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new UserError(`no policy file '${file}' (built-in policies: ${BUILTIN_POLICY_NAMES.join(', ')})`);
  }
  const ext = extname(path).toLowerCase();
  if (!['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].includes(ext)) throw new UserError(`policy file must be TypeScript or JavaScript (.ts, .js), got '${basename(path)}'`);
  const code = readFileSync(path, 'utf8');
  refuseOtherDomainsPolicy(file, code);
  const data = shippedWorkload(workload);
  const pool = createSandboxPool({ size: 1, limits: { timeoutMs: limit.ms, memoryMb: 4096 } });
  try {
    const outcome = await pool.run({ harness: FAAS_HARNESS, candidateCode: code, candidateFileName: basename(path), input: { workloads: [{ id: 'run', data }], maxLogLines: 200 } });
    if (!outcome.ok) throw new UserError(`${basename(path)}: ${outcome.kind === 'timeout' ? timedOut(limit) : outcome.message}`, ExitCode.evaluation);
    const value = outcome.value as unknown as { results: { outcome: SimulationOutcome }[] };
    const result = value.results[0]?.outcome;
    if (!result) throw new UserError('the sandbox returned no result', ExitCode.internal);
    return result;
  } finally {
    await pool.close();
  }
}

/** Another domain's policy would only fail on its exports (exit 4): name the domain it belongs to. */
function refuseOtherDomainsPolicy(file: string, code: string): void {
  const owners = domains.ownersInstead('faas', file, code);
  if (owners.length > 0) throw new UserError(`${basename(file)} is a ${owners.join(' or ')} policy, not a faas one (no step export): run it with policy-evolver ${owners[0]} run`, ExitCode.badInput);
}

function report(outcome: SimulationOutcome, json: boolean, io: FaasCliOutput): void {
  if (!outcome.ok) {
    for (const line of outcome.logs ?? []) io.err(`policy: ${line}\n`);
    throw new UserError(`the policy failed (${outcome.failure.kind}): ${outcome.failure.message}`, ExitCode.evaluation);
  }
  const { stats, extra, invalid, logs } = outcome;
  if (json) {
    io.out(`${JSON.stringify({ ...stats, extra: { ...extra, invalid_examples: invalid, policy_logs: logs } }, null, 2)}\n`);
  } else {
    const f = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(2));
    const secs = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(2)}s`);
    const counts = Object.entries(stats.failure_error_counts).map(([k, v]) => `'${k}': ${v}`).join(', ');
    const lines = [
      'Simulation completed:',
      `  Pipelines created: ${stats.pipelines_created}`,
      `  Containers completed: ${stats.containers_completed}`,
      `  Throughput: ${stats.throughput.toFixed(2)} containers/sec`,
      `  P99 latency: ${f(stats.p99_latency)}s`,
      `  Assignments: ${stats.assignments}`,
      `  Suspensions: ${stats.suspensions}`,
      `  Failures: ${stats.failures}`,
      `  Failure/error counts: {${counts}}`,
    ];
    for (const [name, c] of [
      ['all', stats.pipelines_all],
      ['query', stats.pipelines_query],
      ['interactive', stats.pipelines_interactive],
      ['batch', stats.pipelines_batch],
    ] as const) {
      lines.push(`  Pipelines (${name}): ${c.arrival_count} arrived, ${c.completion_count} completed, ${c.timeout_count} timed out, mean latency ${secs(c.mean_latency_seconds)}, p99 ${secs(c.p99_latency_seconds)}`);
    }
    const pct = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(1)}%`);
    const maxJob = extra.max_job_seconds;
    lines.push(
      `  Mean memory allocated: ${pct(extra.mean_memory_allocated_percent)}`,
      `  Mean memory consumed: ${pct(extra.mean_memory_consumed_percent)}`,
      // Eudoxia's CLI: with a job time limit, unfinished pipelines count at 2 x max_job_seconds.
      maxJob > 0
        ? `  Adjusted latency: ${f(extra.adjusted_latency_penalized_seconds)}s (weights query 10, interactive 5, batch 1; unfinished penalty: ${2 * maxJob}s = 2 * max_job_seconds)`
        : `  Adjusted latency: ${f(extra.adjusted_latency_seconds)}s (weights query 10, interactive 5, batch 1; divided by completion rate ${extra.completion_rate === null ? 'n/a' : extra.completion_rate.toFixed(3)})`,
      `  Mean queueing delay: ${f(extra.per_category.all.mean_queueing_delay_seconds)}s; never started: ${extra.per_category.all.never_started}; longest wait ${f(extra.max_wait_seconds)}s`,
      `  Utilisation: CPU allocated ${(extra.cpu_allocation * 100).toFixed(1)}%, RAM allocated ${(extra.ram_allocation * 100).toFixed(1)}%, RAM used ${(extra.ram_consumption * 100).toFixed(1)}%`,
      `  Physics: ${extra.physics === 'eudoxia' ? "eudoxia (exact parity with Eudoxia, its quirks included)" : 'corrected (exact memory sums, sub-tick suspension writes finish; results differ from Eudoxia)'}`,
      `  Simulation time: ${extra.simulation_ms.toFixed(1)} ms (${extra.events} events, ${extra.policy_calls} policy calls)`,
    );
    io.out(`${lines.join('\n')}\n`);
    for (const line of logs) io.err(`policy: ${line}\n`);
  }
  if (extra.invalid_decisions > 0) {
    const first = invalid[0];
    io.err(`policy-evolver: ${extra.invalid_decisions} invalid decision(s) were rejected; first at tick ${first?.tick}: ${first?.rule}: ${first?.message}\n`);
    process.exitCode = ExitCode.evaluation;
  }
}
