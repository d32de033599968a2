// The broker pool, sampler pool, workers and supervisor in this process against a real RabbitMQ:
// results equal local ones, one evaluation per key, a duplicate reply is recorded once, a task whose
// worker keeps dying is dead-lettered and reported failed, cancellation reaches the worker, clear
// errors for bad credentials and mismatched settings, and the supervisor scales with queue depth.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect } from 'amqplib';
import type { EvalResult, Evaluator, EvaluationTask, GenerationRequest, Workload } from '../../src/core/types';
import { UserError } from '../../src/core/user-error';
import { BrokerEvaluationPool } from '../../src/transport/broker-pool';
import { parseBrokerUrl } from '../../src/transport/broker-url';
import { BrokerCoordinator } from '../../src/transport/coordinator';
import { startEvaluationWorker } from '../../src/worker/evaluation-worker';
import { silentLogger } from '../../src/transport/log';
import { encodeBody, MESSAGE_VERSION, MessageType } from '../../src/transport/messages';
import { BrokerSamplerPool } from '../../src/transport/sampler-pool';
import { startSamplerWorker } from '../../src/worker/sampler-worker';
import { startSupervisor } from '../../src/worker/supervisor';
import type { RunningWorker } from '../../src/transport/task-worker';
import { createMutateGenerator } from '../../src/generators/mutate';
import { domains } from '../../src/app/domains';
import type { GeneratorFactory } from '../../src/generators/types';
import { toyEvaluator, toyGenerator } from '../helpers/toy-domain';
import { startBroker, type TestBroker } from './helpers/broker';
import { until } from './helpers/cluster';

let broker: TestBroker;
const closers: (() => Promise<unknown>)[] = [];

before(async () => {
  broker = await startBroker('pool');
});

after(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await broker?.stop();
});

const workloads: Workload[] = [
  { id: 's1', split: 'search' },
  { id: 's2', split: 'search' },
];

function task(id: string, code: string, runId = 'run-1'): EvaluationTask {
  return { runId, candidate: { id, code, fileName: 'toy.js', hash: `h-${code}` }, workloads, evaluator: { id: 'toy', options: {} } };
}

async function coordinator(experiment: string, maxAttempts?: number): Promise<BrokerCoordinator> {
  const c = await BrokerCoordinator.connect({ address: parseBrokerUrl(broker.url), experiment, log: silentLogger, ...(maxAttempts ? { maxAttempts } : {}) });
  closers.push(() => c.close());
  return c;
}

async function worker(experiment: string, evaluator: Evaluator): Promise<RunningWorker> {
  const w = await startEvaluationWorker({ address: parseBrokerUrl(broker.url), experiment, concurrency: 2, log: silentLogger, buildEvaluator: async () => ({ evaluator, close: async () => undefined }) });
  closers.push(() => w.abort());
  return w;
}

test('evaluations come back through the broker equal to local ones, failures (NaN) included', async () => {
  const calls = new Map<string, string[][]>();
  const local = toyEvaluator();
  await worker('p1', toyEvaluator({ calls }));
  const pool = new BrokerEvaluationPool(await coordinator('p1'), 2);
  const signal = new AbortController().signal;
  for (const code of ['x = 3;', 'x = 7.5;', 'no number here']) {
    const remote = await pool.evaluate(task(`c-${code}`, code), signal);
    const expected: EvalResult = await local.evaluate(task('c', code).candidate, workloads, signal);
    assert.deepEqual(remote, expected);
  }
  const failed = await pool.evaluate(task('c9', 'nothing'), signal);
  assert.equal(failed.ok, false);
  assert.ok(Number.isNaN(failed.score));
});

test("an evaluator's set-up warnings reach the worker's own log", async () => {
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (message: string) => void warnings.push(message), child: () => log };
  const w = await startEvaluationWorker({
    address: parseBrokerUrl(broker.url),
    experiment: 'p-log',
    concurrency: 1,
    log,
    buildEvaluator: async (_spec, _baseDir, _concurrency, warn) => {
      warn('spin is missing: verdicts come from the fallback checker');
      return { evaluator: toyEvaluator(), close: async () => undefined };
    },
  });
  closers.push(() => w.abort());
  const pool = new BrokerEvaluationPool(await coordinator('p-log'), 1);
  const result = await pool.evaluate(task('c-log', 'x = 1;'), new AbortController().signal);
  assert.equal(result.ok, true);
  assert.deepEqual(warnings, ["evaluator 'toy': spin is missing: verdicts come from the fallback checker"]);
});

