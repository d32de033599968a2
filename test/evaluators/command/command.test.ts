import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Evaluator, JsonValue } from '../../../src/core/types';
import { createCommandEvaluator } from '../../../src/evaluators/command';
import { waitUntil } from '../../helpers/processes';
import { tempDir } from '../../helpers/tmp';

const candidate = { id: 'c1', code: 'print(1)\n', fileName: 'policy.py', hash: 'h' };

async function evaluator(options: { [key: string]: JsonValue }, baseDir = tempDir()): Promise<Evaluator> {
  return createCommandEvaluator(options, { baseDir, sandbox: () => { throw new Error('not used'); } });
}

test('reads the last JSON line and per-workload results', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'score.sh'), 'echo "log line"\necho \'{"workloads":[{"id":"a","score":1},{"id":"b","score":3}],"metrics":{"m":2},"feedback":"fine","fingerprint":"fp"}\'\n');
  const ev = await evaluator({ command: 'sh score.sh {file} {workloads}', workloads: [{ id: 'a', split: 'search' }, { id: 'b', split: 'search' }, { id: 'v', split: 'validation' }] }, dir);
  const ws = await ev.workloads();
  assert.deepEqual(ws.map((w) => w.split), ['search', 'search', 'validation']);
  const r = await ev.evaluate(candidate, ws.slice(0, 2), new AbortController().signal);
  assert.equal(r.ok, true);
  assert.deepEqual(r.perWorkload.map((w) => [w.workloadId, w.score]), [['a', 1], ['b', 3]]);
  assert.equal(r.metrics.m, 2);
  assert.equal(r.fingerprint, 'fp');
});

test('the candidate file, workload ids and a secret-free environment reach the command', async () => {
  process.env.OPENAI_API_KEY = 'sk-test-should-not-leak';
  try {
    const ev = await evaluator({ command: `printf '{"score": %s, "feedback": "%s|%s"}' "$(wc -l < {file})" "$(echo "$POLICY_EVOLVER_WORKLOADS" | tr -d '"')" "\${OPENAI_API_KEY:-none}" #` });
    const r = await ev.evaluate({ ...candidate, code: 'a\nb\nc\n' }, await ev.workloads(), new AbortController().signal);
    assert.equal(r.ok, true, r.error);
    assert.equal(r.score, 3);
    assert.equal(r.feedback, '[default]|none');
  } finally {
    delete process.env.OPENAI_API_KEY;
  }
});

test('a timeout kills the whole process tree', async () => {
  const dir = tempDir();
  // The evaluator's folder is read-only to the command, so the lock file exists beforehand.
  writeFileSync(join(dir, 'held.lock'), '');
  // A background child holds a lock for as long as it lives; the main process waits until it does.
  const ev = await evaluator({ command: `flock held.lock sleep 30 & while flock -n held.lock true; do sleep 0.01; done; echo locked >&2; sleep 30 #`, timeoutSeconds: 2 }, dir);
  const r = await ev.evaluate(candidate, await ev.workloads(), new AbortController().signal);
  assert.equal(r.ok, false);
  assert.match(r.error ?? '', /exceeded its 2 s time limit and was killed/);
  assert.match(r.feedback, /locked/, 'the background child had taken the lock before the limit');
  // The lock is free once no process of the tree is left (a killed process releases it as it dies).
  await waitUntil('the background child to be gone', () => spawnSync('flock', ['-n', join(dir, 'held.lock'), 'true']).status === 0);
});

test('cancellation kills the command', async () => {
  const ev = await evaluator({ command: 'sleep 30 #' });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const r = await ev.evaluate(candidate, await ev.workloads(), controller.signal);
  assert.equal(r.ok, false);
  assert.match(r.error ?? '', /cancelled/);
});

test('output beyond the cap stops the command', async () => {
  const ev = await evaluator({ command: 'yes x', maxOutputBytes: 10000 });
  const r = await ev.evaluate(candidate, await ev.workloads(), new AbortController().signal);
  assert.match(r.error ?? '', /printed more than 10000 bytes/);
});

test('non-JSON and schema-violating output get clear errors', async () => {
  const cases: [string, RegExp][] = [
    ['echo hello', /printed no JSON object; its output began: "hello/],
    ['true', /printed nothing on stdout/],
    [`echo '{"score":"high"}'`, /`score` must be a finite number \(higher is better\), got "high"/],
    [`echo '{"score":1,"metrics":{"a":"b"}}'`, /`metrics.a` must be a finite number/],
    [`echo '{"workloads":[{"id":"default"}]}'`, /`workloads\[0\].score` must be a finite number/],
    [`echo '{"ok":false,"error":"policy crashed"}'`, /policy crashed/],
    [`echo '{"score":1}'; exit 3`, /exited with code 3 after printing a result/],
  ];
  for (const [command, pattern] of cases) {
    const ev = await evaluator({ command: `${command} #` });
    const r = await ev.evaluate(candidate, await ev.workloads(), new AbortController().signal);
    assert.equal(r.ok, false, command);
    assert.match(r.error ?? '', pattern, command);
  }
});

test('bad options are rejected with the option named', async () => {
  await assert.rejects(evaluator({}), /`command` is required/);
  await assert.rejects(evaluator({ command: 'x', colour: 1 }), /unknown option 'colour'/);
  await assert.rejects(evaluator({ command: 'x', workloads: [{ id: 'a', split: 'later' }] }), /split must be search, validation or holdout/);
  await assert.rejects(evaluator({ command: 'x', workloads: [{ id: 'a', split: 'validation' }] }), /at least one workload must be in the search split/);
});
