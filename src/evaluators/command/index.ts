// The `command` evaluator: any language, any tool. The candidate file is written to a private
// temporary folder and the user's command scores it, printing a JSON result (see README).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CandidateSource, EvalResult, Evaluator, Workload } from '../../core/types';
import type { EvaluatorFactory } from '../types';
import { parseCommandOptions } from './options';
import { lastJsonObject, parseCommandResult } from './result-schema';
import { runCommand, scrubbedEnv } from './run-command';

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const failed = (error: string, feedback = ''): EvalResult => ({ ok: false, score: Number.NaN, metrics: {}, features: {}, perWorkload: [], feedback, error });

export const createCommandEvaluator: EvaluatorFactory = async (raw, ctx) => {
  const options = parseCommandOptions(raw, ctx.baseDir);
  const cwd = resolve(ctx.baseDir, options.cwd);
  const evaluator: Evaluator = {
    info: { id: 'command', domain: options.domain, features: options.features },
    async workloads() {
      return options.workloads;
    },
    async evaluate(candidate: CandidateSource, workloads: Workload[], signal: AbortSignal): Promise<EvalResult> {
      const dir = await mkdtemp(join(tmpdir(), 'pe-cand-'));
      try {
        const file = join(dir, candidate.fileName);
        await writeFile(file, candidate.code);
        const ids = workloads.map((w) => w.id);
        let command = options.command.includes('{file}') ? options.command.replaceAll('{file}', shellQuote(file)) : `${options.command} ${shellQuote(file)}`;
        command = command.replaceAll('{workloads}', shellQuote(ids.join(',')));
        const run = await runCommand(command, {
          cwd,
          env: scrubbedEnv({ POLICY_EVOLVER_CANDIDATE: file, POLICY_EVOLVER_WORKLOADS: JSON.stringify(ids), POLICY_EVOLVER_CANDIDATE_ID: candidate.id }),
          timeoutMs: options.timeoutSeconds * 1000,
          maxOutputBytes: options.maxOutputBytes,
          signal,
        });
        const stderrTail = run.stderr.trim().split('\n').slice(-8).join('\n');
        if (run.cancelled) return failed('evaluation cancelled');
        if (run.timedOut) return failed(`the evaluator command exceeded its ${options.timeoutSeconds} s time limit and was killed`, stderrTail);
        if (run.overflowed) return failed(`the evaluator command printed more than ${options.maxOutputBytes} bytes and was stopped`, stderrTail);
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
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
  return evaluator;
};
