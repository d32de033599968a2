// Defect 8 of issue 16: a stream that closes cleanly but early (no [DONE] / finish reason, no
// message_stop) is a truncated reply and is retried, through both SDKs against the loopback fake.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLlmGenerator } from '../../../src/generators/llm';
import { searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { context, fastRetry, request, signal } from './fixtures';

const FULL = searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins.map((b) => b - item);', 'Prefer roomy bins.');

for (const provider of ['openai-compatible', 'anthropic'] as const) {
  test(`${provider}: an early clean close is retried, not taken as the reply`, async () => {
    const server = await startFakeLlmServer({ rules: [{ reply: [{ kind: 'truncate', text: FULL.text.slice(0, 60) }, FULL] }] });
    try {
      const ctx = context({ ANTHROPIC_API_KEY: 'sk-ant-0000000000' });
      const baseUrl = provider === 'anthropic' ? server.anthropicBaseUrl : server.openaiBaseUrl;
      const g = await createLlmGenerator({ models: [{ provider, model: 'fake-small', baseUrl }], ...fastRetry() }, ctx);
      const result = await g.generate(request(), signal());
      assert.deepEqual(result.patch, { kind: 'search-replace', edits: [{ search: '  return bins.map((b) => -(b - item));', replace: '  return bins.map((b) => b - item);' }] });
      assert.equal(server.requests.length, 2, 'the truncated attempt was retried once');
      assert.ok(ctx.logs.some((l) => /closed before .*retry 1 of/.test(l)), ctx.logs.join('\n'));
      // The cut-off attempt's tokens are billed too.
      assert.equal(ctx.usage.length, 2);
    } finally {
      await server.close();
    }
  });
}
