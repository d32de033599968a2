// The structures the simulator and the built-in policies reuse to keep garbage down must behave
// exactly like the plain ones they replaced: stable sorting, a pipeline batch that acts as a Map,
// per-trace indexes that fall back when pipeline ids repeat, operator columns numbered as the
// simulator numbers operators, and pipeline / container lookups through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearList, sortByKey } from '../../../src/evaluators/faas/engine/lists';
import { operatorColumnsOf, operatorsBefore, pipelineIndexOf, templatesOf } from '../../../src/evaluators/faas/engine/templates';
import { PipelineBatch } from '../../../src/evaluators/faas/policies/jobs';
import { resolveParams } from '../../../src/evaluators/faas/model/params';
import { simulate } from '../../../src/evaluators/faas/engine/simulator';
import type { OperatorSpec, PipelineSpec, Trace } from '../../../src/evaluators/faas/model/types';
import type { PipelineView } from '../../../src/evaluators/faas/policy-api';

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function op(id: string, parents: string[], memory: number | null = null): OperatorSpec {
  return { id, parents, baselineCpuSeconds: 1, cpuScaling: 'const', memoryGb: memory, storageReadGb: 2 };
}

test('sortByKey orders like a stable Array.prototype.sort, for short lists and long ones', () => {
  const rnd = lcg(7);
  for (const n of [0, 1, 2, 5, 24, 25, 60]) {
    for (let round = 0; round < 20; round++) {
      // Few distinct keys, so stability is exercised.
      const items = Array.from({ length: n }, (_, i) => ({ key: Math.floor(rnd() * 4), i }));
      const expected = [...items].sort((a, b) => a.key - b.key);
      sortByKey(items, (x) => x.key);
      assert.deepEqual(items, expected, `n = ${n}`);
    }
  }
});

test('clearList empties a list in place', () => {
  const list = [1, 2, 3];
  clearList(list);
  assert.equal(list.length, 0);
  list.push(4);
  assert.deepEqual(list, [4]);
});

test('PipelineBatch keeps first-seen order and replaces a repeated id in place, like a Map, past its hashing threshold too', () => {
  const rnd = lcg(11);
  const batch = new PipelineBatch(new Map());
  for (let round = 0; round < 30; round++) {
    batch.reset();
    const map = new Map<string, PipelineView>();
    const count = 1 + Math.floor(rnd() * 40);
    for (let i = 0; i < count; i++) {
      const view = { id: `p${Math.floor(rnd() * 25)}`, n: i } as unknown as PipelineView;
      assert.equal(batch.has(view.id), map.has(view.id));
      batch.set(view);
      map.set(view.id, view);
    }
    assert.deepEqual(batch.list, [...map.values()]);
    assert.equal(batch.has('absent'), false);
  }
});

test('per-trace indexes: positions by id (null when an id repeats), operator counts, and columns in execution order', () => {
  const pipelines: PipelineSpec[] = [
    { id: 'a', arrivalSeconds: 0, priority: 'QUERY', operators: [op('x', []), op('y', ['x'], 5)] },
    // Listed child first: execution order puts the roots first.
    { id: 'b', arrivalSeconds: 1, priority: 'BATCH_PIPELINE', operators: [op('d', ['b1', 'b2'], 7), op('b1', []), op('b2', [])] },
  ];
  const index = pipelineIndexOf(pipelines);
  assert.deepEqual(index && [...index], [
    ['a', 0],
    ['b', 1],
  ]);
  assert.equal(pipelineIndexOf([...pipelines, { ...(pipelines[0] as PipelineSpec) }]), null);
  assert.deepEqual([...operatorsBefore(pipelines)], [0, 2, 5]);

  const templates = templatesOf(pipelines);
  const cols = operatorColumnsOf(pipelines);
  const order = templates.flatMap((t) => t.specs.map((s) => s.id));
  assert.deepEqual(order, ['x', 'y', 'b1', 'b2', 'd']);
  assert.deepEqual([...cols.fixedMemory], [0, 1, 0, 0, 1]);
  assert.deepEqual([...cols.memoryGb], [0, 5, 0, 0, 7]);
  const parentsOf = (g: number): number[] => [...cols.parents.subarray(cols.parentStart[g], cols.parentStart[g + 1])];
  assert.deepEqual([0, 1, 2, 3, 4].map(parentsOf), [[], [0], [], [], [2, 3]]);
  // Scaling names are the shared constants, whatever string object the trace held.
  assert.equal(cols.scaling[0], 'const');
});

test('a trace whose pipeline ids repeat still runs, and ctx.pipeline finds the latest delivered of that id', () => {
  const trace: Trace = {
    pipelines: [
      { id: 'p', arrivalSeconds: 0, priority: 'QUERY', operators: [op('a', [])] },
      { id: 'p', arrivalSeconds: 0.5, priority: 'BATCH_PIPELINE', operators: [op('b', [])] },
    ],
  };
  const seen: string[] = [];
  const outcome = simulate(trace, resolveParams({ duration: 2, ticks_per_second: 10, num_pools: 1, cpus_per_pool: 4, ram_gb_per_pool: 40 }), {
    step(ctx, _results, arrivals) {
      if (arrivals.length) seen.push(`${ctx.now}:${ctx.pipeline('p')?.priority ?? 'none'}`);
      return { suspensions: [], assignments: arrivals.map((p) => ({ operators: p.opsIn(['PENDING'], true), cpu: 1, ram: 10, poolId: 0 })) };
    },
  });
  assert.ok(outcome.ok);
  assert.deepEqual(seen, ['0:QUERY', '5:BATCH_PIPELINE']);
  assert.equal(outcome.stats.pipelines_created, 2);
});

test('containers are found by id while they run and not after they end', () => {
  const trace: Trace = { pipelines: [{ id: 'p1', arrivalSeconds: 0, priority: 'QUERY', operators: [op('a', []), op('b', ['a'])] }] };
  const found: string[] = [];
  simulate(trace, resolveParams({ duration: 3, ticks_per_second: 10, num_pools: 1, cpus_per_pool: 4, ram_gb_per_pool: 40 }), {
    step(ctx, results, arrivals) {
      for (const r of results) found.push(`${ctx.now}:${r.containerId}:${ctx.container(r.containerId) ? 'live' : 'gone'}`);
      for (const c of ctx.pools[0]?.containers ?? []) found.push(`${ctx.now}:${c.id}:${ctx.container(c.id) === c ? 'live' : 'wrong'}`);
      for (const id of ['c0', 'c2', 'c99999999999999999999', 'x1']) if (ctx.container(id)) found.push(`${ctx.now}:${id}:unexpected`);
      return { suspensions: [], assignments: arrivals.map((p) => ({ operators: p.opsIn(['PENDING'], false), cpu: 1, ram: 10, poolId: 0 })) };
    },
  });
  assert.ok(found.some((f) => f.endsWith(':c1:live')));
  assert.ok(found.some((f) => f.endsWith(':c1:gone')));
  assert.ok(!found.some((f) => f.endsWith(':wrong') || f.endsWith(':unexpected')));
});
