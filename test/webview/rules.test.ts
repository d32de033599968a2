// The panel's judgement rules: metric directions, better/worse colours, the chart's scale, the
// score's meaning, and the Markdown subset used for explanations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartScale, judge, metricDirection, scoreMeaning, ticks } from '../../webview-ui/src/rules';
import { parseMarkdown, plainText } from '../../webview-ui/src/markdown';

test('a metric is better lower only when the domain says so, with * wildcards', () => {
  const lower = ['*latency*', 'messages*', 'failed_workloads'];
  assert.equal(metricDirection('p99_latency_seconds', lower), 'lower');
  assert.equal(metricDirection('messagesWorst', lower), 'lower');
  assert.equal(metricDirection('failed_workloads', lower), 'lower');
  assert.equal(metricDirection('completion_rate', lower), 'higher');
  assert.equal(metricDirection('xmessages', lower), 'higher');
  assert.equal(metricDirection('failed_workloads_x', lower), 'higher');
});

test('colour follows whether the change is better, not its sign', () => {
  assert.equal(judge(-2, 'lower'), 'better', 'lower latency is better');
  assert.equal(judge(2, 'lower'), 'worse');
  assert.equal(judge(0.1, 'higher'), 'better');
  assert.equal(judge(-0.1, 'higher'), 'worse');
  assert.equal(judge(0, 'lower'), 'same');
  assert.equal(judge(Number.NaN, 'higher'), 'same');
});

test('a score far below the rest goes on the floor instead of flattening the scale', () => {
  const scores = [0.8, 0.82, 0.85, 0.9, 0.91, 0.93, -1e9];
  const s = chartScale(scores);
  assert.ok(s);
  assert.equal(s.clipped, true);
  assert.ok(s.lo > 0.7 && s.hi < 1, `scale ${s.lo}..${s.hi} keeps the real scores readable`);
  const plain = chartScale([1, 2, 3, 4]);
  assert.equal(plain?.clipped, false);
  assert.ok((plain?.lo ?? 9) < 1 && (plain?.hi ?? 0) > 4);
  const flat = chartScale([5, 5]);
  assert.ok(flat && flat.lo < 5 && flat.hi > 5);
  assert.equal(chartScale([]), undefined);
});

test('ticks are round numbers inside the range', () => {
  assert.deepEqual(ticks(0, 1, 4), [0, 0.25, 0.5, 0.75, 1]);
  for (const t of ticks(0.813, 0.947, 4)) assert.ok(t >= 0.813 && t <= 0.947);
});

test('scores say what they are relative to', () => {
  assert.match(scoreMeaning("Eudoxia's priority policy", 0), /relative to Eudoxia's priority policy: 0 = as good/);
  assert.match(scoreMeaning(undefined, 0.5), /starting program scored 0\.5/);
});

test('explanations: Markdown marks become structure, never raw backticks', () => {
  const blocks = parseMarkdown('Use `priority` first and **never** starve\nthe *batch* class.\n\n- one\n- two\n\n```ts\nx = 1;\n```');
  assert.deepEqual(blocks.map((b) => b.kind), ['p', 'ul', 'pre']);
  const p = blocks[0];
  assert.ok(p && p.kind === 'p');
  assert.deepEqual(p.inlines.map((i) => i.kind), ['text', 'code', 'text', 'strong', 'text', 'em', 'text']);
  assert.equal(plainText('Use `priority` **now**').includes('`'), false);
  assert.equal(plainText('snake_case_name stays'), 'snake_case_name stays');
});
