// The editor's one-off score (CodeLens, "Evaluate This Policy") is the score a run gives the same
// content: core's scoring, on the search workloads only, by the configured aggregation rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { domains } from '../../src/app/domains';
import { EvaluationCache } from '../../src/app/evaluate-once';
import { resolveRunConfig } from '../../src/app/run-config';
import { scoreOn } from '../../src/core/scoring';
import type { EvalResult, Workload } from '../../src/core/types';

const workloads: Workload[] = [
  { id: 's1', split: 'search', weight: 3 },
  { id: 's2', split: 'search', weight: 1 },
  { id: 'v1', split: 'validation' },
];

// An evaluator that also reports a workload it was not asked for, as a sloppy command might.
const result = (asked: readonly Workload[]): EvalResult => ({
  ok: true,
  score: 0,
  metrics: { cost: 2 },
  features: {},
  perWorkload: [...asked.map((w) => ({ workloadId: w.id, ok: true, score: w.id === 's1' ? 1 : 5 })), { workloadId: 'v1', ok: true, score: 100 }],
  feedback: 'fine',
});

domains.register({
  id: 'scored',
  label: 'Scored',
  description: 'reports extra workloads',
  extensions: ['scored'],
  claims: (file) => file.endsWith('.scored'),
  createEvaluator: async () => ({
    info: { id: 'scored', domain: 'scored', features: [] },
    workloads: async () => workloads,
    evaluate: async (_candidate, asked) => result(asked),
  }),
  harnesses: [],
  defaultGenerator: () => 'llm',
  prompts: 'generic',
  editor: { languageIds: [] },
});

for (const rule of ['mean', 'weighted', 'min'] as const) {
  test(`the one-off score equals the run's score (${rule})`, async () => {
    const config = resolveRunConfig({ file: '/w/p.scored', code: 'x', aggregation: rule });
    const once = await new EvaluationCache().evaluate(`k-${rule}`, 'x', config, new AbortController().signal);
    const search = workloads.filter((w) => w.split === 'search');
    const expected = scoreOn(result(search), search, config.aggregation).score;
    assert.equal(once.result.score, expected);
    assert.equal(once.result.score, rule === 'mean' ? 3 : rule === 'weighted' ? 2 : 1, 'the unasked-for workload does not count');
    assert.equal(once.result.ok, true);
  });
}
