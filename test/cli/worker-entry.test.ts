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

test('a worker whose broker cannot be reached logs its attempts and, with --connect-timeout, gives up with one line and exit 3', () => {
  const env = { ...process.env };
  delete env.POLICY_EVOLVER_BROKER_URL;
  // Port 1 on the loopback: refused at once, on any machine.
  const r = cli(['worker', '--broker', 'amqp://guest:guest@127.0.0.1:1/', '--evaluators', '1', '--connect-timeout', '1'], { env });
  assert.equal(r.code, 3, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0] ?? '', /warn .*cannot connect to amqp:\/\/guest@127\.0\.0\.1:1\/ \(connect ECONNREFUSED[^)]*\); retrying in [\d.]+ s$/);
  assert.match(lines[lines.length - 1] ?? '', /^policy-evolver: cannot reach the broker at amqp:\/\/guest@127\.0\.0\.1:1\/ within 1 s \(--connect-timeout\), after \d+ attempt\(s\): connect ECONNREFUSED/);
  assert.ok(!r.stderr.includes('guest:guest'), 'the password stays out of the log');
  const bad = cli(['worker', '--broker', 'amqp://h/', '--connect-timeout', 'soon'], { env });
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /^policy-evolver: --connect-timeout must be a number from 1 to 604800, got 'soon'\n$/);
});
