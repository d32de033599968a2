// Runs inside the command sandbox next to a candidate scheduler server (any language, speaking
// Eudoxia's REST protocol): waits until the server listens on the sandbox's loopback, simulates
// every workload of the job with the server deciding, and prints the outcomes as one JSON line.
// The sandbox's network namespace has only loopback, so this process and the candidate can reach
// each other and nothing else. Usage: node served-runner.js <job.json> <server pid>
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { outcomeToJson, runPolicy } from '../run';
import { loadWorkload, parseWorkloadData } from '../workload/workloads';
import { restPolicy } from './rest-policy';
import { SyncHttpClient } from './sync-http';
import { SERVED_RESULT_MARK, type ServedJob } from './served-protocol';

function alive(pid: number): boolean {
  // The server is this process's child (the shell exec'd into it), and nothing here reaps it: a
  // server that died is a zombie, which signal 0 still reaches, so ask /proc first.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    /* no /proc (not Linux), or the process is gone */
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once a TCP connection to the port succeeds; rejects if the server exits or the time runs out. */
async function waitForServer(port: number, pid: number, startupMs: number): Promise<void> {
  const deadline = Date.now() + startupMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    if (pid > 0 && !alive(pid)) throw new Error(`the scheduler server exited before it listened on port ${port}`);
    if (Date.now() >= deadline) throw new Error(`the scheduler server did not listen on port ${port} within ${startupMs} ms`);
    // Polling is the only way to learn that another process started listening.
    await new Promise((r) => setTimeout(r, delay));
  }
}

async function main(argv: string[]): Promise<void> {
  const [jobFile, pidText] = argv;
  if (!jobFile) throw new Error('usage: served-runner <job.json> <server pid>');
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ServedJob;
  const pid = Number(pidText ?? 0);
  let startError: string | undefined;
  try {
    await waitForServer(job.port, pid, job.startupMs);
  } catch (err) {
    startError = (err as Error).message;
  }
  const client = new SyncHttpClient(job.answerMs);
  const results = job.workloads.map((w) => {
    if (startError !== undefined) return { id: w.id, outcome: { ok: false, failure: { kind: 'server', tick: 0, message: startError }, invalid: [], logs: [] } };
    try {
      const loaded = loadWorkload(parseWorkloadData(w.data, `workload ${w.id}`));
      const params = { ...loaded.params, rest_scheduler_addr: `127.0.0.1:${job.port}` };
      return { id: w.id, outcome: outcomeToJson(runPolicy(restPolicy(client, params), { ...loaded, params }, { keepInvalid: job.keepInvalid })) };
    } catch (err) {
      return { id: w.id, outcome: { ok: false, failure: { kind: 'workload-error', tick: 0, message: (err as Error).message }, invalid: [], logs: [] } };
    }
  });
  client.close();
  process.stdout.write(`\n${SERVED_RESULT_MARK}${JSON.stringify({ results })}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`served-runner: ${(err as Error)?.message ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
