import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { GenerationRequest, GenerationResult, Generator } from '../../../src/core/types';
import { createLlmGenerator, readCassette } from '../../../src/generators/llm';
import { createReplayGenerator } from '../../../src/generators/replay';
import { rewriteReply, searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { context, program, request, signal } from './fixtures';

const OLD_LINE = '  return bins.map((b) => -(b - item));';
type Outcome = { result?: GenerationResult; error?: string };

async function outcome(gen: Generator, req: GenerationRequest): Promise<Outcome> {
  return gen.generate(req, signal()).then(
    (result) => ({ result }),
    (err: Error) => ({ error: err.message }),
  );
}

const filler = `function priority(item, bins) {\n${'  // long commentary that only bloats the prompt\n'.repeat(100)}  return bins;\n}\n`;

/** A mix of requests exercising every recorded path. */
function requests(): GenerationRequest[] {
  return [
    request({ index: 0 }),
    request({ index: 1, patchMode: 'full', humanNotes: ['keep it short'] }),
    request({ index: 2, humanNotes: ['prose please'] }),
    request({ index: 3, humanNotes: ['server down'] }),
    request({ index: 4, inspirations: [program({ id: 'c5', score: 1, blocks: [filler] }), program({ id: 'c6', score: 2, blocks: [filler] })] }),
    // Same prompt as index 0: its own recorded response must come back.
    request({ index: 5 }),
  ];
}

test('a recorded run replays offline to identical results, errors included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pe-cassette-'));
  const cassette = join(dir, 'sub', 'run.cassette.jsonl');
  const reqs = requests();
  const full = 'function priority(item, bins) {\n  return bins.map((b) => b);\n}';
  let zeroCount = 0;
  const server = await startFakeLlmServer({
    rules: [
      { match: 'prose please', reply: { kind: 'text', text: 'I would rather not change anything.' } },
      { match: 'server down', reply: { kind: 'error', status: 500, message: 'server on fire' } },
      { match: 'keep it short', reply: rewriteReply(full) },
      { match: 'long commentary', reply: (req) => (req.user.includes('Inspiration 2') ? { kind: 'context-length', limit: 3000, actual: 5200 } : searchReplaceReply(OLD_LINE, '  return bins.map((b) => b * 2);')) },
      { reply: () => searchReplaceReply(OLD_LINE, `  return bins.map((b) => b - ${++zeroCount});`) },
    ],
  });
  const live: Outcome[] = [];
  const liveCtx = context();
  try {
    const gen = await createLlmGenerator(
      { models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl, contextWindow: 1_000_000 }], record: cassette, retries: 0 },
      liveCtx,
    );
    for (const r of reqs) live.push(await outcome(gen, r));
  } finally {
    await server.close();
  }
  assert.ok(live[0]?.result && live[1]?.result && live[4]?.result && live[5]?.result);
  assert.match(live[2]?.error ?? '', /unusable reply/);
  assert.match(live[3]?.error ?? '', /server on fire/);
  assert.notDeepEqual(live[0]?.result?.patch, live[5]?.result?.patch, 'the two identical prompts got different answers');
  const { entries } = readCassette(cassette);
  assert.equal(entries.length, 8, 'six requests, one sent twice after a context-length rejection, one followed by a repair turn');
  assert.ok(entries.some((e) => e.repairOf));
  assert.equal(entries.filter((e) => e.error).length, 2);
  assert.ok(entries.some((e) => e.retryOf));

  // The server is gone: replay runs offline.
  const replayCtx = context();
  const replay = await createReplayGenerator({ cassette }, replayCtx);
  for (let i = 0; i < reqs.length; i++) {
    assert.deepEqual(await outcome(replay, reqs[i] as GenerationRequest), live[i], `request ${i}`);
  }
  assert.deepEqual(replayCtx.usage, liveCtx.usage, 'recorded usage is reported again');

  const quiet = context();
  const replayNoUsage = await createReplayGenerator({ cassette, usage: 'none' }, quiet);
  assert.deepEqual((await outcome(replayNoUsage, reqs[0] as GenerationRequest)).result?.patch, live[0]?.result?.patch);
  assert.deepEqual(quiet.usage, []);
});

test('a prompt missing from the cassette is an error naming its hash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pe-cassette-'));
  const cassette = join(dir, 'c.jsonl');
  const server = await startFakeLlmServer({ rules: [{ reply: searchReplaceReply(OLD_LINE, '  return bins;') }] });
  try {
    const gen = await createLlmGenerator({ models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl }], record: cassette }, context());
    await gen.generate(request(), signal());
  } finally {
    await server.close();
  }
  const replay = await createReplayGenerator({ cassette }, context());
  const changed = request({ humanNotes: ['a note that was not there when recording'] });
  const err = await replay.generate(changed, signal()).then(
    () => assert.fail('expected a miss'),
    (e: Error) => e,
  );
  assert.equal(err.name, 'ReplayMissError');
  assert.match(err.message, /^replay: no recorded response for prompt [0-9a-f]{64} \(candidate 1\) in .*c\.jsonl; the prompt differs from every recorded one/);
  const hash = /prompt ([0-9a-f]{64})/.exec(err.message)?.[1];
  assert.notEqual(hash, readCassette(cassette).entries[0]?.hash);
});

test('cassette files: a torn last line is skipped; bad files and options are clear errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pe-cassette-'));
  const cassette = join(dir, 'c.jsonl');
  const server = await startFakeLlmServer({ rules: [{ reply: searchReplaceReply(OLD_LINE, '  return bins;') }] });
  try {
    const gen = await createLlmGenerator({ models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server.openaiBaseUrl }], record: cassette }, context());
    await gen.generate(request(), signal());
  } finally {
    await server.close();
  }
  appendFileSync(cassette, '{"type":"call","hash":"abc","ind');
  const ctx = context();
  const replay = await createReplayGenerator({ cassette }, ctx);
  assert.equal((await replay.generate(request(), signal())).patch.kind, 'search-replace');
  assert.match(ctx.logs.join('\n'), /skipped a last line cut short/);
  // Recording again (a resumed run) drops the torn line and appends after it.
  const server2 = await startFakeLlmServer({ rules: [{ reply: searchReplaceReply(OLD_LINE, '  return [];') }] });
  try {
    const again = await createLlmGenerator({ models: [{ provider: 'openai-compatible', model: 'fake-small', baseUrl: server2.openaiBaseUrl }], record: cassette }, context());
    await again.generate(request({ index: 2, humanNotes: ['resumed'] }), signal());
  } finally {
    await server2.close();
  }
  const lines = readFileSync(cassette, 'utf8').split('\n');
  assert.equal(lines[0], '{"type":"cassette","version":1}');
  assert.deepEqual(readCassette(cassette), { entries: readCassette(cassette).entries, tornTail: false });
  assert.equal(readCassette(cassette).entries.length, 2);

  await assert.rejects(createReplayGenerator({}, context()), /replay generator options: cassette is required/);
  await assert.rejects(createReplayGenerator({ cassette: join(dir, 'none.jsonl') }, context()), /cassette file not found: .*none\.jsonl/);
  await assert.rejects(createReplayGenerator({ cassette, speed: 2 }, context()), /speed is not an option/);
  const notCassette = join(dir, 'x.jsonl');
  writeFileSync(notCassette, '{"type":"run-started"}\n');
  await assert.rejects(createReplayGenerator({ cassette: notCassette }, context()), /is not a cassette/);
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"type":"cassette","version":1}\nnot json\n{"type":"call"}\n');
  await assert.rejects(createReplayGenerator({ cassette: bad }, context()), /line 2 is not valid JSON/);
});
