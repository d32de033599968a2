// Every scripted behaviour of the fake server, through both wire formats (OpenAI chat
// completions and Anthropic messages), checking what the user ends up seeing.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applyPatch } from '../../../src/core/patch';
import type { GenerationRequest, JsonValue } from '../../../src/core/types';
import { createLlmGenerator, GenerationError, LlmCallError } from '../../../src/generators/llm';
import { rewriteReply, searchReplaceReply, startFakeLlmServer, type FakeApi, type FakeLlmServer, type FakeRule } from '../../helpers/fake-llm-server';
import { context, fastRetry, PROGRAM, program, request, signal, type RecordingContext } from './fixtures';

const APIS: FakeApi[] = ['openai', 'anthropic'];
const OLD_LINE = '  return bins.map((b) => -(b - item));';
const NEW_LINE = '  return bins.map((b) => (b >= item ? -(b - item) : -Infinity));';

let server: FakeLlmServer;
before(async () => {
  server = await startFakeLlmServer();
});
after(async () => {
  await server.close();
});

function withoutModel(extra: { [key: string]: JsonValue }): { [key: string]: JsonValue } {
  const { model: _model, ...rest } = extra;
  return rest;
}

/** Log lines other than the once-per-model price notice. */
function warnings(ctx: RecordingContext): string[] {
  return ctx.logs.filter((l) => !/no price known/.test(l));
}

async function run(api: FakeApi, rules: FakeRule[], extra: { [key: string]: JsonValue } = {}, req: GenerationRequest = request()) {
  server.rules = rules;
  server.requests.length = 0;
  const ctx: RecordingContext = context({ ANTHROPIC_API_KEY: 'sk-ant-test-key-0001' });
  const model = api === 'openai' ? { provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl } : { provider: 'anthropic', model: 'fake-small', baseUrl: server.anthropicBaseUrl };
  const gen = await createLlmGenerator({ models: [{ ...model, ...(extra.model as object) }], ...fastRetry(), ...withoutModel(extra) }, ctx);
  const outcome = await gen.generate(req, signal()).then(
    (result) => ({ result, error: undefined }),
    (error: Error) => ({ result: undefined, error }),
  );
  return { ...outcome, ctx };
}

test('a good SEARCH/REPLACE edit becomes a patch, with explanation, usage and the exchange', async () => {
  for (const api of APIS) {
    const { result, error, ctx } = await run(api, [{ match: OLD_LINE, reply: { ...searchReplaceReply(OLD_LINE, NEW_LINE, 'Skip bins that cannot hold the item.'), usage: { input: 900, output: 60, cached: 512 } } }]);
    assert.equal(error, undefined, `${api}: ${error?.message}`);
    assert.ok(result);
    assert.equal(applyPatch(PROGRAM, result.patch), PROGRAM.replace(OLD_LINE, NEW_LINE));
    assert.equal(result.explanation, 'Skip bins that cannot hold the item.');
    assert.equal(result.source, api === 'openai' ? 'openai-compatible/fake-small' : 'anthropic/fake-small');
    // Both providers normalise to: input counts all prompt tokens, cached is the cached part.
    assert.deepEqual(
      ctx.usage.map((u) => [u.inputTokens, u.outputTokens, u.cachedInputTokens]),
      [[900, 60, 512]],
    );
    assert.deepEqual(result.usage, ctx.usage);
    assert.equal(result.exchanges?.length, 1);
    assert.match(result.exchanges?.[0]?.prompt ?? '', /"role":"system"/);
    assert.match(result.exchanges?.[0]?.response ?? '', /<<<<<<< SEARCH/);
    assert.equal(server.requests[0]?.stream, true, 'calls are streamed');
  }
});

test('a full rewrite becomes a block patch', async () => {
  for (const api of APIS) {
    const code = 'function priority(item, bins) {\n  return bins.map((b) => item - b);\n}';
    // patchTypes 'engine': the engine's preference for a rewrite is followed as it is.
    const { result, error } = await run(api, [{ reply: rewriteReply(code) }], { patchTypes: 'engine' }, request({ patchMode: 'full' }));
    assert.equal(error, undefined);
    assert.equal(result?.patch.kind, 'block');
    assert.equal(applyPatch(PROGRAM, result!.patch), PROGRAM.replace(OLD_LINE, '  return bins.map((b) => item - b);'));
    assert.match(server.requests[0]?.user ?? '', /complete new content of the evolvable block/);
  }
});

