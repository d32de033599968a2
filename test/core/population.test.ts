import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregateScores, parseAggregationRule } from '../../src/core/aggregate';
import { Population, ProgramRecord } from '../../src/core/population';
import { Rng } from '../../src/core/rng';

let n = 0;
function program(score: number, features: Record<string, number>, extra: Partial<ProgramRecord> = {}): ProgramRecord {
  n++;
  return { id: `p${n}`, index: n, sourceHash: `s${n}`, codeHash: `h${n}`, parentIds: [], score, metrics: {}, features, perWorkload: [], feedback: '', generator: 'test', ...extra };
}

const dims = [{ name: 'size', min: 0, max: 10, bins: 5 }];

test('MAP-Elites keeps the best per cell and the elites per island', () => {
  const pop = new Population({ islands: 1, dimensions: dims, eliteSize: 2, exploitation: 0.5, inspirations: 2, migrationInterval: 0 });
  const seed = program(1, { size: 1 });
  pop.seed(seed);
  const better = program(2, { size: 1.5 }); // same cell [0, 2)
  assert.equal(pop.add(0, better), true);
  assert.equal(pop.snapshot()[0]?.cells['0'], better.id, 'the better program takes the cell');
  const elsewhere = program(0.5, { size: 9 }); // new cell, worse than both
  assert.equal(pop.add(0, elsewhere), true, 'a new cell is stored even when its score is low (diversity)');
  const worse = program(0.1, { size: 1 });
  assert.equal(pop.add(0, worse), false, 'worse than the cell holder and the elites: not stored');
  assert.deepEqual(pop.snapshot()[0]?.elites, [better.id, seed.id]);
  assert.equal(pop.add(0, program(5, { size: 1 }, { codeHash: better.codeHash })), false, 'the same code is never stored twice');
  assert.equal(pop.add(0, program(5, { size: 3 }, { fingerprint: 'f' })), true);
  assert.equal(pop.add(0, program(6, { size: 5 }, { fingerprint: 'f' })), false, 'the same behaviour is never stored twice');
});

test('the starting program seeds every island; migration passes each best to the next island', () => {
  const pop = new Population({ islands: 3, dimensions: dims, eliteSize: 4, exploitation: 1, inspirations: 1, migrationInterval: 2 });
  const seed = program(0, { size: 1 });
  pop.seed(seed);
  for (let i = 0; i < 3; i++) assert.equal(pop.islandBest(i)?.id, seed.id);
  const star = program(10, { size: 7 });
  pop.add(1, star);
  assert.notEqual(pop.islandBest(2)?.id, star.id);
  pop.skip(); // the second recorded candidate triggers migration
  assert.equal(pop.islandBest(2)?.id, star.id, 'island 1 passed its best to island 2');
  assert.equal(pop.islandBest(0)?.id, seed.id, 'island 0 only hears from island 2');
});

test('sampling balances elites and archive cells and is deterministic per seed', () => {
  const pop = new Population({ islands: 1, dimensions: dims, eliteSize: 1, exploitation: 0.7, inspirations: 2, migrationInterval: 0 });
  const members = [program(9, { size: 1 }), program(1, { size: 3 }), program(2, { size: 5 }), program(3, { size: 7 })];
  pop.seed(members[0]!);
  for (const m of members.slice(1)) pop.add(0, m);
  const counts = new Map<string, number>();
  const rng = new Rng(7);
  for (let i = 0; i < 2000; i++) {
    const { parent, inspirations } = pop.sample(0, rng);
    counts.set(parent.id, (counts.get(parent.id) ?? 0) + 1);
    assert.ok(!inspirations.some((p) => p.id === parent.id));
    assert.ok(inspirations.length <= 2);
  }
  const eliteShare = (counts.get(members[0]!.id) ?? 0) / 2000;
  // 70% exploitation plus its share of uniform cell picks (1 of 4 cells).
  assert.ok(eliteShare > 0.7 && eliteShare < 0.83, `elite share ${eliteShare}`);
  for (const m of members.slice(1)) assert.ok((counts.get(m.id) ?? 0) > 100, `${m.id} explored`);
  const again = (seed: number) => Array.from({ length: 20 }, () => pop.sample(0, new Rng(seed)).parent.id).join();
  assert.equal(again(3), again(3));
});

test('aggregation rules', () => {
  const r = [1, 5, 3].map((score, i) => ({ workloadId: `w${i}`, ok: true, score }));
  assert.equal(aggregateScores(r, parseAggregationRule('mean')), 3);
  assert.equal(aggregateScores(r, parseAggregationRule('median')), 3);
  assert.equal(aggregateScores(r, parseAggregationRule('last')), 3);
  assert.equal(aggregateScores(r, parseAggregationRule('min')), 1);
  const weights = [{ id: 'w0', split: 'search' as const, weight: 2 }, { id: 'w1', split: 'search' as const, weight: 0 }, { id: 'w2', split: 'search' as const }];
  assert.equal(aggregateScores(r, parseAggregationRule('weighted'), weights), (2 * 1 + 3) / 3);
  assert.throws(() => parseAggregationRule('max'), /unknown aggregation rule 'max'/);
});
