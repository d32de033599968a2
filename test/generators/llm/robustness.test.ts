import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../src/core/rng';
import { createLlmGenerator, type LlmGenerator } from '../../../src/generators/llm';
import { contextNumbers, LlmCallError, retryAfterMs } from '../../../src/generators/llm/errors';
import { EndpointLimiter, type LimiterClock } from '../../../src/generators/llm/limiter';
import { DEFAULT_RETRY, retryDelay, withRetry } from '../../../src/generators/llm/retry';
import { ArmSelector, sampleBeta } from '../../../src/generators/llm/selection';
import { searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { context, request } from './fixtures';

test('Retry-After in seconds, milliseconds or as a date; exponential backoff otherwise', () => {
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '2' })), 2000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '150', 'retry-after': '9' })), 150);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4000), 6000);
  assert.equal(retryAfterMs(new Headers({})), undefined);
  assert.equal(retryDelay(DEFAULT_RETRY, 3, 1234), 1234);
  assert.equal(retryDelay(DEFAULT_RETRY, 1, undefined, () => 1), 1000);
  assert.equal(retryDelay(DEFAULT_RETRY, 3, undefined, () => 1), 4000);
  assert.equal(retryDelay(DEFAULT_RETRY, 3, undefined, () => 0), 2000);
  assert.equal(retryDelay(DEFAULT_RETRY, 20, undefined, () => 1), DEFAULT_RETRY.maxDelayMs);
});

test('context-length messages from several servers yield the window and the prompt size', () => {
  assert.deepEqual(contextNumbers("This model's maximum context length is 8192 tokens. However, your messages resulted in 10,240 tokens."), { limit: 8192, actual: 10240 });
  assert.deepEqual(contextNumbers('prompt is too long: 210000 tokens > 200000 maximum'), { limit: 200000, actual: 210000 });
  assert.deepEqual(contextNumbers('the request (5000 tokens) exceeds the available context size (4096 tokens)'), { limit: 4096, actual: 5000 });
  assert.deepEqual(contextNumbers('something else'), {});
});

// The backoff asked for is longer than the test's patience, so only a cancel that ends the wait lets it pass.
test('withRetry: a cancel during the backoff ends at once; a server asking for too long a wait is not waited for', { timeout: 900_000 }, async () => {
  const ctrl = new AbortController();
  let attempts = 0;
  const pending = withRetry(
    async () => {
      attempts++;
      setTimeout(() => ctrl.abort(), 20);
      throw new LlmCallError('busy', 'server', { retryAfterMs: 290_000 });
    },
    DEFAULT_RETRY,
    ctrl.signal,
  );
  await assert.rejects(pending, (err: Error) => err.name === 'AbortError');
  assert.equal(attempts, 1);
  await assert.rejects(
    withRetry(async () => Promise.reject(new LlmCallError('x: rate limited', 'rate-limit', { retryAfterMs: 3_600_000 })), DEFAULT_RETRY, new AbortController().signal),
    /x: rate limited \(the server asked to wait 3600 s, more than the 300 s allowed\)/,
  );
});

test('limiter: FIFO slots, abortable waits, and a per-minute window', async () => {
  const limiter = new EndpointLimiter(2, 0);
  const never = new AbortController().signal;
  const r1 = await limiter.acquire(never);
  const r2 = await limiter.acquire(never);
  const order: number[] = [];
  const w3 = limiter.acquire(never).then((r) => (order.push(3), r));
  const cancel = new AbortController();
  const w4 = limiter.acquire(cancel.signal);
  const w5 = limiter.acquire(never).then((r) => (order.push(5), r));
  cancel.abort();
  await assert.rejects(w4, (err: Error) => err.name === 'AbortError');
  assert.equal(limiter.inFlight, 2);
  r1();
  r1(); // releasing twice is harmless
  const r3 = await w3;
  r2();
  const r5 = await w5;
  assert.deepEqual(order, [3, 5]);
  r3();
  r5();
  assert.equal(limiter.inFlight, 0);

  let now = 0;
  const sleeps: number[] = [];
  const clock: LimiterClock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  const rated = new EndpointLimiter(10, 2, clock);
  for (let i = 0; i < 3; i++) (await rated.acquire(never))();
  assert.deepEqual(sleeps, [60_000], 'the third start waits for the first to leave the minute');
});