test('concurrent requests for the same key share one evaluation', async () => {
  const calls = new Map<string, string[][]>();
  await worker('p2', toyEvaluator({ calls, delayMs: 200 }));
  const c = await coordinator('p2');
  const signal = new AbortController().signal;
  const [a, b] = await Promise.all([c.evaluate(task('c1', 'x = 2;'), signal), c.evaluate(task('c1', 'x = 2;'), signal)]);
  assert.deepEqual(a.result, b.result);
  assert.equal(calls.get('c1')?.length, 1);
  assert.equal(c.stats().published, 1);
});

test('a reply delivered twice is recorded once', async () => {
  const c = await coordinator('p3');
  const pending = c.evaluate(task('c5', 'x = 1;'), new AbortController().signal);
  const conn = await connect(broker.url);
  closers.push(() => conn.close());
  const ch = await conn.createConfirmChannel();
  let msg;
  for (;;) {
    msg = await ch.get('pe.p3.evaluate');
    if (msg) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const result: EvalResult = { ok: true, score: -1, metrics: {}, features: {}, perWorkload: [], feedback: 'from a worker that died before acknowledging' };
  const reply = encodeBody({ version: MESSAGE_VERSION, key: msg.properties.correlationId, runId: 'run-1', candidateId: 'c5', result, worker: { id: 'w', host: 'h' }, attempt: 1, durationMs: 1 });
  for (let i = 0; i < 2; i++) ch.publish('', msg.properties.replyTo, reply, { type: MessageType.evaluation, persistent: true, correlationId: msg.properties.correlationId });
  await ch.waitForConfirms();
  ch.ack(msg);
  const got = await pending;
  assert.deepEqual(got.result, result);
  await until('the second reply to arrive', () => c.stats().duplicates === 1);
  assert.equal(c.stats().results, 1);
});

test('a task whose worker dies on every attempt is dead-lettered and reported as a failed evaluation', async () => {
  const c = await coordinator('p4', 2);
  const pending = c.evaluate(task('c7', 'x = 1;'), new AbortController().signal);
  for (let attempt = 0; attempt < 2; attempt++) {
    // A worker that takes the task and dies (its connection drops) before acknowledging it.
    const conn = await connect(broker.url);
    const ch = await conn.createChannel();
    await ch.prefetch(1);
    let got = false;
    await ch.consume('pe.p4.evaluate', () => (got = true));
    await until('the task to be delivered', () => got, 10_000);
    await conn.close();
  }
  const reply = await pending;
  assert.equal(reply.result.ok, false);
  assert.match(reply.result.error ?? '', /attempted 2 time\(s\).*dead-letter queue pe\.p4\.dead/);
  assert.equal(c.stats().deadLettered, 1);
  const conn = await connect(broker.url);
  closers.push(() => conn.close());
  const dead = await (await conn.createChannel()).checkQueue('pe.p4.dead');
  assert.equal(dead.messageCount, 1, 'the task stays in the dead-letter queue for inspection');
});

test('cancelling an evaluation aborts it on the worker', async () => {
  let sawAbort = false;
  let started = false;
  const slow: Evaluator = {
    info: { id: 'toy', domain: 'toy', features: [] },
    workloads: async () => workloads,
    evaluate: (_c, _w, signal) =>
      new Promise((_resolve, reject) => {
        started = true;
        signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(new Error('aborted'));
        });
      }),
  };
  const w = await worker('p5', slow);
  const c = await coordinator('p5');
  const controller = new AbortController();
  const pending = c.evaluate(task('c1', 'x = 1;'), controller.signal);
  await until('the worker to start', () => started);
  controller.abort(new Error('stop'));
  await assert.rejects(pending, /stop/);
  await until('the worker to see the cancellation', () => sawAbort);
  await until('the worker to be idle', () => w.heartbeat().busy === 0);
  assert.equal(w.heartbeat().completed, 0);
});

const request = (index: number, parentCode: string): GenerationRequest => ({
  runId: 'run-s',
  index,
  seed: 1000 + index,
  fileName: 'toy.js',
  language: 'javascript',
  domain: 'toy',
  parent: { id: 'c0', code: parentCode, score: 0, metrics: {}, feedback: '', blocks: [parentCode] },
  inspirations: [],
  recentFailures: [],
  humanNotes: [],
  patchMode: 'full',
});

