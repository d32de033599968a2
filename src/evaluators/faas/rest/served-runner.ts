// The simulator process for a scheduler server in another language: trusted code on the host,
// started by served-candidate.ts, never inside the sandbox (a candidate there could tamper with a
// simulator it shares the sandbox with). It listens on the job's Unix socket, which the relay in
// the sandbox connects to, simulates every workload with the server deciding, and prints the
// outcomes as one JSON line. Usage: node served-runner.js <job.json>
import { readFileSync } from 'node:fs';
import { outcomeToJson, runPolicy } from '../run';
import { loadWorkload, parseWorkloadData } from '../workload/workloads';
import { restPolicy } from './rest-policy';
import type { ServedJob } from './served-protocol';
import { SyncHttpClient } from './sync-http';

function main(argv: string[]): void {
  const [jobFile] = argv;
  if (!jobFile) throw new Error('usage: served-runner <job.json>');
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ServedJob;
  const client = new SyncHttpClient(job.answerMs, { listenPath: job.listenPath });
  const results = job.workloads.map((w) => {
    try {
      const loaded = loadWorkload(parseWorkloadData(w.data, `workload ${w.id}`));
      // The address is nominal: every request travels through the relay.
      const params = { ...loaded.params, rest_scheduler_addr: '127.0.0.1:8080' };
      return { id: w.id, outcome: outcomeToJson(runPolicy(restPolicy(client, params), { ...loaded, params }, { keepInvalid: job.keepInvalid })) };
    } catch (err) {
      return { id: w.id, outcome: { ok: false, failure: { kind: 'workload-error', tick: 0, message: (err as Error).message }, invalid: [], logs: [] } };
    }
  });
  client.close();
  process.stdout.write(`${JSON.stringify({ results })}\n`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
    process.exit(0);
  } catch (err) {
    process.stderr.write(`served-runner: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  }
}