test('the endpoint concurrency limit holds against a real server', async () => {
  for (const concurrency of [1, 3]) {
    const server = await startFakeLlmServer({ rules: [{ reply: { ...searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins;'), chunkSize: 20, chunkDelayMs: 5 } }] });
    try {
      const gen = await createLlmGenerator({ models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl }], concurrency }, context());
      await Promise.all([1, 2, 3, 4, 5, 6].map((index) => gen.generate(request({ index }), new AbortController().signal)));
      assert.equal(server.maxInFlight, concurrency);
      assert.equal(server.requests.length, 6);
    } finally {
      await server.close();
    }
  }
});

test('fixed weights: deterministic per (seed, index), proportional overall', () => {
  const sel = new ArmSelector(
    [
      { source: 'cheap', weight: 3 },
      { source: 'strong', weight: 1 },
    ],
    false,
  );
  assert.equal(sel.pick(7, 11), sel.pick(7, 11));
  let cheap = 0;
  for (let i = 0; i < 4000; i++) if (sel.pick(1, i) === 0) cheap++;
  assert.ok(cheap > 2800 && cheap < 3200, `cheap picked ${cheap} of 4000`);
});

test('the bandit learns which model yields improvements per dollar', () => {
  const rng = new Rng(3);
  let sum = 0;
  for (let i = 0; i < 2000; i++) sum += sampleBeta(2, 6, rng);
  assert.ok(Math.abs(sum / 2000 - 0.25) < 0.02, 'Beta(2,6) has mean 0.25');

  const arms = [
    { source: 'cheap', weight: 1 },
    { source: 'strong', weight: 1 },
  ];
  // Same improvement rate, the strong model costs 20x more: the cheap one pays off.
  const perDollar = new ArmSelector(arms, true);
  // The strong model improves 3x as often at only 1.2x the cost: it pays off.
  const perQuality = new ArmSelector(arms, true);
  for (let i = 0; i < 60; i++) {
    perDollar.recordCall('cheap', 0.001);
    perDollar.recordOutcome('cheap', i % 4 === 0);
    perDollar.recordCall('strong', 0.02);
    perDollar.recordOutcome('strong', i % 4 === 0);
    perQuality.recordCall('cheap', 0.01);
    perQuality.recordOutcome('cheap', i % 12 === 0);
    perQuality.recordCall('strong', 0.012);
    perQuality.recordOutcome('strong', i % 4 === 0);
  }
  const share = (sel: ArmSelector, arm: number) => {
    let n = 0;
    for (let i = 0; i < 500; i++) if (sel.pick(5, i) === arm) n++;
    return n / 500;
  };
  assert.ok(share(perDollar, 0) > 0.9, `cheap share ${share(perDollar, 0)}`);
  assert.ok(share(perQuality, 1) > 0.8, `strong share ${share(perQuality, 1)}`);
});

test('observe() and failed generations feed the bandit of a live generator', async () => {
  const server = await startFakeLlmServer({
    rules: [
      { match: (r) => r.model === 'good', reply: searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins;') },
      { match: (r) => r.model === 'bad', reply: { kind: 'text', text: 'No idea.' } },
    ],
  });
  try {
    const gen = (await createLlmGenerator(
      {
        models: [
          { provider: 'openai-compatible', model: 'good', baseUrl: server.openaiBaseUrl },
          { provider: 'openai-compatible', model: 'bad', baseUrl: server.openaiBaseUrl },
        ],
        bandit: true,
      },
      context(),
    )) as LlmGenerator;
    for (let index = 0; index < 30; index++) {
      try {
        const r = await gen.generate(request({ index }), new AbortController().signal);
        gen.observe?.(r.source, { improved: true, costUsd: 0, scoreDelta: 1 });
      } catch {
        gen.observe?.(undefined, { improved: false, costUsd: 0, scoreDelta: 0 });
      }
    }
    const [good, bad] = gen.armStats();
    assert.equal((good?.trials ?? 0) + (bad?.trials ?? 0), 30);
    assert.equal(good?.improvements, good?.trials);
    assert.equal(bad?.improvements, 0);
    assert.ok((good?.trials ?? 0) > 20, `good model chosen ${good?.trials} times of 30`);
  } finally {
    await server.close();
  }
});