test('remote samplers answer like local generators, report usage, and pass on fatal errors', async () => {
  const fake: GeneratorFactory = async (_options, ctx) => toyGenerator({ costUsd: 0.25, ...(ctx.onUsage ? { onUsage: ctx.onUsage } : {}) });
  const broken: GeneratorFactory = async () => {
    throw new Error('OPENAI_API_KEY is not set');
  };
  const sampler = await startSamplerWorker({
    address: parseBrokerUrl(broker.url),
    experiment: 'p6',
    log: silentLogger,
    generatorFactory: (id) => (id === 'fake' ? fake : id === 'broken' ? broken : domains.generatorFactory(id)),
  });
  closers.push(() => sampler.abort());
  const c = await coordinator('p6');
  const usage: unknown[] = [];
  const signal = new AbortController().signal;
  const remote = new BrokerSamplerPool(c, { id: 'fake', options: {} }, 'toy', (u) => usage.push(u));
  const expected = await toyGenerator().generate(request(3, 'x = 1;'), signal);
  assert.deepEqual(await remote.generate(request(3, 'x = 1;'), signal), expected);
  assert.equal(usage.length, 1);

  const program = ['function priority(item, remaining) {', '  const waste = remaining - item;', '  return 0.5 * waste + 2;', '}', ''].join('\n');
  const mutate = await createMutateGenerator({}, { promptsDir: '', domain: 'toy', secret: () => undefined });
  const remoteMutate = new BrokerSamplerPool(c, { id: 'mutate', options: {} }, 'toy', () => undefined);
  for (const index of [1, 2, 3]) assert.deepEqual(await remoteMutate.generate(request(index, program), signal), await mutate.generate(request(index, program), signal));

  const failing = new BrokerSamplerPool(c, { id: 'broken', options: {} }, 'toy', () => undefined);
  await assert.rejects(failing.generate(request(4, 'x = 1;'), signal), (e: Error & { fatal?: boolean }) => e.fatal === true && e instanceof UserError && /^generator 'broken' on sampler sampler@\S+: OPENAI_API_KEY is not set/.test(e.message));
});

test('bad credentials and mismatched queue settings fail with clear messages', async () => {
  const port = parseBrokerUrl(broker.url).connect.port;
  await assert.rejects(
    BrokerCoordinator.connect({ address: parseBrokerUrl(`amqp://guest:wrongpw-123@127.0.0.1:${port}/`), experiment: 'p7', log: silentLogger }),
    (e: Error) => e instanceof UserError && /refused the login of user 'guest'/.test(e.message) && !e.message.includes('wrongpw-123'),
  );
  await coordinator('p7', 3);
  await assert.rejects(BrokerCoordinator.connect({ address: parseBrokerUrl(broker.url), experiment: 'p7', maxAttempts: 5, log: silentLogger }), /pe\.p7\.evaluate already exists with different settings/);
});

test('the supervisor adds evaluators while tasks wait, replaces crashed ones, and removes idle ones', async () => {
  const c = await coordinator('p8');
  const controller = new AbortController();
  for (let i = 0; i < 5; i++) void c.evaluate(task(`c${i}`, `x = ${i};`, 'run-8'), controller.signal).catch(() => undefined);
  const supervisor = await startSupervisor({
    address: parseBrokerUrl(broker.url),
    experiment: 'p8',
    log: silentLogger,
    evaluators: { start: 1, min: 1, max: 3 },
    samplers: 0,
    // A quiet machine, whatever the host's real load: growing and shrinking follow the queue alone.
    cpuLimit: 0.8,
    cpuProbe: () => 0.1,
    intervalMs: 200,
    patience: 2,
    launch: (_role, _args, env) => fork(join(__dirname, 'fixtures', 'fake-child.cjs'), [], { env, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }),
  });
  closers.push(() => supervisor.stop());
  const live = (): number => supervisor.children().filter((x) => !x.stopping).length;
  await until('three evaluators', () => live() === 3 && supervisor.children().every((x) => x.busy === 1));
  const victim = supervisor.children()[0]?.pid as number;
  process.kill(victim, 'SIGKILL');
  await until('a replacement', () => live() === 3 && !supervisor.children().some((x) => x.pid === victim));
  // The work goes away and the processes go idle: the supervisor shrinks to its minimum.
  controller.abort();
  const conn = await connect(broker.url);
  closers.push(() => conn.close());
  await (await conn.createChannel()).purgeQueue('pe.p8.evaluate');
  await until('all idle', () => {
    for (const child of supervisor.children()) if (child.busy) process.kill(child.pid, 'SIGUSR1');
    return supervisor.children().every((x) => x.busy === 0);
  });
  await until('back to the minimum', () => supervisor.children().length === 1 && supervisor.target() === 1);
  await supervisor.stop();
  assert.equal(supervisor.children().length, 0);
});
