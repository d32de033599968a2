// `worker`: runs the worker program (src/worker/main.ts) with the same arguments. The CLI and the
// worker are separate process entries that never import each other; this process only waits,
// passes SIGTERM on, and exits as the worker does. A Ctrl-C reaches both through the terminal.
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { processEntry } from '../../app/process-entries';
import { ExitCode } from '../errors';

export function registerWorkerCommands(program: Command): void {
  program
    .command('worker')
    .description('attach evaluation workers and samplers on this machine to an experiment on a RabbitMQ broker (--help for options)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[options...]')
    .action(async (args: string[]) => {
      const entry = processEntry('worker');
      // The IPC channel lets the worker notice when this process is gone, even after kill -9.
      const child = spawn(process.execPath, [...entry.execArgv, entry.path, 'worker', ...args], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
      const forward = (signal: NodeJS.Signals) => () => {
        if (child.exitCode === null) child.kill(signal);
      };
      const onTerm = forward('SIGTERM');
      // Ctrl-C already reached the worker (same process group); staying alive lets it finish cleanly.
      const onInt = (): void => undefined;
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      try {
        process.exitCode = await new Promise<number>((resolve, reject) => {
          child.once('error', reject);
          child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.internal)));
        });
      } finally {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
      }
    });
}
