// Whole runs across processes against a real RabbitMQ: a coordinator and three worker processes
// (plus a remote sampler) end with the same population as the local pool; kill -9 of a worker in
// the middle of an evaluation loses nothing and counts nothing twice; broker credentials appear in
// no output, journal or command line; `status` shows the workers.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { StatusReport } from '../../src/transport/monitor';
import { tempDir } from '../helpers/tmp';
import { startBroker, type TestBroker } from './helpers/broker';
import { buildCli, evaluationsPerCandidate, journal, makeProject, releaseHold, runDir, runState, spawnCli, type Proc } from './helpers/cluster';

const PASSWORD = 'Pa55-w0rd-never-logged';
let broker: TestBroker;
let cli: { path: string; remove(): void };
let userUrl: string;

before(async () => {
  [broker, cli] = await Promise.all([startBroker('cluster'), buildCli()]);
  userUrl = broker.addUser('evolver', PASSWORD);
});

after(async () => {
  cli?.remove();
  await broker?.stop();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

const evolveArgs = (runsDir: string, extra: string[]): string[] => ['evolve', 'heuristic.js', '--config', 'evolve.json', '--seed', '5', '--runs-dir', runsDir, ...extra];

test('one coordinator and three worker processes end with the same population as the local pool; no credentials leak', { timeout: 600_000 }, async () => {
  // Candidates after the starting program wait until the status has been read: on a fast machine
  // the run could otherwise end before it reports its workers or before status sees its coordinator.
  const base = tempDir();
  const hold = { file: join(base, 'go'), from: 1 };
  const dir = makeProject(base, { hold });
  const localRuns = join(dir, 'local-runs');
  const remoteRuns = join(dir, 'remote-runs');
  const worker = spawnCli(cli.path, ['worker', '--broker', userUrl, '--experiment', 'same', '--evaluators', '3', '--min-evaluators', '3', '--samplers', '1'], { cwd: dir });
  const local = spawnCli(cli.path, evolveArgs(localRuns, ['--budget', '14', '--concurrency', '1']), { cwd: dir });
  // The coordinator gets the URL from the environment, the workers on the command line: both paths are checked.
  const remote = spawnCli(cli.path, evolveArgs(remoteRuns, ['--budget', '14', '--concurrency', '1', '--broker', '--remote-samplers', '--experiment', 'same']), {
    cwd: dir,
    env: { POLICY_EVOLVER_BROKER_URL: userUrl },
  });
  await remote.waitFor(/3 evaluation worker\(s\) attached/);
  // Ask until every process has been heard from: on a loaded machine a heartbeat can miss one
  // listening window, so the test waits for the report rather than for a fixed time.
  let report: StatusReport | undefined;
  let statusOutput = '';
  const statusOutputs: string[] = [];
  const complete = (r: StatusReport): boolean => r.workers.filter((w) => w.kind === 'evaluator').length >= 3 && r.workers.some((w) => w.kind === 'sampler') && r.supervisors.length > 0 && r.coordinators.length > 0;
  for (let attempt = 0; attempt < 40 && (report === undefined || !complete(report)); attempt++) {
    const status = spawnCli(cli.path, ['status', '--broker', userUrl, '--experiment', 'same', '--json', '--listen', '3'], { cwd: dir });
    assert.equal((await status.exited).code, 0, status.output());
    statusOutput = status.output();
    statusOutputs.push(statusOutput);
    report = JSON.parse(statusOutput.trim().split('\n').pop() as string) as StatusReport;
  }
  assert.ok(report, statusOutput);
  assert.equal(report.workers.filter((w) => w.kind === 'evaluator').length, 3, statusOutput);
  assert.equal(report.workers.filter((w) => w.kind === 'sampler').length, 1);
  assert.equal(report.supervisors.length, 1);
  assert.equal(report.coordinators.length, 1);
  for (const w of report.workers) assert.ok(!cmdline(w.pid).includes(PASSWORD), `worker ${w.pid} has the password on its command line`);
  releaseHold(hold);

  assert.equal((await remote.exited).code, 0, remote.output());
  assert.equal((await local.exited).code, 0, local.output());
  const expected = runState(localRuns);
  const actual = runState(remoteRuns);
  assert.equal(actual.ended, 'budget-candidates');
  assert.deepEqual(actual.population.snapshot(), expected.population.snapshot());
  const sources = (s: typeof expected): string[] => [...s.candidates.values()].sort((x, y) => x.index - y.index).map((c) => c.sourceHash);
  assert.deepEqual(sources(actual), sources(expected));
  assert.equal(actual.championId, expected.championId);
  assert.notEqual(actual.championId, 'c0', 'the run found a better program, so the comparison covers improvements');

  const evaluated = journal(remoteRuns).filter((e) => e.type === 'evaluated' && e.result?.ok);
  assert.ok(evaluated.length > 0);
  for (const e of evaluated) assert.equal(e.result?.metrics?.brokerUrlInEnv, 0, `the evaluator of ${e.id} could read the broker URL`);

  const stopped = await worker.stop('SIGINT');
  assert.equal(stopped.code, 0, worker.output());
  const outputs = [worker.output(), local.output(), remote.output(), ...statusOutputs].join('\n');
  assert.ok(!outputs.includes(PASSWORD), 'the password appears in the output');
  for (const file of filesUnder(runDir(remoteRuns))) assert.ok(!readFileSync(file, 'utf8').includes(PASSWORD), `${file} holds the password`);
  const snapshot = JSON.parse(readFileSync(join(runDir(remoteRuns), 'run.json'), 'utf8')) as { config: { broker?: { url?: string } } };
  assert.equal(snapshot.config.broker?.url, `amqp://evolver@127.0.0.1:${broker.port}/`);
});

test('kill -9 of a worker during an evaluation: the task is evaluated by another worker, nothing lost or counted twice', { timeout: 600_000 }, async () => {
  // Every candidate after the starting program waits until the worker has been killed.
  // The gate lives in the project folder: the only host folder an evaluator command sees.
  const dir = tempDir();
  const hold = { file: join(dir, 'go'), from: 1 };
  makeProject(dir, { hold });
  const runs = join(dir, 'runs');
  const worker: Proc = spawnCli(cli.path, ['worker', '--broker', userUrl, '--experiment', 'kill', '--evaluators', '3', '--min-evaluators', '3', '--verbose'], { cwd: dir });
  const run = spawnCli(cli.path, evolveArgs(runs, ['--budget', '10', '--concurrency', '3', '--broker', userUrl, '--experiment', 'kill', '--quiet']), { cwd: dir });
  // Wait for a worker to be well into a candidate's evaluation (not the starting program's).
  const [, pid, label] = await worker.waitFor(/\[evaluator (\d+)\] [^\n]*started evaluate (c[1-9]\d*) \(attempt 1\)/);
  process.kill(Number(pid), 'SIGKILL');
  releaseHold(hold);
  assert.equal((await run.exited).code, 0, run.output());
  const redelivered = await worker.waitFor(new RegExp(`\\[evaluator (\\d+)\\] [^\\n]*started evaluate ${label} \\(attempt 2\\)`));
  assert.notEqual(redelivered[1], pid, 'another worker evaluated the redelivered task');
  assert.match(worker.output(), new RegExp(`evaluator process ${pid} exited unexpectedly \\(signal SIGKILL\\)`));

  const { proposed, counts } = evaluationsPerCandidate(runs);
  assert.ok(proposed.length >= 10);
  for (const id of proposed) assert.equal(counts.get(id), 1, `${id} has ${counts.get(id) ?? 0} evaluation records`);
  const killed = journal(runs).find((e) => e.type === 'evaluated' && e.id === label);
  assert.equal(killed?.result?.ok, true, `the interrupted candidate ${label} was evaluated: ${JSON.stringify(killed?.result)}`);
  assert.equal(runState(runs).ended, 'budget-candidates');
  assert.equal((await worker.stop('SIGINT')).code, 0, worker.output());
});
