import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerationRequest } from '../../../src/core/types';
import { createMutateGenerator } from '../../../src/generators/mutate/index';

// A bin-packing objective: a priority packer whose constants live in the evolvable block packs
// items into bins of fixed capacity 1; the score is minus the number of bins, bounded below by
// the total size. The starting constants waste half of every bin.
const START = `// EVOLVE-BLOCK-START
const fillWeight = 0.2;
const slackPenalty = 40;
const openCost = 0.5;
const maxLoad = 0.5;
// EVOLVE-BLOCK-END

const CAPACITY = 1;

function pack(items) {
  const bins = [];
  for (const size of items) {
    let best = -1;
    let bestPriority = -Infinity;
    for (let b = 0; b < bins.length; b++) {
      const after = bins[b] + size;
      if (after > Math.min(CAPACITY, maxLoad)) continue;
      const priority = fillWeight * after - slackPenalty * (1 - after) * (1 - after) / 100;
      if (priority > bestPriority) {
        bestPriority = priority;
        best = b;
      }
    }
    if (best < 0 || bestPriority < -openCost) bins.push(size);
    else bins[best] += size;
  }
  return bins.length;
}

exports.score = function score(items) {
  return -pack(items);
};
`;

/** Deterministic item sizes in (0, 0.7). */
function items(): number[] {
  let x = 12345;
  return Array.from({ length: 200 }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return 0.05 + ((x >>> 8) % 1000) / 1000 * 0.6;
  });
}

function evaluate(code: string, data: number[]): number {
  const exports: { score?: (items: number[]) => number } = {};
  new Function('exports', code)(exports);
  const score = exports.score?.(data);
  return typeof score === 'number' && Number.isFinite(score) ? score : -Infinity;
}

test('hill climbing with mutate clearly improves a known objective', async () => {
  const g = await createMutateGenerator({}, { promptsDir: '', domain: 'test', secret: () => undefined });
  const data = items();
  const lowerBound = Math.ceil(data.reduce((s, v) => s + v, 0));
  let best = START;
  let bestScore = evaluate(START, data);
  const initial = bestScore;
  let accepted = 0;
  for (let i = 0; i < 300; i++) {
    const request: GenerationRequest = {
      runId: 'climb', index: i, seed: 1000 + i, fileName: 'packer.js', language: 'javascript', domain: 'test',
      parent: { id: `p${accepted}`, code: best, score: bestScore, metrics: {}, feedback: '', blocks: [] },
      inspirations: [], recentFailures: [], humanNotes: [], patchMode: 'full',
    };
    const r = await g.generate(request, new AbortController().signal);
    assert.equal(r.patch.kind, 'full');
    if (r.patch.kind !== 'full') continue;
    const score = evaluate(r.patch.code, data);
    if (score > bestScore) {
      best = r.patch.code;
      bestScore = score;
      accepted++;
    }
  }
  // With a fill limit of 0.5 almost every item needs its own bin; a good policy packs near the bound.
  assert.ok(-initial > 1.9 * lowerBound, `start packs into ${-initial} bins, lower bound ${lowerBound}`);
  assert.ok(accepted >= 1, "no improvement accepted");
  assert.ok(-bestScore <= Math.ceil(lowerBound * 1.1), `best packs into ${-bestScore} bins, lower bound ${lowerBound} (start ${-initial})`);
});
