import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { JsonValue } from '../../../src/core/types';
import { costUsd, createLlmGenerator, DEFAULT_PRICES, findPrice, parseLlmOptions, parseSingleModelOptions } from '../../../src/generators/llm';
import { searchReplaceReply, startFakeLlmServer, type FakeLlmServer } from '../../helpers/fake-llm-server';
import { context, request, signal } from './fixtures';

function optionError(options: { [key: string]: JsonValue }): string {
  try {
    parseLlmOptions(options);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

test('options: defaults, shorthands and labels', () => {
  const o = parseLlmOptions({ models: ['openai:gpt-4.1-mini', { provider: 'anthropic', model: 'claude-sonnet-4-5', weight: 3 }, 'openai:gpt-4.1-mini'] });
  assert.deepEqual(
    o.models.map((m) => [m.source, m.baseUrl, m.weight, m.contextWindow, m.maxTokens]),
    [
      ['openai/gpt-4.1-mini#1', 'https://api.openai.com/v1', 1, 1_047_576, 16_384],
      ['anthropic/claude-sonnet-4-5', 'https://api.anthropic.com', 3, 200_000, 16_384],
      ['openai/gpt-4.1-mini#2', 'https://api.openai.com/v1', 1, 1_047_576, 16_384],
    ],
  );
  assert.equal(o.bandit, false);
  assert.deepEqual(o.limits.openai, { concurrency: 4, rateLimitPerMinute: 0 });
  const local = parseLlmOptions({
    models: [{ provider: 'openai-compatible', model: 'qwen2.5-coder:7b', baseUrl: 'http://127.0.0.1:11434/v1/' }],
    concurrency: 2,
    limits: { 'openai-compatible': { rateLimitPerMinute: 30 } },
  });
  assert.equal(local.models[0]?.baseUrl, 'http://127.0.0.1:11434/v1');
  assert.equal(local.models[0]?.contextWindow, 8192);
  assert.deepEqual(local.limits['openai-compatible'], { concurrency: 2, rateLimitPerMinute: 30 });
  const single = parseSingleModelOptions({ model: 'gpt-4o', temperature: 0.7, record: 'x.jsonl' }, 'openai', 'openai generator');
  assert.equal(single.models[0]?.temperature, 0.7);
  assert.equal(single.record, 'x.jsonl');
});

test('options: each mistake is one message naming the field', () => {
  const cases: [{ [key: string]: JsonValue }, string][] = [
    [{}, 'llm generator options: models is required'],
    [{ models: ['gemini:pro'] }, "models[0] must be an object or 'provider:model' such as 'openai:gpt-4.1-mini' (got 'gemini:pro')"],
    [{ models: [{ provider: 'gemini', model: 'x' }] }, "models[0].provider must be one of openai, anthropic, openai-compatible (got 'gemini')"],
    [{ models: [{ provider: 'openai' }] }, 'models[0].model is required'],
    [{ models: [{ provider: 'openai-compatible', model: 'x' }] }, 'models[0].baseUrl is required for openai-compatible models'],
    [{ models: [{ provider: 'openai', model: 'x', baseUrl: 'ftp://h' }] }, "baseUrl must be http or https (got 'ftp://h')"],
    [{ models: [{ provider: 'openai', model: 'x', temprature: 1 }] }, 'models[0].temprature is not an option (did you mean temperature?)'],
    [{ models: ['openai:x'], bandti: true }, 'bandti is not an option (did you mean bandit?)'],
    [{ models: [{ provider: 'openai', model: 'x', temperature: 3 }] }, 'models[0].temperature must be a number from 0 to 2 (got 3)'],
    [{ models: [{ provider: 'openai', model: 'x', maxTokens: 9000, contextWindow: 8192 }] }, 'maxTokens (9000) must be smaller than contextWindow (8192)'],
    [{ models: [{ provider: 'anthropic', model: 'x', temperature: 0.5, reasoningEffort: 'high' }] }, 'temperature cannot be combined with reasoningEffort'],
    [{ models: [{ provider: 'openai', model: 'x', weight: 0 }] }, 'at least one model needs a weight above 0'],
    [{ models: ['openai:x'], prices: { x: { input: 1 } } }, 'prices.x.input and output prices are required'],
    [{ models: ['openai:x'], retries: 1.5 }, 'retries must be an integer from 0 to 20 (got 1.5)'],
    [{ models: ['openai:x'], limits: { azure: {} } }, 'limits.azure is not an option'],
  ];
  for (const [options, expected] of cases) {
    const message = optionError(options);
    assert.ok(message.includes(expected), `for ${JSON.stringify(options)}:\n  got      ${message}\n  expected ${expected}`);
  }
  assert.throws(() => parseSingleModelOptions({ model: 'x', provider: 'anthropic' }, 'openai', 'openai generator'), /openai generator options: provider must be one of openai, openai-compatible/);
});

test('prices: the longest matching prefix wins; cached and cache-write tokens are priced apart', () => {
  assert.equal(findPrice('gpt-4o-mini-2024-07-18', DEFAULT_PRICES), DEFAULT_PRICES['gpt-4o-mini']);
  assert.equal(findPrice('gpt-4o-2024-08-06', DEFAULT_PRICES), DEFAULT_PRICES['gpt-4o']);
  assert.equal(findPrice('claude-sonnet-4-5-20250929', DEFAULT_PRICES), DEFAULT_PRICES['claude-sonnet-4-5']);
  assert.equal(findPrice('claude-sonnet-4-20250514', DEFAULT_PRICES), DEFAULT_PRICES['claude-sonnet-4']);
  assert.equal(findPrice('openai/gpt-4.1', DEFAULT_PRICES), DEFAULT_PRICES['gpt-4.1']);
  assert.equal(findPrice('gpt-4o1', DEFAULT_PRICES), undefined);
  assert.equal(findPrice('llama3', DEFAULT_PRICES), undefined);
  const sonnet = DEFAULT_PRICES['claude-sonnet-4-5'];
  const usd = costUsd({ inputTokens: 1000, cachedInputTokens: 600, cacheWriteTokens: 100, outputTokens: 200 }, sonnet);
  assert.ok(Math.abs(usd - (300 * 3 + 600 * 0.3 + 100 * 3.75 + 200 * 15) / 1e6) < 1e-12);
  assert.equal(costUsd({ inputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5 }, undefined), 0);
});

let server: FakeLlmServer;
before(async () => {
  server = await startFakeLlmServer({
    rules: [{ reply: { ...searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins;'), usage: { input: 2000, output: 100, cached: 1000, cacheWrite: 500 } } }],
  });
});
after(async () => {
  await server.close();
});

test('the ledger: usage normalised across providers and priced from overridable prices', async () => {
  const prices = { 'fake-small': { input: 2, output: 8, cachedInput: 0.5, cacheWrite: 2.5 } };
  const openai = context();
  const g1 = await createLlmGenerator({ models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl }], prices }, openai);
  await g1.generate(request(), signal());
  // OpenAI reports no cache writes: 1000 plain input tokens.
  assert.deepEqual(openai.usage, [
    { provider: 'openai-compatible', model: 'fake-small', inputTokens: 2000, outputTokens: 100, cachedInputTokens: 1000, costUsd: (1000 * 2 + 1000 * 0.5 + 100 * 8) / 1e6 },
  ]);
  const anthropic = context({ ANTHROPIC_API_KEY: 'sk-ant-0000000000' });
  const g2 = await createLlmGenerator({ models: [{ provider: 'anthropic', model: 'fake-small', baseUrl: server.anthropicBaseUrl }], prices }, anthropic);
  await g2.generate(request(), signal());
  // Anthropic reports input without cache reads and writes; the ledger adds them back.
  assert.equal(anthropic.usage[0]?.inputTokens, 2000);
  assert.equal(anthropic.usage[0]?.cachedInputTokens, 1000);
  assert.ok(Math.abs((anthropic.usage[0]?.costUsd ?? 0) - (500 * 2 + 1000 * 0.5 + 500 * 2.5 + 100 * 8) / 1e6) < 1e-12);
  assert.deepEqual(anthropic.logs, [], 'a priced model logs no warning');
  // The system prompt is marked cacheable for Anthropic.
  assert.match(JSON.stringify(server.requests[1]?.body.system), /"cache_control":\{"type":"ephemeral"\}/);
});

test('a server that reports no usage gets estimated counts and one warning', async () => {
  const s = await startFakeLlmServer({ rules: [{ reply: { ...searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins;'), usage: { omit: true } } }] });
  try {
    const ctx = context();
    const g = await createLlmGenerator({ models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: s.openaiBaseUrl }] }, ctx);
    await g.generate(request(), signal());
    await g.generate(request({ index: 2 }), signal());
    assert.equal(ctx.usage.length, 2);
    assert.ok((ctx.usage[0]?.inputTokens ?? 0) > 100);
    assert.ok((ctx.usage[0]?.outputTokens ?? 0) > 5);
    assert.deepEqual(ctx.logs, ['openai-compatible/fake-small: the server reported no token usage; token counts and cost are estimated']);
  } finally {
    await s.close();
  }
});
