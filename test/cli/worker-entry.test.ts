// `policy-evolver worker` runs the worker program (src/worker/main.ts) as its own process: the CLI
// and the worker never import each other, yet the command behaves as before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from '../helpers/cli';

test('policy-evolver worker passes its arguments to the worker program and exits as it does', () => {
  const env = { ...process.env };
  delete env.POLICY_EVOLVER_BROKER_URL;
  const help = cli(['worker', '--help'], { env });
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /--min-evaluators <n>/);
  assert.match(help.stdout, /--samplers <n>/);
  const missing = cli(['worker', '--experiment', 'x'], { env });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^policy-evolver: .*POLICY_EVOLVER_BROKER_URL/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  const bad = cli(['worker', '--broker', 'amqp://h/', '--experiment', 'a.b'], { env });
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /experiment/);
});
