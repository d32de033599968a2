// The broker-free parts of the distributed layer: URLs and redaction, backoff, message encoding and
// validation, idempotency keys, the scaling rule, and the CLI's broker settings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildBrokerSettings } from '../../src/app/run-config';
import { UserError } from '../../src/core/user-error';
import { Backoff } from '../../src/transport/backoff';
import { BROKER_URL_ENV, parseBrokerUrl, redactSecrets, resolveBrokerAddress } from '../../src/transport/broker-url';
import { createLogger } from '../../src/transport/log';
import { decodeBody, encodeBody, evaluationKey, MalformedMessage, parseEvaluateTask, parseEvaluationReply, MESSAGE_VERSION } from '../../src/transport/messages';
import { RateWindow, type StatusReport } from '../../src/transport/monitor';
import { decideScaling, type ScalingBounds } from '../../src/transport/scaling';
import { formatStatus } from '../../src/transport/status-format';
import { validateSupervisorOptions } from '../../src/worker/supervisor';
import { runKey, topologyFor } from '../../src/transport/topology';
import type { EvaluationTask } from '../../src/core/types';

test('broker URLs: credentials are kept for connecting and never shown', () => {
  const a = parseBrokerUrl('amqp://alice:s%40cret@rabbit.example:5673/exp%2F1?heartbeat=30');
  assert.equal(a.redacted, 'amqp://alice@rabbit.example:5673/exp%2F1');
  assert.equal(a.connect.username, 'alice');
  assert.equal(a.connect.password, 's@cret');
  assert.equal(a.connect.vhost, 'exp/1');
  assert.equal(a.connect.heartbeat, 30);
  assert.equal(a.connect.port, 5673);
  const b = parseBrokerUrl('amqps://host');
  assert.equal(b.connect.port, 5671);
  assert.equal(b.connect.vhost, '/');
  assert.equal(b.connect.heartbeat, 10);
  assert.equal(b.redacted, 'amqps://host/');
  assert.equal(redactSecrets('failed: amqp://bob:hunter2@h:5672/ and amqps://x:y@z/'), 'failed: amqp://bob:***@h:5672/ and amqps://x:***@z/');
});

test('bad broker URLs are refused without echoing a password', () => {
  assert.throws(() => parseBrokerUrl('http://u:topsecret@h/'), (e: Error) => e instanceof UserError && /amqp:\/\//.test(e.message) && !e.message.includes('topsecret'));
  assert.throws(() => parseBrokerUrl('u:topsecret@h'), (e: Error) => !e.message.includes('topsecret'));
  assert.throws(() => parseBrokerUrl('heuristic.js'), /'heuristic\.js' does not start with amqp:\/\/.*--broker as the last option/);
  assert.throws(() => parseBrokerUrl('amqp://u:topsecret@h/?heartbeat=-1'), (e: Error) => /heartbeat/.test(e.message) && !e.message.includes('topsecret'));
});

test('--broker alone reads the URL from the environment; absent means local', () => {
  assert.equal(resolveBrokerAddress(undefined), undefined);
  const env = (name: string): string | undefined => (name === BROKER_URL_ENV ? 'amqp://u:p@h/' : undefined);
  assert.equal(resolveBrokerAddress(true, env)?.redacted, 'amqp://u@h/');
  assert.throws(() => resolveBrokerAddress(true, () => undefined), new RegExp(BROKER_URL_ENV));
});

test('run config keeps the broker URL without its password', () => {
  const settings = buildBrokerSettings({ broker: 'amqp://u:pw123456@h:5672/v', experiment: 'exp-1', remoteSamplers: true, maxAttempts: '5' });
  assert.deepEqual(settings, { url: 'amqp://u@h:5672/v', experiment: 'exp-1', remoteSamplers: true, maxAttempts: 5 });
  assert.ok(!JSON.stringify(settings).includes('pw123456'));
  assert.equal(buildBrokerSettings({}), undefined);
  assert.throws(() => buildBrokerSettings({ experiment: 'x' }), /--experiment only applies with --broker/);
  assert.throws(() => buildBrokerSettings({ broker: 'amqp://h/', experiment: 'a.b' }), /experiment names/);
  assert.throws(() => buildBrokerSettings({ broker: 'amqp://h/', maxAttempts: '0' }), /max-attempts/);
});

test('logs redact passwords even when a message carries a URL', () => {
  const lines: string[] = [];
  const log = createLogger({ name: 't', write: (l) => lines.push(l), format: 'json' });
  log.warn('cannot connect to amqp://user:p4ssw0rd@host/', { url: 'amqp://user:p4ssw0rd@host/' });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0]?.includes('p4ssw0rd'), lines[0]);
});

