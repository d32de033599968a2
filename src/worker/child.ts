// One worker process as the supervisor starts it: reads the broker URL from its environment, runs an
// evaluation worker or a sampler, reports busy/idle to the supervisor over IPC, and drains when told
// to stop or when the supervisor goes away.
import { UserError } from '../core/user-error';
import { BROKER_URL_ENV, resolveBrokerAddress } from '../transport/broker-url';
import { startEvaluationWorker } from './evaluation-worker';
import { createLogger, errorText } from '../transport/log';
import { startSamplerWorker } from './sampler-worker';
import { CHILD_CONFIG_EXIT, type WorkerRole } from './supervisor';
import type { RunningWorker } from '../transport/task-worker';

export interface WorkerChildOptions {
  role: WorkerRole;
  experiment: string;
  concurrency: number;
  supervisor?: string;
  logFormat: 'text' | 'json';
  verbose: boolean;
}

/** Runs until stopped; resolves with the exit code the process should use. */
export async function runWorkerChild(options: WorkerChildOptions): Promise<number> {
  const log = createLogger({ name: `${options.role} ${process.pid}`, format: options.logFormat, verbose: options.verbose });
  let worker: RunningWorker;
  try {
    const address = resolveBrokerAddress(true);
    if (!address) throw new UserError('no broker address');
    // Evaluator commands and sandboxes are children of this process: they must not inherit the password.
    delete process.env[BROKER_URL_ENV];
    const common = { address, experiment: options.experiment, log, ...(options.supervisor ? { supervisor: options.supervisor } : {}), onState: (state: { busy: number; completed: number }) => process.send?.({ type: 'state', ...state }) };
    worker = options.role === 'evaluator' ? await startEvaluationWorker({ ...common, concurrency: options.concurrency }) : await startSamplerWorker(common);
  } catch (err) {
    log.error(errorText(err));
    if (process.connected) process.disconnect();
    return err instanceof UserError ? CHILD_CONFIG_EXIT : 1;
  }
  let signals = 0;
  const stop = (): void => {
    signals++;
    if (signals === 1) void worker.drain();
    else void worker.abort();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The supervisor died (kill -9 included): finish the task at hand and leave.
  process.on('disconnect', () => void worker.drain());
  await worker.done;
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  // The IPC channel would keep this process alive after its work is done.
  if (process.connected) process.disconnect();
  return 0;
}
