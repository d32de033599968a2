// Sampling temperatures drawn per call from a configured list, through both SDKs against the fake.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLlmGenerator, parseLlmOptions } from '../../../src/generators/llm';
import { searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { context, request, signal } from './fixtures';

const REPLY = searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins;');

test('temperatures are drawn per call from the list, seeded by the candidate; a model may fix its own', async () => {
  const server = await startFakeLlmServer({ rules: [{ reply: REPLY }] });
  try {
    const ctx = context({ ANTHROPIC_API_KEY: 'sk-ant-0000000000' });
    const g = await createLlmGenerator(
      { models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl }], temperatures: [0.2, 1.1] },
      ctx,
    );
    for (let i = 1; i <= 8; i++) await g.generate(request({ index: i }), signal());
    const drawn = server.requests.map((r) => r.body.temperature);
    assert.deepEqual([...new Set(drawn)].sort(), [0.2, 1.1], `drawn ${JSON.stringify(drawn)}`);
    // The same candidate draws the same temperature (a resumed or replayed run asks the same).
    await g.generate(request({ index: 3 }), signal());
    assert.equal(server.requests[8]?.body.temperature, drawn[2]);

    const fixed = await createLlmGenerator(
      { models: [{ provider: 'anthropic', model: 'fake-small', baseUrl: server.anthropicBaseUrl, temperature: 0.5 }], temperatures: [0.2, 1.1] },
      ctx,
    );
    await fixed.generate(request({ index: 4 }), signal());
    assert.equal(server.requests[9]?.body.temperature, 0.5);
  } finally {
    await server.close();
  }
  assert.throws(() => parseLlmOptions({ models: ['openai:x'], temperatures: [3] }), /temperatures must be a list of 1 to 16 numbers from 0 to 2/);
});
