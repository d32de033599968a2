// Restarting the broker in the middle of a run: the coordinator, the workers and the sampler
// reconnect on their own and the run completes with every candidate evaluated exactly once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from '../helpers/tmp';
import { startBroker, type TestBroker } from './helpers/broker';
import { buildCli, countEvaluated, evaluationsPerCandidate, makeProject, releaseHold, runState, spawnCli, until } from './helpers/cluster';

let broker: TestBroker;
let cli: { path: string; remove(): void };

before(async () => {
  [broker, cli] = await Promise.all([startBroker('restart'), buildCli()]);
});

after(async () => {
  cli?.remove();
  await broker?.stop();
});

test('a broker restart mid-run: everyone reconnects and the run completes with nothing lost', { timeout: 600_000 }, async () => {
  // Candidates from c4 on wait until the broker has been restarted: the restart is certainly mid-run.
  // The gate lives in the project folder: the only host folder an evaluator command sees.
  const dir = tempDir();
  const hold = { file: join(dir, 'go'), from: 4 };
  makeProject(dir, { hold });
  const runs = join(dir, 'runs');
  const worker = spawnCli(cli.path, ['worker', '--broker', broker.url, '--experiment', 'restart', '--evaluators', '2', '--min-evaluators', '2', '--samplers', '1'], { cwd: dir });
  const run = spawnCli(cli.path, ['evolve', 'heuristic.js', '--config', 'evolve.json', '--seed', '7', '--budget', '16', '--concurrency', '2', '--runs-dir', runs, '--broker', broker.url, '--remote-samplers', '--experiment', 'restart'], { cwd: dir });
  await until('a few evaluations before the restart', () => countEvaluated(runs) >= 3);
  await broker.restart();
  releaseHold(hold);
  const result = await run.exited;
  assert.equal(result.code, 0, run.output());
  assert.match(run.output(), /broker: lost the broker connection/);
  assert.match(run.output(), /broker: reconnected to amqp:\/\/guest@127\.0\.0\.1/);
  await worker.waitFor(/\[evaluator \d+\] [^\n]*reconnected to/);
  await worker.waitFor(/\[sampler \d+\] [^\n]*reconnected to/);

  const { proposed, counts } = evaluationsPerCandidate(runs);
  assert.ok(proposed.length >= 16);
  for (const id of proposed) assert.equal(counts.get(id), 1, `${id} has ${counts.get(id) ?? 0} evaluation records`);
  const state = runState(runs);
  assert.equal(state.ended, 'budget-candidates');
  assert.equal(state.failed, 0, 'no candidate failed because of the restart');
  assert.equal((await worker.stop('SIGINT')).code, 0, worker.output());
});
