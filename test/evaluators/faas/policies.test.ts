// Built-in policies beyond the golden cases: priority-pool and overbook on constructed workloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParams } from '../../../src/evaluators/faas/model/params';
import { simulate, type PolicyModule } from '../../../src/evaluators/faas/engine/simulator';
import { builtinPolicy } from '../../../src/evaluators/faas/policies';
import { generateTrace } from '../../../src/evaluators/faas/workload/generator';
import type { OperatorSpec, Trace } from '../../../src/evaluators/faas/model/types';
import type { Assignment, Decision } from '../../../src/evaluators/faas/policy-api';

/** Wraps a policy to record every decision it makes. */
function recording(policy: PolicyModule, log: { tick: number; decision: Decision }[]): PolicyModule {
  const wrapped: PolicyModule = {
    step(ctx, results, arrivals) {
      const decision = policy.step(ctx, results, arrivals) as Decision;
      log.push({ tick: ctx.now, decision });
      return decision;
    },
  };
  if (policy.init) wrapped.init = policy.init;
  return wrapped;
}

function priorityOf(a: Assignment): string {
  return a.priority ?? '';
}

test('priority-pool keeps queries and interactive work on pool 0 and batch work on pool 1', () => {
  const params = resolveParams({ duration: 300, ticks_per_second: 100, num_pools: 2, cpus_per_pool: 32, ram_gb_per_pool: 256, num_pipelines: 6, waiting_seconds_mean: 5, random_seed: 3 });
  const log: { tick: number; decision: Decision }[] = [];
  const out = simulate(generateTrace(params, 'poisson'), params, recording(builtinPolicy('priority-pool') as PolicyModule, log));
  assert.ok(out.ok, out.ok ? '' : out.failure.message);
  const assignments = log.flatMap((l) => l.decision.assignments ?? []);
  assert.ok(assignments.length > 50);
  for (const a of assignments) {
    assert.equal(a.poolId, priorityOf(a) === 'BATCH_PIPELINE' ? 1 : 0, `${priorityOf(a)} on pool ${a.poolId}`);
    assert.ok(a.cpu >= 1 && a.ram >= 1);
  }
  assert.ok(assignments.some((a) => a.poolId === 0) && assignments.some((a) => a.poolId === 1));
  assert.equal(out.stats.suspensions, 0, 'no preemption');
  assert.equal(out.extra.invalid_decisions, 0);
  // Sizing: new work gets 10% of its pool; a retry after OOM twice the failed container.
  const first = assignments.find((a) => a.poolId === 1);
  assert.deepEqual([first?.cpu, first?.ram], [3, 25]);
  const retried = log.some((l) => (l.decision.assignments ?? []).some((a) => a.ram === 50 || a.ram === 100));
  assert.ok(retried, 'OOM retries double the RAM');
});

test('priority-pool refuses to run without exactly two pools', () => {
  const params = resolveParams({ duration: 20, num_pools: 3 });
  const out = simulate(generateTrace(params, 'eudoxia'), params, builtinPolicy('priority-pool') as PolicyModule);
  assert.ok(!out.ok);
  assert.match(out.failure.message, /priority-pool needs exactly 2 pools/);
});

test('overbook gives each ready operator 1 CPU and the whole pool RAM, and the pool killer resolves overcommit', () => {
  const params = resolveParams({ duration: 200, ticks_per_second: 100, num_pools: 2, cpus_per_pool: 6, ram_gb_per_pool: 120, allow_memory_overcommit: true, num_pipelines: 4, waiting_seconds_mean: 5, random_seed: 9 });
  const log: { tick: number; decision: Decision }[] = [];
  const out = simulate(generateTrace(params, 'eudoxia'), params, recording(builtinPolicy('overbook') as PolicyModule, log));
  assert.ok(out.ok, out.ok ? '' : out.failure.message);
  const assignments = log.flatMap((l) => l.decision.assignments ?? []);
  assert.ok(assignments.length > 20);
  for (const a of assignments) {
    assert.equal(a.cpu, 1);
    assert.equal(a.ram, 120);
    assert.equal(a.operators.length, 1);
  }
  assert.equal(out.extra.invalid_decisions, 0);
  // 55 GB operators, up to six per 120 GB pool: the pool-level killer must step in.
  assert.ok((out.stats.failure_error_counts['OOM'] ?? 0) > 0);
  assert.ok(out.stats.containers_completed > 0);
});