test('prose with no code is a failed generation that names the problem, and its cost is still counted', async () => {
  for (const api of APIS) {
    const { error, ctx } = await run(api, [{ reply: { kind: 'text', text: 'You could try a best-fit strategy instead; it usually wastes less space.' } }]);
    assert.ok(error instanceof GenerationError, String(error));
    assert.match(error.message, /fake-small: unusable reply: it contains no SEARCH\/REPLACE edit and no code \(reply began: "You could try a best-fit.*; after one repair turn: unusable reply/);
    // The one repair turn is an exchange and a cost of its own.
    assert.equal(error.exchanges.length, 2);
    assert.equal(ctx.usage.length, 2);
  }
});

test('a malformed edit is reported with the edit number and line', async () => {
  for (const api of APIS) {
    const { error } = await run(api, [{ reply: { kind: 'text', text: `Fix.\n<<<<<<< SEARCH\n${OLD_LINE}\n>>>>>>> REPLACE\n` } }]);
    assert.ok(error instanceof GenerationError);
    assert.match(error.message, /edit 1 \(SEARCH at reply line 2\) has no '=======' line between its SEARCH and REPLACE parts/);
  }
});

test('429 with Retry-After waits as told, then succeeds', async () => {
  const { result, error, ctx } = await run('openai', [
    { reply: [{ kind: 'error', status: 429, message: 'Rate limit reached for requests', headers: { 'retry-after': '1' } }, searchReplaceReply(OLD_LINE, NEW_LINE)] },
  ]);
  assert.equal(error, undefined);
  assert.ok(result);
  assert.equal(server.requests.length, 2);
  assert.equal(warnings(ctx).length, 1);
  assert.match(warnings(ctx)[0] ?? '', /rate limited \(HTTP 429\): Rate limit reached for requests; retry 1 of 4 in 1\.0 s/);
});

test('429 that never ends gives up after the configured retries; quota errors are not retried', async () => {
  for (const api of APIS) {
    const { error } = await run(api, [{ reply: { kind: 'error', status: 429, message: 'slow down', headers: { 'retry-after-ms': '5' } } }], { retries: 2 });
    assert.ok(error instanceof LlmCallError);
    assert.equal(error.kind, 'rate-limit');
    assert.match(error.message, /rate limited \(HTTP 429\): slow down \(gave up after 3 attempts\)/);
    assert.equal(server.requests.length, 3);
  }
  const { error } = await run('openai', [{ reply: { kind: 'error', status: 429, message: 'You exceeded your current quota, please check your plan and billing details.', code: 'insufficient_quota' } }]);
  assert.match(error?.message ?? '', /quota or credit exhausted \(HTTP 429\)/);
  assert.equal(server.requests.length, 1);
});

test('500s are retried with backoff; persistent 500s fail with the server message', async () => {
  for (const api of APIS) {
    const flaky = await run(api, [{ reply: [{ kind: 'error', status: 500, message: 'boom' }, { kind: 'error', status: 503, message: 'busy' }, searchReplaceReply(OLD_LINE, NEW_LINE)] }]);
    assert.equal(flaky.error, undefined);
    assert.equal(server.requests.length, 3);
    assert.equal(flaky.ctx.logs.filter((l) => /retry \d of/.test(l)).length, 2);
    const down = await run(api, [{ reply: { kind: 'error', status: 500, message: 'internal failure' } }], { retries: 1 });
    assert.ok(down.error instanceof LlmCallError);
    assert.match(down.error.message, /server error \(HTTP 500\): internal failure \(gave up after 2 attempts\)/);
    // A 400 is the caller's fault: no retry.
    const bad = await run(api, [{ reply: { kind: 'error', status: 400, message: 'unknown parameter' } }]);
    assert.match(bad.error?.message ?? '', /request rejected \(HTTP 400\): unknown parameter/);
    assert.equal(server.requests.length, 1);
  }
});

test('a slow stream is cancelled midway by the AbortSignal, with no retry', async () => {
  for (const api of APIS) {
    server.rules = [{ reply: { kind: 'text', text: 'x'.repeat(400), chunkSize: 2, chunkDelayMs: 25 } }];
    server.requests.length = 0;
    const disconnectsBefore = server.disconnects;
    const ctx = context({ ANTHROPIC_API_KEY: 'sk-ant-test-key-0001' });
    const model = api === 'openai' ? { provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl } : { provider: 'anthropic', model: 'fake-small', baseUrl: server.anthropicBaseUrl };
    const gen = await createLlmGenerator({ models: [model], ...fastRetry() }, ctx);
    const ctrl = new AbortController();
    const pending = gen.generate(request(), ctrl.signal);
    await server.waitForChunks(server.chunksSent + 3);
    ctrl.abort();
    await assert.rejects(pending, (err: Error) => err.name === 'AbortError');
    // The server sees the client go away; nothing is retried after a cancel.
    await server.waitForDisconnects(disconnectsBefore + 1);
    assert.equal(server.disconnects, disconnectsBefore + 1);
    assert.equal(server.requests.length, 1);
    assert.ok(ctx.usage.length <= 1, 'at most the partial call is billed');
  }
});

test('a stream that stalls is abandoned after stallTimeoutMs and retried', async () => {
  for (const api of APIS) {
    const { result, error, ctx } = await run(api, [{ reply: [{ kind: 'stall', text: 'Thinking about' }, searchReplaceReply(OLD_LINE, NEW_LINE)] }], { stallTimeoutMs: 300 });
    assert.equal(error, undefined, error?.message);
    assert.ok(result);
    assert.equal(server.requests.length, 2);
    assert.match(ctx.logs.join('\n'), /the stream sent nothing for 0\.3 s; retry 1 of 4/);
    // The abandoned attempt consumed tokens; it is billed as well as the successful one.
    assert.equal(ctx.usage.length, 2);
  }
});

test('a dropped connection mid-stream is retried', async () => {
  for (const api of APIS) {
    const { error } = await run(api, [{ reply: [{ kind: 'drop', text: 'partial' }, searchReplaceReply(OLD_LINE, NEW_LINE)] }]);
    assert.equal(error, undefined, error?.message);
    assert.equal(server.requests.length, 2);
  }
});

test('a context-length error trims the prompt and retries once', async () => {
  const filler = `function priority(item, bins) {\n${'  // a long comment line that takes space in the prompt\n'.repeat(120)}  return bins;\n}\n`;
  const req = request({ inspirations: [program({ id: 'c9', score: 1, blocks: [filler] }), program({ id: 'c8', score: 0.5, blocks: [filler] })] });
  for (const api of APIS) {
    const big = { model: { contextWindow: 1_000_000 } };
    const { result, error, ctx } = await run(api, [{ reply: searchReplaceReply(OLD_LINE, NEW_LINE) }], big, req);
    assert.equal(error, undefined);
    const full = (server.requests[0]?.system.length ?? 0) + (server.requests[0]?.user.length ?? 0);
    // Now the same request against a server whose window holds the parent but not the inspirations.
    const server2 = await startFakeLlmServer({ rules: [{ reply: searchReplaceReply(OLD_LINE, NEW_LINE) }], maxPromptChars: full - 6000 });
    try {
      const ctx2 = context({ ANTHROPIC_API_KEY: 'sk-ant-test-key-0001' });
      const model = api === 'openai' ? { provider: 'openai-compatible', model: 'fake-small', baseUrl: server2.openaiBaseUrl } : { provider: 'anthropic', model: 'fake-small', baseUrl: server2.anthropicBaseUrl };
      const gen = await createLlmGenerator({ models: [{ ...model, contextWindow: 1_000_000 }], ...fastRetry() }, ctx2);
      const r2 = await gen.generate(req, signal());
      assert.equal(server2.requests.length, 2);
      assert.match(server2.requests[0]?.user ?? '', /Inspiration 2/);
      assert.doesNotMatch(server2.requests[1]?.user ?? '', /Inspiration 2/);
      assert.match(ctx2.logs.join('\n'), /rejected the prompt as too long; retrying once with about \d+ tokens \(left out .*inspirations/);
      assert.equal(applyPatch(PROGRAM, r2.patch), applyPatch(PROGRAM, result!.patch));
    } finally {
      await server2.close();
    }
    assert.deepEqual(warnings(ctx), []);
  }
});

test('a context-length error with nothing left to trim says what to do', async () => {
  for (const api of APIS) {
    const { error } = await run(api, [{ reply: { kind: 'context-length', limit: 4096, actual: 9000 } }]);
    assert.ok(error instanceof LlmCallError);
    assert.equal(error.kind, 'context-length');
    assert.match(error.message, /the prompt is longer than the model's context window \(HTTP 400\)/);
    assert.match(error.message, /Nothing is left to trim .* use a model with a larger context window, or set contextWindow/);
    assert.equal(server.requests.length, 1);
  }
});

test('a reply cut off by the token limit says to raise maxTokens', async () => {
  for (const api of APIS) {
    const { error } = await run(api, [{ reply: { kind: 'text', text: 'Rewrite:\n```js\nfunction priority(item, bins) {\n  return bins.map((b) =>', finishReason: 'length' } }], { model: { maxTokens: 64 } });
    assert.ok(error instanceof GenerationError);
    assert.match(error.message, /never closed; the reply may have been cut off .* The reply stopped at the token limit \(maxTokens 64\); raise maxTokens\./);
  }
});
