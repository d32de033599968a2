// `status`: what an experiment on a broker is doing: queue depths, runs, workers, throughput, failures.
import type { Command } from 'commander';
import { BROKER_URL_ENV, resolveBrokerAddress } from '../../transport/broker-url';
import { createLogger } from '../../transport/log';
import { collectStatus, DEFAULT_HEARTBEAT_MS } from '../../transport/monitor';
import { formatStatus } from '../../transport/status-format';
import { DEFAULT_EXPERIMENT, validateExperiment } from '../../transport/topology';
import { ExitCode, UserError } from '../errors';

interface StatusFlags {
  broker?: string | boolean;
  experiment: string;
  listen?: string;
  watch?: boolean;
  json?: boolean;
}

export function registerStatusCommands(program: Command): void {
  program
    .command('status')
    .description('show an experiment on a RabbitMQ broker: queue depths, runs, workers, throughput and failures')
    .option('--broker [url]', `amqp://user:password@host:5672/vhost (default: ${BROKER_URL_ENV})`)
    .option('--experiment <name>', 'experiment (queue prefix) to show', DEFAULT_EXPERIMENT)
    .option('--listen <seconds>', 'how long to collect worker heartbeats (default 3)')
    .option('-w, --watch', 'refresh until Ctrl-C')
    .option('--json', 'print JSON')
    .action(async (flags: StatusFlags) => {
      // Without the flag the variable is the only source: name both when neither is given.
      if (flags.broker === undefined && !process.env[BROKER_URL_ENV]) throw new UserError(`status needs --broker URL (or ${BROKER_URL_ENV})`, ExitCode.usage);
      const address = resolveBrokerAddress(flags.broker ?? true);
      if (!address) throw new UserError(`status needs --broker URL (or ${BROKER_URL_ENV})`);
      const experiment = validateExperiment(flags.experiment);
      const listen = flags.listen === undefined ? (DEFAULT_HEARTBEAT_MS * 3) / 2 : Number(flags.listen) * 1000;
      if (!Number.isFinite(listen) || listen < 0 || listen > 600_000) throw new UserError(`--listen must be 0-600 seconds, got '${flags.listen}'`);
      const log = createLogger({ name: 'status', minLevel: 'warn' });
      let stop = false;
      const onSigint = (): void => {
        stop = true;
      };
      process.on('SIGINT', onSigint);
      try {
        do {
          const report = await collectStatus({ address, experiment, listenMs: listen, log });
          if (flags.json) process.stdout.write(JSON.stringify(report) + '\n');
          else process.stdout.write((flags.watch ? '\x1b[2J\x1b[H' : '') + formatStatus(report) + '\n');
        } while (flags.watch && !stop);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