test('overbook abandons a pipeline after three failed containers', () => {
  const big: OperatorSpec = { id: 'op1', parents: [], baselineCpuSeconds: 1, cpuScaling: 'const', memoryGb: 500, storageReadGb: 0 };
  const trace: Trace = { pipelines: [{ id: 'huge', arrivalSeconds: 0, priority: 'BATCH_PIPELINE', operators: [big] }] };
  const params = resolveParams({ duration: 30, ticks_per_second: 10, num_pools: 1, cpus_per_pool: 4, ram_gb_per_pool: 100, allow_memory_overcommit: true });
  const out = simulate(trace, params, builtinPolicy('overbook') as PolicyModule);
  assert.ok(out.ok);
  assert.equal(out.stats.assignments, 3);
  assert.deepEqual(out.stats.failure_error_counts, { OOM: 3 });
});

const chain = (n: number, memoryGb: number): OperatorSpec[] =>
  Array.from({ length: n }, (_, i) => ({ id: `op${i + 1}`, parents: i ? [`op${i}`] : [], baselineCpuSeconds: 2, cpuScaling: 'const', memoryGb, storageReadGb: 0 }));

function busyPoolWithQuery(memoryGb: number): Trace {
  return {
    pipelines: [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, arrivalSeconds: 0, priority: 'BATCH_PIPELINE' as const, operators: chain(4, memoryGb) })),
      { id: 'q', arrivalSeconds: 1, priority: 'QUERY', operators: chain(1, memoryGb) },
    ],
  };
}

test('priority suspends running batch work at an operator boundary when queries wait, and resumes it later', () => {
  // Ten batch containers fill the pool (1 CPU, 10 GB each); the query arriving at 1 s waits until
  // the boundary at 2 s, where one batch container is suspended for it.
  const params = resolveParams({ duration: 60, ticks_per_second: 10, num_pools: 1, cpus_per_pool: 10, ram_gb_per_pool: 100 });
  const out = simulate(busyPoolWithQuery(5), params, builtinPolicy('priority') as PolicyModule);
  assert.ok(out.ok);
  assert.equal(out.stats.suspensions, 1, 'one container suspended for the one waiting query');
  assert.equal(out.stats.pipelines_query.completion_count, 1);
  assert.equal(out.stats.pipelines_query.mean_latency_seconds, 3.4, 'started at 2.5 s once 10 GB were written out, ran 2 s');
  assert.equal(out.stats.pipelines_batch.completion_count, 10, 'the suspended pipeline resumed and finished');
});

test("a suspended container's RAM still counts in the pool until it next reconciles, as in Eudoxia", () => {
  // Same scene with operators really using their 10 GB: when the query starts in the freed space,
  // the pool counts 100 GB running plus the 10 GB of the suspended container, kills the oldest
  // batch container (all scores tie), and priority drops that job because its doubled retry
  // does not fit.
  const params = resolveParams({ duration: 60, ticks_per_second: 10, num_pools: 1, cpus_per_pool: 10, ram_gb_per_pool: 100 });
  const out = simulate(busyPoolWithQuery(10), params, builtinPolicy('priority') as PolicyModule);
  assert.ok(out.ok);
  assert.deepEqual(out.stats.failure_error_counts, { OOM: 1 });
  assert.equal(out.stats.pipelines_batch.completion_count, 9);
  assert.equal(out.stats.pipelines_query.completion_count, 1);
});
