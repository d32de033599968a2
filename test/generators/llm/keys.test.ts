// API keys: only the provider in use needs one, a missing key is one clear error, and a key
// never shows up in errors, logs, results or cassettes.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAnthropicGenerator, createLlmGenerator, createOpenAiGenerator, LlmConfigError } from '../../../src/generators/llm';
import { searchReplaceReply, startFakeLlmServer, type FakeLlmServer } from '../../helpers/fake-llm-server';
import { context, fastRetry, request, signal } from './fixtures';

const OPENAI_KEY = 'sk-proj-SECRETopenai0123456789';
const ANTHROPIC_KEY = 'sk-ant-SECRETanthropic0123456789';
const OLD_LINE = '  return bins.map((b) => -(b - item));';

let server: FakeLlmServer;
before(async () => {
  server = await startFakeLlmServer({ rules: [{ reply: searchReplaceReply(OLD_LINE, '  return bins;') }] });
});
after(async () => {
  await server.close();
});

test('a missing key is one error naming the provider and how to set it', async () => {
  await assert.rejects(
    createOpenAiGenerator({ model: 'gpt-4.1-mini' }, context()),
    (err: Error) =>
      err instanceof LlmConfigError &&
      err.message === `OpenAI API key missing (needed for model 'gpt-4.1-mini'): set the OPENAI_API_KEY environment variable, or store it with the editor command "Policy Evolver: Set API Key"`,
  );
  await assert.rejects(createAnthropicGenerator({ model: 'claude-sonnet-4-5' }, context()), /Anthropic API key missing \(needed for model 'claude-sonnet-4-5'\): set the ANTHROPIC_API_KEY environment variable/);
  await assert.rejects(
    createLlmGenerator({ models: ['openai:gpt-4.1-mini', 'anthropic:claude-haiku-4-5'] }, context()),
    (err: Error) => /OPENAI_API_KEY/.test(err.message) && /ANTHROPIC_API_KEY/.test(err.message),
  );
  await assert.rejects(
    createLlmGenerator({ models: [{ provider: 'openai-compatible', model: 'm', baseUrl: 'https://llm.example.com/v1', apiKeyEnv: 'TOGETHER_KEY' }] }, context()),
    /needs the key named by apiKeyEnv: set the TOGETHER_KEY environment variable/,
  );
});

test('only the providers in use need a key', async () => {
  const gen = await createLlmGenerator({ models: ['anthropic:claude-haiku-4-5'] }, context({ ANTHROPIC_API_KEY: ANTHROPIC_KEY }));
  assert.equal(gen.id, 'llm');
  const local = await createOpenAiGenerator({ provider: 'openai-compatible', model: 'qwen', baseUrl: 'http://127.0.0.1:11434/v1' }, context());
  assert.equal(local.id, 'openai');
  // A loopback proxy for the OpenAI provider does not demand a key either.
  await createOpenAiGenerator({ model: 'gpt-4o', baseUrl: server.openaiBaseUrl }, context());
});

test('a local openai-compatible server never receives the OpenAI key', async () => {
  server.requests.length = 0;
  const gen = await createLlmGenerator({ models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl }] }, context({ OPENAI_API_KEY: OPENAI_KEY }));
  await gen.generate(request(), signal());
  assert.equal(server.requests[0]?.headers.authorization, 'Bearer no-key');
  const named = await createLlmGenerator(
    { models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl, apiKeyEnv: 'LOCAL_KEY' }] },
    context({ LOCAL_KEY: 'local-secret-999' }),
  );
  await named.generate(request(), signal());
  assert.equal(server.requests[1]?.headers.authorization, 'Bearer local-secret-999');
});

test('keys never appear in errors, logs, results or cassettes', async () => {
  const strict = await startFakeLlmServer({ apiKey: 'the-right-key-000000', rules: [{ reply: [{ kind: 'error', status: 500, message: 'upstream rejected key the-right-key-000000' }, searchReplaceReply(OLD_LINE, '  return bins;')] }] });
  const dir = mkdtempSync(join(tmpdir(), 'pe-keys-'));
  try {
    for (const [provider, baseUrl, keyName, key] of [
      ['openai', strict.openaiBaseUrl, 'OPENAI_API_KEY', OPENAI_KEY],
      ['anthropic', strict.anthropicBaseUrl, 'ANTHROPIC_API_KEY', ANTHROPIC_KEY],
    ] as const) {
      const cassette = join(dir, `${provider}.jsonl`);
      const ctx = context({ [keyName]: key });
      const gen = await createLlmGenerator({ models: [{ provider, model: 'fake-small', baseUrl }], record: cassette, ...fastRetry() }, ctx);
      // The server rejects the key and echoes it back in its message.
      const err = await gen.generate(request(), signal()).then(
        () => assert.fail('expected an authentication error'),
        (e: Error) => e,
      );
      assert.match(err.message, new RegExp(`authentication failed \\(HTTP 401\\); check ${keyName}: Incorrect API key provided: \\[redacted\\]`));
      const everything = [err.message, err.stack ?? '', ctx.logs.join('\n'), JSON.stringify(ctx.usage), readFileSync(cassette, 'utf8')].join('\n');
      assert.ok(!everything.includes(key), `${provider} key leaked`);
    }
    // Keys also stay out of retried-error logs and successful results.
    const ctx = context({ OPENAI_API_KEY: 'the-right-key-000000' });
    const cassette = join(dir, 'ok.jsonl');
    const gen = await createLlmGenerator({ models: [{ provider: 'openai', model: 'fake-small', baseUrl: strict.openaiBaseUrl }], record: cassette, ...fastRetry() }, ctx);
    const result = await gen.generate(request(), signal());
    const everything = [JSON.stringify(result), ctx.logs.join('\n'), readFileSync(cassette, 'utf8')].join('\n');
    assert.match(ctx.logs.join('\n'), /server error \(HTTP 500\): upstream rejected key \[redacted\]/);
    assert.ok(!everything.includes('the-right-key-000000'));
  } finally {
    await strict.close();
  }
});
