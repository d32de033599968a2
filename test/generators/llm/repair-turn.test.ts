// Defect 9 of issue 16 (recovery): a reply that cannot be applied gets one repair turn with the
// exact error, through both SDKs against the loopback fake, before the proposal counts as failed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch } from '../../../src/core/patch';
import { createLlmGenerator } from '../../../src/generators/llm';
import { searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { PROGRAM, context, fastRetry, request, signal } from './fixtures';

for (const provider of ['openai-compatible', 'anthropic'] as const) {
  test(`${provider}: a SEARCH that matches nothing is repaired in one more turn`, async () => {
    const server = await startFakeLlmServer({
      rules: [
        {
          reply: [
            searchReplaceReply('  return bins.map(b => -(b - item))', '  return bins.map((b) => b - item);', 'Roomy bins first.'),
            searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins.map((b) => b - item);', 'Roomy bins first, copied exactly this time.'),
          ],
        },
      ],
    });
    try {
      const ctx = context({ ANTHROPIC_API_KEY: 'sk-ant-0000000000' });
      const baseUrl = provider === 'anthropic' ? server.anthropicBaseUrl : server.openaiBaseUrl;
      const g = await createLlmGenerator({ models: [{ provider, model: 'fake-small', baseUrl }], ...fastRetry() }, ctx);
      const result = await g.generate(request(), signal());
      assert.equal(applyPatch(PROGRAM, result.patch), PROGRAM.replace('-(b - item)', 'b - item'));
      assert.equal(result.explanation, 'Roomy bins first, copied exactly this time.');
      assert.equal(server.requests.length, 2);
      const repair = server.requests[1]?.user ?? '';
      assert.ok(repair.startsWith(server.requests[0]?.user ?? 'x'), 'the repair turn repeats the original prompt');
      assert.match(repair, /## Your previous reply\n\n```text\nRoomy bins first\./);
      assert.match(repair, /## Why it could not be used\n\nthe reply did not apply: edit 1: the SEARCH text did not match the parent/);
      assert.equal(result.exchanges?.length, 2);
      assert.equal(ctx.usage.length, 2, 'both turns are billed');
    } finally {
      await server.close();
    }
  });
}

test('near-duplicate proposals are rejected before evaluation and asked for again', async () => {
  const inspiration = PROGRAM.replace('-(b - item)', 'item - b');
  const server = await startFakeLlmServer({
    rules: [
      {
        reply: [
          // Only a comment changes: the same program once normalised.
          searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins.map((b) => -(b - item)); // tighter'),
          // The inspiration the prompt showed, copied.
          searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins.map((b) => item - b);'),
          searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins.map((b) => (b - item) * 2);'),
        ],
      },
    ],
  });
  try {
    const ctx = context();
    const g = await createLlmGenerator({ models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl }], ...fastRetry() }, ctx);
    const withInspiration = { inspirations: [{ ...request().parent, id: 'c9', code: inspiration }] };
    const first = await g.generate(request(withInspiration), signal()).catch((err: Error) => err);
    assert.ok(first instanceof Error);
    assert.match(first.message, /near-duplicate proposal: the change leaves the program as it was.*after one repair turn: near-duplicate proposal: the program is nearly the same as c9, a program shown above/);
    assert.match(server.requests[1]?.user ?? '', /## Why it could not be used\n\nnear-duplicate proposal: the change leaves the program as it was/);
    const ok = await g.generate(request({ index: 2, ...withInspiration }), signal());
    assert.equal(applyPatch(PROGRAM, ok.patch), PROGRAM.replace('-(b - item)', '(b - item) * 2'));
  } finally {
    await server.close();
  }
});
