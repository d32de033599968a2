// The `command` evaluator: any language, any tool. The candidate file is placed in a private folder
// of an OS sandbox (bubblewrap) and the user's command scores it, printing a JSON result (see README).
import { resolve } from 'node:path';
import type { CandidateSource, EvalResult, Evaluator, Workload } from '../../core/types';
import { describeLimit, openCommandSandbox, type CommandRun } from '../../sandbox/command';
import type { EvaluatorFactory } from '../types';
import { parseCommandOptions, type CommandEvaluatorOptions } from './options';
import { lastJsonObject, parseCommandResult } from './result-schema';

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const failed = (error: string, feedback = ''): EvalResult => ({ ok: false, score: Number.NaN, metrics: {}, features: {}, perWorkload: [], feedback, error });

/** Variables every command gets: enough to find programs and print text, nothing that identifies the user. */
const BASE_ENV = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'];

function commandEnv(options: CommandEvaluatorOptions, dir: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_ENV, ...options.env]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  return { ...env, HOME: dir, TMPDIR: `${dir}/tmp`, ...extra };
}

function endedEarly(run: CommandRun, options: CommandEvaluatorOptions, stderrTail: string): EvalResult | undefined {
  switch (run.end) {
    case 'exited':
      return undefined;
    case 'cancelled':
      return failed('evaluation cancelled');
    case 'timeout':
      return failed(`the evaluator command exceeded its ${options.timeoutSeconds} s time limit and was killed`, stderrTail);
    case 'output':
      return failed(`the evaluator command printed more than ${options.maxOutputBytes} bytes and was stopped`, stderrTail);
    case 'memory':
    case 'processes':
    case 'cpu':
      return failed(`${describeLimit(run.end, options)}${run.detail ? ` (${run.detail})` : ''}`, stderrTail);
    case 'sandbox':
      return failed(`the command sandbox failed: ${run.detail ?? 'unknown error'}`, stderrTail);
  }
}

export const createCommandEvaluator: EvaluatorFactory = async (raw, ctx) => {
  const options = parseCommandOptions(raw, ctx.baseDir);
  const cwd = resolve(ctx.baseDir, options.cwd);
  const sandbox = await openCommandSandbox({ unsandboxed: options.unsandboxed });
  const evaluator: Evaluator = {
    info: { id: 'command', domain: options.domain, features: options.features, ...(options.lowerIsBetter.length ? { lowerIsBetter: options.lowerIsBetter } : {}) },
    async workloads() {
      return options.workloads;
    },
    async evaluate(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<EvalResult> {
      const ids = workloads.map((w) => w.id);
      const run = await sandbox.run({
        cwd,
        files: [{ name: candidate.fileName, content: candidate.code }],
        limits: {
          timeoutMs: options.timeoutSeconds * 1000,
          memoryMb: options.memoryMb,
          maxProcesses: options.maxProcesses,
          cpuSeconds: options.cpuSeconds,
          maxOutputBytes: options.maxOutputBytes,
          scratchMb: options.scratchMb,
        },
        network: options.network,
        signal,
        prepare(dir) {
          const file = `${dir}/${candidate.fileName}`;
          let command = options.command.includes('{file}') ? options.command.replaceAll('{file}', shellQuote(file)) : `${options.command} ${shellQuote(file)}`;
          command = command.replaceAll('{workloads}', shellQuote(ids.join(',')));
          const env = commandEnv(options, dir, { POLICY_EVOLVER_CANDIDATE: file, POLICY_EVOLVER_WORKLOADS: JSON.stringify(ids), POLICY_EVOLVER_CANDIDATE_ID: candidate.id });
          return { command, env };
        },
      });
      const stderrTail = run.stderr.trim().split('\n').slice(-8).join('\n');
      const early = endedEarly(run, options, stderrTail);
      if (early) return early;
      let parsed;
      try {
        parsed = parseCommandResult(lastJsonObject(run.stdout));
      } catch (err) {
        const exit = run.code !== 0 ? ` (exit code ${run.code ?? run.signal})` : '';
        return failed(`evaluator output${exit}: ${(err as Error).message}`, stderrTail);
      }
      if (run.code !== 0 && parsed.ok) return failed(`the evaluator command exited with code ${run.code ?? run.signal} after printing a result`, stderrTail);
      if (!parsed.feedback && stderrTail && !parsed.ok) parsed.feedback = stderrTail;
      // Per-workload results that the engine did not ask for are dropped rather than trusted.
      parsed.perWorkload = parsed.perWorkload.filter((r) => ids.includes(r.workloadId));
      return parsed;
    },
  };
  return evaluator;
};
