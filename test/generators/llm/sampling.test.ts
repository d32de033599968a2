// Sampling temperatures drawn per call from a configured list, through both SDKs against the fake.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assemblePrompt, loadPromptTemplates } from '../../../src/core/prompt';
import { rngFor } from '../../../src/core/rng';
import { createLlmGenerator, parseLlmOptions } from '../../../src/generators/llm';
import { PatchTypeSelector } from '../../../src/generators/llm/patch-types';
import { searchReplaceReply, startFakeLlmServer } from '../../helpers/fake-llm-server';
import { PROMPTS_DIR, context, program, request, signal } from './fixtures';

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

test('patch types: each model is asked for edits, rewrites or crossovers by what paid off for it', async () => {
  const s = new PatchTypeSelector(true);
  for (let i = 0; i < 30; i++) {
    s.record('a', 'full', i % 2 === 0);
    s.record('a', 'search-replace', false);
    s.record('b', 'search-replace', i % 2 === 0);
    s.record('b', 'full', false);
  }
  const picks = (source: string, canCrossover: boolean) => Array.from({ length: 40 }, (_, i) => s.pick(source, 'search-replace', canCrossover, rngFor(1, 'patch-type', i)));
  const a = picks('a', false);
  const b = picks('b', false);
  assert.ok(a.filter((t) => t === 'full').length > 30, `model a mostly rewrites: ${a.join(',')}`);
  assert.ok(b.filter((t) => t === 'search-replace').length > 30, `model b mostly edits: ${b.join(',')}`);
  assert.ok(!a.includes('crossover'), 'no crossover without a second parent');
  assert.ok(picks('c', true).includes('crossover'), 'an untried model tries crossover when it can');
  // The rates survive a snapshot and restore (journaled as generator state).
  const copy = new PatchTypeSelector(true);
  copy.restore(JSON.parse(JSON.stringify(s.snapshot())));
  assert.deepEqual(copy.snapshot(), s.snapshot());
  assert.equal(new PatchTypeSelector(false).pick('a', 'full', true, rngFor(1, 'x', 0)), 'full', "'engine' follows the engine's preference");
});

test('a crossover prompt shows the second parent and asks to combine them', async () => {
  const templates = loadPromptTemplates(PROMPTS_DIR, 'command');
  const req = request({ patchMode: 'crossover', inspirations: [program({ id: 'c5', score: 1 })] });
  const p = assemblePrompt(req, templates, 100_000);
  assert.match(p.user, /### Inspiration 1 \(score 1\)/);
  assert.match(p.user, /Combine the current program with Inspiration 1 above into one program/);
  // With the inspiration trimmed away, the step is a plain rewrite.
  const lone = assemblePrompt({ ...req, inspirations: [] }, templates, 100_000);
  assert.match(lone.user, /Rewrite the evolvable code to improve the score/);
});
