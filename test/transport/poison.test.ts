// A poison candidate: its evaluation kills every worker that runs it. After the attempt limit the
// task goes to the dead-letter queue, the candidate is recorded as failed, and the run carries on
// (the supervisor replaces the crashed workers).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { StatusReport } from '../../src/transport/monitor';
import { tempDir } from '../helpers/tmp';
import { startBroker, type TestBroker } from './helpers/broker';
import { buildCli, evaluationsPerCandidate, journal, makeProject, runState, spawnCli } from './helpers/cluster';

let broker: TestBroker;
let cli: { path: string; remove(): void };

before(async () => {
  [broker, cli] = await Promise.all([startBroker('poison'), buildCli()]);
});

after(async () => {
  cli?.remove();
  await broker?.stop();
});

test('a candidate that crashes every worker is dead-lettered after N attempts, reported as failed, and the run continues', { timeout: 600_000 }, async () => {
  const dir = makeProject(tempDir(), { poison: 'c2' });
  const runs = join(dir, 'runs');
  const worker = spawnCli(cli.path, ['worker', '--broker', broker.url, '--experiment', 'poison', '--evaluators', '2', '--min-evaluators', '2'], { cwd: dir });
  const run = spawnCli(cli.path, ['evolve', 'heuristic.js', '--config', 'evolve.json', '--seed', '5', '--budget', '8', '--concurrency', '1', '--runs-dir', runs, '--broker', broker.url, '--experiment', 'poison', '--max-attempts', '3'], { cwd: dir });
  const result = await run.exited;
  assert.equal(result.code, 0, run.output());
  const lines = journal(runs);
  const poison = lines.find((e) => e.type === 'evaluated' && e.id === 'c2');
  assert.equal(poison?.result?.ok, false, JSON.stringify(poison));
  assert.match(poison?.result?.error ?? '', /attempted 3 time\(s\).*dead-letter queue pe\.poison\.dead/);
  assert.match(run.output(), /broker: the evaluation of c2 was attempted 3 time/);

  const { proposed, counts } = evaluationsPerCandidate(runs);
  for (const id of proposed) assert.equal(counts.get(id), 1, `${id} has ${counts.get(id) ?? 0} evaluation records`);
  const after = lines.filter((e) => e.type === 'evaluated' && /^c([3-9]|\d\d)$/.test(e.id ?? '') && e.result?.ok);
  assert.ok(after.length >= 3, 'candidates after the poison one were evaluated');
  const state = runState(runs);
  assert.equal(state.ended, 'budget-candidates');
  assert.equal((worker.output().match(/evaluator process \d+ exited unexpectedly \(signal SIGKILL\)/g) ?? []).length, 3, worker.output());

  const status = spawnCli(cli.path, ['status', '--broker', broker.url, '--experiment', 'poison', '--json', '--listen', '0'], { cwd: dir });
  assert.equal((await status.exited).code, 0, status.output());
  const report = JSON.parse(status.output().trim().split('\n').pop() as string) as StatusReport;
  assert.equal(report.queues.dead.ready, 1, 'the poison task waits in the dead-letter queue');
  assert.equal((await worker.stop('SIGINT')).code, 0, worker.output());
});
