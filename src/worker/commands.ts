// The worker process's commands: `worker` attaches evaluators and samplers on this machine to an
// experiment on a RabbitMQ broker (`policy-evolver worker` starts this program with it), and the
// hidden `worker-process` each of them runs as.
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { BROKER_URL_ENV, resolveBrokerAddress } from '../transport/broker-url';
import { runWorkerChild } from './child';
import { createLogger } from '../transport/log';
import { CHILD_COMMAND, startSupervisor, type WorkerRole } from './supervisor';
import { DEFAULT_EXPERIMENT, validateExperiment } from '../transport/topology';
import { UserError } from '../core/user-error';
import { ExitCode } from '../app/exit-codes';
import { parseIntFlag } from '../app/run-config';

interface WorkerFlags {
  broker?: string | boolean;
  experiment: string;
  evaluators?: string;
  minEvaluators?: string;
  maxEvaluators?: string;
  samplers?: string;
  cpuLimit?: string;
  scaleInterval?: string;
  connectTimeout?: string;
  jsonLogs?: boolean;
  verbose?: boolean;
}

interface ChildFlags {
  role: string;
  experiment: string;
  concurrency: string;
  supervisor?: string;
  jsonLogs?: boolean;
  verbose?: boolean;
}

function parseNumber(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UserError(`--${name} must be a number from ${min} to ${max}, got '${value}'`);
  return n;
}

export function registerWorkerCommands(program: Command): void {
  program
    .command('worker')
    .description('attach evaluation workers and samplers on this machine to an experiment on a RabbitMQ broker')
    .option('--broker [url]', `amqp://user:password@host:5672/vhost (default: ${BROKER_URL_ENV}, which keeps the password out of ps)`)
    .option('--experiment <name>', 'experiment (queue prefix) to serve', DEFAULT_EXPERIMENT)
    .option('--evaluators <n>', 'evaluator processes to start with (default: number of cores)')
    .option('--min-evaluators <n>', 'never scale below this many evaluators (default 1, or 0 with --evaluators 0)')
    .option('--max-evaluators <n>', 'never scale above this many evaluators (default: --evaluators)')
    .option('--samplers <n>', "sampler processes answering generation requests with this machine's API keys (default 0)")
    .option('--cpu-limit <percent>', 'start more evaluators only while CPU use is below this (default 85)')
    .option('--scale-interval <seconds>', 'how often to reconsider the number of evaluators (default 5)')
    .option('--connect-timeout <seconds>', 'give up (exit 3) when the broker cannot be reached this long after starting (default: keep trying, logging each failed attempt at first and every 10th after; a lost connection is always retried)')
    .option('--json-logs', 'log one JSON object per line')
    .option('-v, --verbose', 'log every task')
    .action(async (flags: WorkerFlags) => {
      const address = resolveBrokerAddress(flags.broker ?? true);
      if (!address) throw new UserError(`worker needs --broker URL (or ${BROKER_URL_ENV})`);
      const experiment = validateExperiment(flags.experiment);
      const start = parseIntFlag('evaluators', flags.evaluators, 0) ?? availableParallelism();
      const max = parseIntFlag('max-evaluators', flags.maxEvaluators, 0) ?? Math.max(start, parseIntFlag('min-evaluators', flags.minEvaluators, 0) ?? 0);
      const min = parseIntFlag('min-evaluators', flags.minEvaluators, 0) ?? Math.min(1, start);
      const samplers = parseIntFlag('samplers', flags.samplers, 0) ?? 0;
      const logFormat = flags.jsonLogs ? 'json' : 'text';
      const log = createLogger({ name: 'worker', format: logFormat, verbose: flags.verbose === true });
      const supervisor = await startSupervisor({
        address,
        experiment,
        log,
        evaluators: { start, min, max },
        samplers,
        cpuLimit: parseNumber('cpu-limit', flags.cpuLimit, 85, 1, 100) / 100,
        intervalMs: parseNumber('scale-interval', flags.scaleInterval, 5, 0.2, 3600) * 1000,
        ...(flags.connectTimeout !== undefined ? { connectTimeoutMs: parseNumber('connect-timeout', flags.connectTimeout, 0, 1, 7 * 24 * 3600) * 1000 } : {}),
        childArgs: [...(flags.jsonLogs ? ['--json-logs'] : []), ...(flags.verbose ? ['--verbose'] : [])],
      });
      let interrupts = 0;
      const onSignal = (): void => {
        interrupts++;
        if (interrupts > 1) process.exit(ExitCode.interrupted);
        log.info('stopping: workers finish their current task (Ctrl-C again to quit at once)');
        void supervisor.stop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // Started by `policy-evolver worker`: if that process goes away (even killed), stop too.
      const onParentGone = (): void => {
        interrupts = Math.max(interrupts, 1);
        log.info('the launching process went away: stopping');
        void supervisor.stop();
      };
      if (process.send) process.on('disconnect', onParentGone);
      try {
        await supervisor.done;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.off('disconnect', onParentGone);
        if (process.connected) process.disconnect();
      }
    });

  program
    .command(CHILD_COMMAND, { hidden: true })
    .description('one worker process (started by `worker`; reads the broker URL from the environment)')
    .requiredOption('--role <role>', 'evaluator or sampler')
    .option('--experiment <name>', 'experiment to serve', DEFAULT_EXPERIMENT)
    .option('--concurrency <n>', 'tasks at a time (evaluators only)', '1')
    .option('--supervisor <id>', 'id of the supervising process')
    .option('--json-logs', 'log one JSON object per line')
    .option('-v, --verbose', 'log every task')
    .action(async (flags: ChildFlags) => {
      if (flags.role !== 'evaluator' && flags.role !== 'sampler') throw new UserError(`--role must be evaluator or sampler, got '${flags.role}'`);
      const code = await runWorkerChild({
        role: flags.role as WorkerRole,
        experiment: validateExperiment(flags.experiment),
        concurrency: parseIntFlag('concurrency', flags.concurrency, 1) ?? 1,
        ...(flags.supervisor ? { supervisor: flags.supervisor } : {}),
        logFormat: flags.jsonLogs ? 'json' : 'text',
        verbose: flags.verbose === true,
      });
      process.exitCode = code;
    });
}
