// The CLI's `show` and the review panel rank candidates by the same views: the run's best first,
// then by score; both compare with the starting program on the same workloads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankedViews } from '../../src/app/run-views';
import { LocalEvaluationPool } from '../../src/core/local-pool';
import { DEFAULTS, loadRun, startRun } from '../../src/core/run-session';
import type { RunConfig } from '../../src/core/journal-events';
import { runSnapshot } from '../../src/server/snapshot';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { TOY_FILE, toyEvaluator, toyGenerator } from '../helpers/toy-domain';

test('show and the panel list the same candidates in the same order, best first', async () => {
  const runsDir = tempDir();
  // Validation rewards distance from the target, so the best search score is not the run's best.
  const evaluator = toyEvaluator({ validationSign: -1 });
  const config: RunConfig = { ...DEFAULTS, file: '/w/toy.js', fileName: 'toy.js', evaluator: { id: 'toy', options: {} }, generator: { id: 'toy', options: {} }, budget: { maxCandidates: 12 } };
  const run = await startRun(
    { runsDir, code: TOY_FILE, config },
    { evaluator: evaluator.info, workloads: await evaluator.workloads(), pool: new LocalEvaluationPool(evaluator, 1), makeGenerator: async () => toyGenerator() },
    new AbortController().signal,
  );
  await run.done;
  const { state, store } = loadRun(run.store.dir);
  store.close();

  const panel = runSnapshot(state, { dir: run.store.dir, status: 'ended', startedAt: '' }).candidates;
  assert.deepEqual(panel.map((c) => c.id), rankedViews(state).map((c) => c.id));
  assert.equal(panel[0]?.id, state.championId, 'the header\'s best leads the list');
  const byScore = [...panel].filter((c) => c.ok && c.score !== null && !c.duplicateOf && !c.cascadeStopped).sort((a, b) => (b.score as number) - (a.score as number));
  assert.notEqual(byScore[0]?.id, state.championId, 'this run\'s best is not its top search score, so ranking by score alone would disagree');

  const shown = cli(['show', run.state.runId, '--runs-dir', runsDir, '--json', '--top', '100']);
  assert.equal(shown.code, 0, shown.stderr);
  const json = JSON.parse(shown.stdout) as { bestId: string; top: { id: string; baselineScore: number | null }[] };
  const scored = panel.filter((c) => c.ok && c.score !== null && !c.duplicateOf);
  assert.deepEqual(json.top.map((c) => c.id), scored.map((c) => c.id));
  assert.equal(json.top[0]?.id, json.bestId);
  assert.deepEqual(json.top.map((c) => c.baselineScore), scored.map((c) => c.baselineScore));
});