test('backoff grows exponentially within bounds and resets', () => {
  const b = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 800, 1000]);
  b.reset();
  assert.equal(b.next(), 100);
  const jittery = new Backoff({ initialMs: 1000, maxMs: 1000, factor: 2, jitter: 0.2 }, () => 1);
  assert.equal(jittery.next(), 1200);
  const low = new Backoff({ initialMs: 1000, maxMs: 1000, factor: 2, jitter: 0.2 }, () => 0);
  assert.equal(low.next(), 800);
});

test('message bodies keep NaN and infinities across JSON', () => {
  const decoded = decodeBody(encodeBody({ score: NaN, metrics: { a: Infinity, b: -Infinity, c: 1.5 }, text: 'NaN' })) as Record<string, unknown>;
  assert.ok(Number.isNaN(decoded.score));
  assert.deepEqual(decoded.metrics, { a: Infinity, b: -Infinity, c: 1.5 });
  assert.equal(decoded.text, 'NaN');
});

const task = (over: Partial<EvaluationTask> = {}): EvaluationTask => ({
  runId: 'r1',
  candidate: { id: 'c4', code: 'x', fileName: 'a.js', hash: 'h1' },
  workloads: [
    { id: 'w2', split: 'search' },
    { id: 'w1', split: 'search' },
  ],
  evaluator: { id: 'command', options: {} },
  ...over,
});

test('idempotency keys: same run, candidate, code and workload set give the same key', () => {
  const k = evaluationKey(task());
  assert.equal(evaluationKey(task({ workloads: [{ id: 'w1', split: 'search' }, { id: 'w2', split: 'search' }] })), k, 'workload order does not matter');
  assert.notEqual(evaluationKey(task({ workloads: [{ id: 'w1', split: 'search' }] })), k);
  assert.notEqual(evaluationKey(task({ candidate: { id: 'c5', code: 'x', fileName: 'a.js', hash: 'h1' } })), k);
  assert.notEqual(evaluationKey(task({ runId: 'r2' })), k);
  assert.notEqual(evaluationKey(task({ candidate: { id: 'c4', code: 'y', fileName: 'a.js', hash: 'h2' } })), k);
});

test('receivers refuse malformed or foreign-version messages with a reason', () => {
  assert.throws(() => parseEvaluateTask({ version: MESSAGE_VERSION, key: 'k', publication: 'p', task: { runId: 'r' } }), MalformedMessage);
  assert.throws(() => parseEvaluateTask({ version: 99, key: 'k' }), /version 99/);
  const ok = { version: MESSAGE_VERSION, key: 'k', publication: 'p', task: task() };
  assert.equal(parseEvaluateTask(ok).task.candidate.id, 'c4');
  const reply = { version: MESSAGE_VERSION, key: 'k', runId: 'r', candidateId: 'c', worker: { id: 'w', host: 'h' }, result: { ok: true, score: 1, metrics: { a: 'x' }, features: {}, perWorkload: [], feedback: '' } };
  assert.throws(() => parseEvaluationReply(reply), /metrics/);
});

test('topology names are per experiment and run keys are routing-safe', () => {
  const t = topologyFor('exp-1');
  assert.equal(t.queues.evaluate, 'pe.exp-1.evaluate');
  assert.equal(t.deadQueue, 'pe.exp-1.dead');
  assert.equal(runKey('20260101-000000-heuristic-ab12'), '20260101-000000-heuristic-ab12');
  const odd = runKey('run.with.dots');
  assert.ok(!odd.includes('.'));
  assert.notEqual(odd, runKey('run_with_dots'));
  assert.throws(() => topologyFor('bad name'), /experiment names/);
});

const bounds: ScalingBounds = { min: 1, max: 4, cpuLimit: 0.8, patience: 2 };
const calm = { quietTicks: 0, overloadedTicks: 0 };

