import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  assemblePrompt,
  canonicalPrompt,
  estimatePromptTokens,
  loadPromptTemplates,
  parseCanonicalPrompt,
  promptBudget,
  promptHash,
  PromptTemplateError,
  renderTemplate,
  shrunkBudget,
} from '../../../src/core/prompt';
import { PROMPTS_DIR, program, request } from './fixtures';

const templates = loadPromptTemplates(PROMPTS_DIR, 'command');

function tempPrompts(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pe-prompts-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('templates: sections vanish when empty and values are inserted verbatim', () => {
  const t = 'A {{x}}\n\n{{#notes}}\n## Notes\n{{notes}}\n{{/notes}}\n\n\n{{empty}}\nEnd';
  assert.equal(renderTemplate(t, { x: 'one', notes: '', empty: '' }), 'A one\n\nEnd');
  const code = 'a  \n\n\n\nb {{x}}';
  assert.equal(renderTemplate(t, { x: code, notes: 'n1', empty: '' }), `A ${code}\n\n## Notes\nn1\n\nEnd`);
});

test('every shipped domain has templates that load, with per-file fallback to generic', () => {
  for (const domain of ['generic', 'command', 'protocol', 'faas', 'some-new-domain']) {
    const t = loadPromptTemplates(PROMPTS_DIR, domain);
    assert.ok(t.system.length > 200, `${domain} system prompt`);
    assert.match(t.user, /\{\{task\}\}/);
  }
  assert.match(loadPromptTemplates(PROMPTS_DIR, 'some-new-domain').systemPath, /generic[\\/]system\.md$/);
  assert.match(loadPromptTemplates(PROMPTS_DIR, 'protocol').systemPath, /protocol[\\/]system\.md$/);
});

test('a broken template is one clear error naming the file and the placeholder', () => {
  const dir = tempPrompts({ 'generic/system.md': 'sys', 'generic/user.md': '{{parentCode}} {{task}} {{parnetScore}}' });
  assert.throws(() => loadPromptTemplates(dir, 'x'), (err: Error) => err instanceof PromptTemplateError && /user\.md: unknown placeholder \{\{parnetScore\}\}/.test(err.message));
  const missing = tempPrompts({ 'generic/system.md': 'sys', 'generic/user.md': '{{parentCode}}' });
  assert.throws(() => loadPromptTemplates(missing, 'x'), /missing required placeholder \{\{task\}\}/);
  const none = tempPrompts({});
  assert.throws(() => loadPromptTemplates(none, 'faas'), /no prompt template system\.md for domain 'faas'/);
  assert.throws(() => loadPromptTemplates(PROMPTS_DIR, '../etc'), /invalid domain name/);
});

test('the user prompt carries parent, metrics, feedback, inspirations, failures, notes and the format', () => {
  const req = request({
    inspirations: [program({ id: 'c7', score: -0.25, metrics: { bins: 200 }, blocks: ['function priority(item, bins) {\n  return bins.map((b) => b);\n}\n'] })],
    recentFailures: [{ code: program().code.replace('-(b - item)', 'b.size'), parentCode: program().code, error: 'TypeError: b.size is undefined' }],
    humanNotes: ['Do not sort the bins: it is too slow.'],
  });
  const p = assemblePrompt(req, templates, 100_000);
  assert.equal(p.overBudget, false);
  assert.deepEqual(p.trimmed, []);
  for (const needle of [
    'function priority(item, bins) {',
    'Score: -0.5',
    '- bins: 212',
    '- waste: 0.125',
    'Too many half-empty bins.',
    '### Inspiration 1 (score -0.25)',
    'return bins.map((b) => b);',
    'TypeError: b.size is undefined',
    '+  return bins.map((b) => b.size);',
    'Do not sort the bins',
    '<<<<<<< SEARCH',
    '>>>>>>> REPLACE',
    'EVOLVE-BLOCK-START and EVOLVE-BLOCK-END markers (1 block)',
  ]) {
    assert.ok(p.user.includes(needle), `user prompt lacks ${JSON.stringify(needle)}`);
  }
  assert.ok(!p.system.includes('{{'), 'system prompt has unfilled placeholders');
  const full = assemblePrompt({ ...req, patchMode: 'full' }, templates, 100_000);
  assert.ok(!full.user.includes('<<<<<<< SEARCH'));
  assert.match(full.user, /complete new content of the evolvable block in one fenced code block/);
});

test('the prompt is a deterministic function of the request (metric key order does not matter)', () => {
  const a = assemblePrompt(request({ parent: program({ metrics: { waste: 0.125, bins: 212 } }) }), templates, 50_000);
  const b = assemblePrompt(request({ parent: program({ metrics: { bins: 212, waste: 0.125 } }) }), templates, 50_000);
  assert.equal(promptHash(a.system, a.user), promptHash(b.system, b.user));
  const c = assemblePrompt(request({ humanNotes: ['be faster'] }), templates, 50_000);
  assert.notEqual(promptHash(a.system, a.user), promptHash(c.system, c.user));
  assert.deepEqual(parseCanonicalPrompt(canonicalPrompt(a.system, a.user)), [
    { role: 'system', content: a.system },
    { role: 'user', content: a.user },
  ]);
});

test('the context budget trims failure diffs, then inspirations from the last, then failures, never the parent', () => {
  const big = (n: number) => program({ id: `i${n}`, score: n, blocks: [`function priority(item, bins) {\n${'  // filler line\n'.repeat(300)}  return bins;\n}\n`] });
  const req = request({
    inspirations: [big(1), big(2), big(3)],
    recentFailures: [
      { code: program().code.replace('-(b - item)', 'NaN'), parentCode: program().code, error: 'score NaN' },
      { code: program().code.replace('-(b - item)', 'undefined'), parentCode: program().code, error: 'returned undefined' },
    ],
  });
  const all = assemblePrompt(req, templates, 1_000_000);
  assert.deepEqual(all.trimmed, []);
  const oneInspiration = assemblePrompt(req, templates, all.estimatedTokens - 3000);
  assert.equal(oneInspiration.overBudget, false);
  assert.ok(oneInspiration.estimatedTokens <= all.estimatedTokens - 3000);
  assert.match(oneInspiration.user, /### Inspiration 1 \(score 1\)/);
  assert.doesNotMatch(oneInspiration.user, /### Inspiration 3/);
  assert.ok(oneInspiration.trimmed.includes('diffs of failed attempts'));
  const tiny = assemblePrompt(req, templates, 10);
  assert.equal(tiny.overBudget, true);
  assert.ok(tiny.user.includes('function priority(item, bins) {'), 'the parent is never dropped');
  assert.doesNotMatch(tiny.user, /Inspiration|Failed attempt/);
});

test('budget arithmetic', () => {
  assert.equal(promptBudget(128_000, 16_384), 128_000 - 16_384 - 6400 - 256);
  assert.equal(promptBudget(2048, 2000), 1024);
  assert.equal(shrunkBudget(10_000, { limit: 8192, actual: 10_240 }), Math.floor(((10_000 * 8192) / 10_240) * 0.85));
  assert.equal(shrunkBudget(10_000, {}), 5000);
  assert.ok(estimatePromptTokens('abc', 'def') > 2);
});

test('prompts that teach: stage-labelled metrics, failure diffs against their own parent, history', () => {
  const otherParent = program().code.replace('-(b - item)', 'item - b');
  const req = request({
    parent: program({
      score: -0.4,
      metrics: { waste: 0.2 },
      feedback: 'Stage 1, cheap subset (w1):\nok\n\nStage 2, rest of the search set (w2, w3):\nslow on w3',
      stages: [
        { label: 'cheap subset', workloads: ['w1'], score: -0.3, metrics: { waste: 0.1 }, feedback: 'ok' },
        { label: 'rest of the search set', workloads: ['w2', 'w3'], score: -0.45, metrics: { waste: 0.2 }, feedback: 'slow on w3' },
      ],
    }),
    recentFailures: [
      { stage: 'evaluate', code: otherParent.replace('item - b', 'item - b + 1'), parentCode: otherParent, error: 'score NaN' },
      { stage: 'patch', error: 'edit 1: the SEARCH text matches 2 places in the evolvable code' },
    ],
    history: [
      { id: 'c9', parentId: 'c4', generator: 'openai/x', outcome: 'improved', scoreDelta: 0.05, detail: 'Best fit.' },
      { id: 'c8', parentId: 'c4', outcome: 'failed', detail: 'patch: edit 1 did not match' },
    ],
  });
  const p = assemblePrompt(req, templates, 100_000);
  assert.ok(p.user.includes('Stage 1, cheap subset (w1): score -0.3\n- waste: 0.1\nStage 2, rest of the search set (w2, w3): score -0.45\n- waste: 0.2'), p.user);
  // The diff is against the failed candidate's own parent: one changed line, not the unrelated parent difference.
  assert.ok(p.user.includes('-  return bins.map((b) => item - b);\n+  return bins.map((b) => item - b + 1);'), p.user);
  assert.ok(!p.user.includes('-(b - item)\n+'), 'no diff against the current parent');
  assert.match(p.user, /### Failed attempt 2 \(the reply did not apply to its parent\)\nError: edit 1: the SEARCH text matches 2 places/);
  assert.match(p.user, /- c9 from c4 improved on its parent \(\+0\.05\): Best fit\.\n- c8 from c4 failed: patch: edit 1 did not match/);
  const trimmed = assemblePrompt(req, templates, p.estimatedTokens - 20);
  assert.match(trimmed.trimmed[0] ?? '', /history entries/, 'history is trimmed first');
});
