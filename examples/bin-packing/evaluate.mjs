#!/usr/bin/env node
// Scores a bin-packing heuristic: packs seeded random instances and reports how many bins it uses
// above the L1 lower bound (sum of sizes / capacity). Prints one JSON line, as the `command`
// evaluator expects: { score, workloads: [{ id, score, metrics }], metrics, feedback }.
// Usage: node evaluate.mjs <candidate.js> [workload,workload,...]
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const INSTANCES = {
  // Uniform sizes in [20, 100], capacity 150 (OR-Library "u" style).
  'uniform-a': { seed: 11, count: 5, items: 250, capacity: 150, kind: 'uniform' },
  'uniform-b': { seed: 12, count: 5, items: 250, capacity: 150, kind: 'uniform' },
  'weibull-a': { seed: 21, count: 3, items: 500, capacity: 100, kind: 'weibull' },
  'uniform-val': { seed: 31, count: 5, items: 250, capacity: 150, kind: 'uniform' },
  'weibull-val': { seed: 32, count: 3, items: 500, capacity: 100, kind: 'weibull' },
  'uniform-holdout': { seed: 41, count: 5, items: 500, capacity: 150, kind: 'uniform' },
  'weibull-holdout': { seed: 42, count: 3, items: 1000, capacity: 100, kind: 'weibull' },
};

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function instance(spec, n) {
  const r = rng(spec.seed * 1000 + n);
  return Array.from({ length: spec.items }, () => {
    if (spec.kind === 'uniform') return 20 + Math.floor(r() * 81);
    // Weibull(k=3, scale=45), as in FunSearch's Weibull benchmark, clipped to the capacity.
    const x = 45 * Math.pow(-Math.log(1 - r()), 1 / 3);
    return Math.max(1, Math.min(spec.capacity, Math.round(x)));
  });
}

function pack(items, capacity, priority) {
  const bins = [];
  for (const item of items) {
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < bins.length; i++) {
      if (bins[i] < item) continue;
      const p = priority(item, bins[i], capacity);
      if (typeof p !== 'number' || Number.isNaN(p)) throw new Error(`priority returned ${String(p)} instead of a number`);
      if (p > bestScore) {
        bestScore = p;
        best = i;
      }
    }
    if (best < 0) bins.push(capacity - item);
    else bins[best] -= item;
  }
  return bins.length;
}

const [file, list] = process.argv.slice(2);
const ids = list ? list.split(',').filter(Boolean) : ['uniform-a', 'uniform-b', 'weibull-a'];
try {
  const module = { exports: {} };
  const context = vm.createContext({ module, exports: module.exports, Math });
  vm.runInContext(readFileSync(file, 'utf8'), context, { filename: 'candidate.js', timeout: 2000 });
  const priority = module.exports.priority;
  if (typeof priority !== 'function') throw new Error('the candidate must export a function `priority`');
  const workloads = ids.map((id) => {
    const spec = INSTANCES[id];
    if (!spec) throw new Error(`unknown workload ${id}`);
    let excess = 0;
    let bins = 0;
    for (let n = 0; n < spec.count; n++) {
      const items = instance(spec, n);
      const used = pack(items, spec.capacity, priority);
      const bound = Math.ceil(items.reduce((a, b) => a + b, 0) / spec.capacity);
      excess += (used - bound) / bound;
      bins += used;
    }
    const pct = (100 * excess) / spec.count;
    return { id, score: -pct, metrics: { excessPercent: pct, bins } };
  });
  const mean = workloads.reduce((a, w) => a + w.metrics.excessPercent, 0) / workloads.length;
  const feedback = workloads.map((w) => `${w.id}: ${w.metrics.excessPercent.toFixed(2)}% bins above the lower bound`).join('; ');
  console.log(JSON.stringify({ score: -mean, metrics: { excessPercent: mean }, workloads, feedback }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: String(err && err.message ? err.message : err) }));
}