test('scaling grows one process at a time while work waits, all are busy and CPU is free', () => {
  assert.equal(decideScaling({ running: 2, busy: 2, queueDepth: 5, cpu: 0.5 }, bounds, calm).change, 1);
  assert.equal(decideScaling({ running: 2, busy: 1, queueDepth: 5, cpu: 0.5 }, bounds, calm).change, 0, 'an idle worker will take the next task');
  assert.equal(decideScaling({ running: 2, busy: 2, queueDepth: 5, cpu: 0.9 }, bounds, calm).change, 0, 'no CPU to spare');
  assert.equal(decideScaling({ running: 4, busy: 4, queueDepth: 50, cpu: 0.1 }, bounds, calm).change, 0, 'at the maximum');
  assert.equal(decideScaling({ running: 0, busy: 0, queueDepth: 0, cpu: 0.1 }, bounds, calm).change, 1, 'below the minimum');
  assert.equal(decideScaling({ running: 2, busy: 2, queueDepth: undefined, cpu: 0.1 }, bounds, calm).change, 0, 'broker unreachable');
});

test('scaling shrinks after the queue stays empty, or the machine stays overloaded, never below the minimum', () => {
  let d = decideScaling({ running: 3, busy: 0, queueDepth: 0, cpu: 0.1 }, bounds, calm);
  assert.equal(d.change, 0);
  d = decideScaling({ running: 3, busy: 0, queueDepth: 0, cpu: 0.1 }, bounds, d.state);
  assert.equal(d.change, -1);
  assert.equal(decideScaling({ running: 1, busy: 0, queueDepth: 0, cpu: 0.1 }, bounds, { quietTicks: 5, overloadedTicks: 0 }).change, 0);
  let o = decideScaling({ running: 3, busy: 3, queueDepth: 9, cpu: 0.99 }, bounds, calm);
  o = decideScaling({ running: 3, busy: 3, queueDepth: 9, cpu: 0.99 }, bounds, o.state);
  assert.equal(o.change, -1);
  assert.equal(decideScaling({ running: 3, busy: 3, queueDepth: 9, cpu: 0.99 }, { ...bounds, overload: 1.1 }, { quietTicks: 0, overloadedTicks: 5 }).change, 0);
});

test('worker bounds are checked with clear messages', () => {
  const ok = { evaluators: { start: 2, min: 1, max: 4 }, samplers: 0, cpuLimit: 0.85, intervalMs: 5000 };
  validateSupervisorOptions(ok);
  assert.throws(() => validateSupervisorOptions({ ...ok, evaluators: { start: 5, min: 1, max: 4 } }), /--evaluators \(5\) must lie between/);
  assert.throws(() => validateSupervisorOptions({ ...ok, evaluators: { start: 0, min: 0, max: 0 } }), /nothing to run/);
  assert.throws(() => validateSupervisorOptions({ ...ok, evaluators: { start: 2, min: 3, max: 2 } }), /above --max-evaluators/);
});

test('throughput window counts completions per minute', () => {
  const w = new RateWindow(60_000);
  for (let i = 0; i < 30; i++) w.record(100, 1_000_000 + i * 1000);
  assert.ok(Math.abs(w.perMinute(1_000_000 + 30_000) - 60) < 1e-9);
  assert.equal(w.averageMs(), 100);
  assert.equal(w.perMinute(1_000_000 + 200_000), 0);
});

test('status text shows queues, runs and workers', () => {
  const now = Date.now();
  const base = { version: 1 as const, host: 'h', pid: 1, experiment: 'e', time: now, startedAt: now - 5000, intervalMs: 2000 };
  const report: StatusReport = {
    broker: 'amqp://u@h/',
    experiment: 'e',
    exists: true,
    queues: { evaluate: { name: 'q', exists: true, ready: 7, consumers: 2 }, generate: { name: 'g', exists: true, ready: 0, consumers: 0 }, dead: { name: 'd', exists: true, ready: 1, consumers: 0 } },
    coordinators: [{ ...base, id: 'c', kind: 'coordinator', runs: ['run-1'], pending: { evaluate: 3, generate: 0 }, published: 10, results: 7, duplicates: 1, deadLettered: 1, maxAttempts: 3, attached: { evaluators: 2, samplers: 0 } }],
    supervisors: [],
    workers: [{ ...base, id: 'evaluator@h:1', kind: 'evaluator', concurrency: 1, busy: 1, completed: 4, failed: 1, redelivered: 1, replayed: 0, avgMs: 120, perMinute: 12, draining: false }],
    listenedMs: 3000,
  };
  const text = formatStatus(report, now);
  assert.match(text, /evaluate\s+7 waiting\s+2 consumer/);
  assert.match(text, /dead\s+1 message\(s\)\s+tasks land here after 3 failed attempt/);
  assert.match(text, /run-1\s+3 in flight\s+7 results\s+1 duplicate/);
  assert.match(text, /workers: 1 evaluator\(s\) at 12\.0\/min/);
  assert.match(formatStatus({ ...report, exists: false }), /nothing here yet/);
});
