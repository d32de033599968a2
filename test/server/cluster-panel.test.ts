import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunState } from '../../src/core/run-state';
import type { JournalEvent } from '../../src/core/journal-events';
import { DEFAULTS } from '../../src/core/run-session';
import { paretoFront } from '../../src/app/run-views';
import { latestSelfPlay } from '../../src/server/selfplay-reports';
import { tempDir } from '../helpers/tmp';

function run(points: [string, number, number][]): RunState {
  const events: JournalEvent[] = [
    {
      type: 'run-started', version: 1, runId: 'r', time: '', sourceHash: 'h', features: [], domain: 'cluster',
      objectives: [{ metric: 'g_latency', label: 'latency' }, { metric: 'g_cost', label: 'cost' }],
      config: { file: '/w/p.ts', fileName: 'p.ts', evaluator: { id: 'cluster', options: {} }, generator: { id: 'mutate', options: {} }, ...DEFAULTS },
    },
  ];
  points.forEach(([id, latency, cost], index) => {
    events.push({ type: 'proposed', index, id, island: 0, parentIds: [], sourceHash: id, codeHash: id, generator: 'mutate', patchKind: 'full', time: '' });
    events.push({ type: 'evaluated', id, index, result: { ok: true, score: latency + cost, metrics: { g_latency: latency, g_cost: cost }, features: {}, perWorkload: [], feedback: '' }, admitted: true, improvement: false, time: '' });
  });
  return RunState.replay(events);
}

test('the Pareto front keeps exactly the candidates no other beats on every objective', () => {
  const front = paretoFront(run([['c0', 0.5, 0.5], ['c1', 0.9, 0.4], ['c2', 0.4, 0.9], ['c3', 0.8, 0.3], ['c4', 0.9, 0.4]]));
  assert.deepEqual(front?.objectives, ['latency', 'cost']);
  // c3 is beaten by c1 on both; c4 repeats c1 and is listed once.
  assert.deepEqual(front?.members.map((m) => m.id), ['c0', 'c1', 'c2']);
  assert.deepEqual(front?.members[1]?.values, [0.9, 0.4]);
});

test('the leaderboard comes from the newest self-play report about the same file', () => {
  const dir = tempDir();
  const policy = join(dir, 'first-fit.ts');
  const report = (folder: string, file: string, rating: number) => {
    mkdirSync(join(dir, '.policy-evolver', 'cluster', folder), { recursive: true });
    writeFileSync(join(dir, '.policy-evolver', 'cluster', folder, 'selfplay.json'), JSON.stringify({ policy: file, leaderboard: [{ id: `p-${rating}`, rating, round: 1, level: 'easy', reward: 0.7 }] }));
  };
  assert.equal(latestSelfPlay(policy), undefined);
  report('selfplay-20260101-000000', policy, 1400);
  report('selfplay-20260102-000000', policy, 1500);
  report('selfplay-20260103-000000', join(dir, 'other.ts'), 1600);
  assert.deepEqual(latestSelfPlay(policy)?.leaderboard, [{ id: 'p-1500', rating: 1500, round: 1, level: 'easy', reward: 0.7 }]);
});
