import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParams } from '../../../src/evaluators/faas/model/params';
import { formatTraceCsv, parseTraceCsv } from '../../../src/evaluators/faas/io/trace-csv';
import { generateTrace, PROFILES } from '../../../src/evaluators/faas/workload/generator';
import { defaultWorkloads, loadWorkload, parseWorkloadData } from '../../../src/evaluators/faas/workload/workloads';
import type { Trace } from '../../../src/evaluators/faas/model/types';

const params = resolveParams({ duration: 600, num_pipelines: 4, random_seed: 5 });

function batches(trace: Trace): Map<number, number> {
  const m = new Map<number, number>();
  for (const p of trace.pipelines) m.set(p.arrivalSeconds, (m.get(p.arrivalSeconds) ?? 0) + 1);
  return m;
}

test('the same seed gives the same trace and another seed a different one, for every profile', () => {
  for (const profile of PROFILES) {
    const a = formatTraceCsv(generateTrace(params, profile));
    assert.equal(formatTraceCsv(generateTrace(params, profile)), a, profile);
    assert.notEqual(formatTraceCsv(generateTrace(params, profile, { seed: 6 })), a, profile);
  }
});

test("the eudoxia profile has Eudoxia's degenerate operators and jittered periodic batches", () => {
  const trace = generateTrace(params, 'eudoxia');
  for (const p of trace.pipelines) {
    if (p.priority === 'QUERY') {
      assert.deepEqual(p.operators, [{ id: 'op1', parents: [], baselineCpuSeconds: 15, cpuScaling: 'linear3', memoryGb: null, storageReadGb: 35 }]);
    } else {
      for (const [i, op] of p.operators.entries()) {
        assert.deepEqual([op.baselineCpuSeconds, op.cpuScaling, op.memoryGb, op.storageReadGb], [1, 'const', null, 55]);
        assert.deepEqual(op.parents, i === 0 ? [] : [`op${i}`]);
      }
    }
  }
  const b = batches(trace);
  assert.ok([...b.values()].every((n) => n === 4), 'num_pipelines per batch');
  const times = [...b.keys()].sort((x, y) => x - y);
  assert.equal(times[0], 0);
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
  const meanGap = gaps.reduce((x, y) => x + y, 0) / gaps.length;
  assert.ok(meanGap > 9 && meanGap < 11, `mean gap ${meanGap}`);
  assert.ok(Math.max(...gaps) - Math.min(...gaps) > 2, 'gaps are jittered');
  const counts = { QUERY: 0, INTERACTIVE: 0, BATCH_PIPELINE: 0 };
  for (const p of trace.pipelines) counts[p.priority]++;
  assert.ok(counts.BATCH_PIPELINE > counts.INTERACTIVE && counts.INTERACTIVE > counts.QUERY, JSON.stringify(counts));
});

test('the eudoxia profile honours the DAG shape probabilities', () => {
  const fanIn = generateTrace(resolveParams({ ...params, dag_linear_prob: 0, dag_branch_in_prob: 1, query_prob: 0, interactive_prob: 1, batch_prob: 0 }), 'eudoxia');
  for (const p of fanIn.pipelines) {
    const last = p.operators[p.operators.length - 1];
    if (p.operators.length > 1) assert.equal(last?.parents.length, p.operators.length - 1);
  }
  const fanOut = generateTrace(resolveParams({ ...params, dag_linear_prob: 0, dag_branch_out_prob: 1 }), 'eudoxia');
  for (const p of fanOut.pipelines) for (const op of p.operators.slice(1)) assert.deepEqual(op.parents, ['op1']);
});

test('realistic profiles have heavy tails, mixed scaling and memory behaviour, and DAG shapes', () => {
  const trace = generateTrace(params, 'poisson');
  const ops = trace.pipelines.flatMap((p) => p.operators);
  const cpu = ops.map((o) => o.baselineCpuSeconds).sort((a, b) => a - b);
  const median = cpu[Math.floor(cpu.length / 2)] as number;
  const p99 = cpu[Math.floor(cpu.length * 0.99)] as number;
  assert.ok(p99 > 8 * median, `heavy tail: p99 ${p99} vs median ${median}`);
  assert.ok(new Set(ops.map((o) => o.cpuScaling)).size >= 6, 'mixed scaling curves');
  assert.ok(ops.some((o) => o.memoryGb === null) && ops.some((o) => o.memoryGb !== null), 'both memory behaviours');
  assert.ok(trace.pipelines.some((p) => p.operators.some((o) => o.parents.length > 1)), 'fan-in or random DAGs');
  assert.ok(trace.pipelines.some((p) => p.operators.filter((o) => o.parents.includes('op1')).length > 1), 'fan-out');
  // Poisson arrivals: mostly one pipeline per instant, inter-arrival gaps vary widely.
  assert.ok(batches(trace).size > trace.pipelines.length * 0.9);
});

test('bursty arrivals are more clustered than Poisson, diurnal ones follow the day', () => {
  const windowCounts = (t: Trace): number[] => {
    const counts = new Array<number>(60).fill(0);
    for (const p of t.pipelines) counts[Math.min(59, Math.floor(p.arrivalSeconds / 10))]++;
    return counts;
  };
  const cv = (xs: number[]): number => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length) / m;
  };
  const long = resolveParams({ ...params, num_pipelines: 20 });
  assert.ok(cv(windowCounts(generateTrace(long, 'bursty'))) > 1.5 * cv(windowCounts(generateTrace(long, 'poisson'))));
  const diurnal = windowCounts(generateTrace(long, 'diurnal'));
  const edges = diurnal.slice(0, 10).concat(diurnal.slice(50)).reduce((a, b) => a + b, 0);
  const middle = diurnal.slice(20, 40).reduce((a, b) => a + b, 0);
  assert.ok(middle > 3 * edges, `midday ${middle} vs night ${edges}`);
});

test('generated traces export to valid CSV', () => {
  for (const profile of PROFILES) {
    const trace = generateTrace(resolveParams({ ...params, duration: 120 }), profile);
    assert.deepEqual(parseTraceCsv(formatTraceCsv(trace)), trace, profile);
  }
});

test('the default evaluation set is split into search, validation and holdout with distinct seeds', () => {
  const set = defaultWorkloads();
  const splits = new Set(set.map((w) => w.split));
  assert.deepEqual([...splits].sort(), ['holdout', 'search', 'validation']);
  const seeds = set.map((w) => parseWorkloadData(w.data).trace).map((t) => ('seed' in t ? t.seed : -1));
  assert.equal(new Set(seeds).size, set.length, 'every trace has its own seed');
  assert.equal(new Set(set.map((w) => w.id)).size, set.length);
  assert.ok(set.some((w) => w.cheap));
  for (const w of set.slice(0, 2)) {
    const loaded = loadWorkload(parseWorkloadData(w.data));
    assert.equal(loaded.params.ticks_per_second, 1000);
    assert.equal(loaded.params.multi_operator_containers, false);
    assert.ok(loaded.trace.pipelines.length > 50);
  }
});
