// The simulator's model on small hand-computed cases: tick arithmetic, OOM timing, suspension,
// memory overcommit, timeouts, wake-ups, invalid decisions and the honesty of the policy view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParams, type SimParams } from '../../../src/evaluators/faas/model/params';
import { simulate, type PolicyModule } from '../../../src/evaluators/faas/engine/simulator';
import type { SimulationOutcome } from '../../../src/evaluators/faas/engine/results';
import type { OperatorSpec, Trace } from '../../../src/evaluators/faas/model/types';
import type { Assignment, Decision, OperatorView, PipelineView, PolicyContext, ResultView, Suspension } from '../../../src/evaluators/faas/policy-api';

function op(id: string, parents: string[], cpu: number, storage: number, memory: number | null = null): OperatorSpec {
  return { id, parents, baselineCpuSeconds: cpu, cpuScaling: 'const', memoryGb: memory, storageReadGb: storage };
}

function params(extra: Record<string, unknown> = {}): SimParams {
  return resolveParams({ duration: 10, ticks_per_second: 10, num_pools: 1, cpus_per_pool: 10, ram_gb_per_pool: 100, ...extra });
}

function ok(outcome: SimulationOutcome): Extract<SimulationOutcome, { ok: true }> {
  if (!outcome.ok) assert.fail(`simulation failed: ${outcome.failure.message}`);
  return outcome;
}

/** Assigns each arriving pipeline's ready operators once, with fixed resources. */
function fixed(cpu: number, ram: number, log?: { tick: number; results: ResultView[] }[]): PolicyModule {
  return {
    step(ctx, results, arrivals) {
      if (log && results.length) log.push({ tick: ctx.now, results: [...results] });
      const assignments = arrivals.map((p) => ({ operators: p.opsIn(['PENDING'], true), cpu, ram, poolId: 0 }));
      return { suspensions: [], assignments };
    },
  };
}

test('a container needing N ticks created at T ends at T+N-1 and is reported at T+N', () => {
  // 2 GB read at 20 GB/s = 1 tick of I/O, then 1 CPU-second = 10 ticks: 11 ticks.
  const trace: Trace = { pipelines: [{ id: 'p1', arrivalSeconds: 0, priority: 'BATCH_PIPELINE', operators: [op('op1', [], 1, 2)] }] };
  const log: { tick: number; results: ResultView[] }[] = [];
  const out = ok(simulate(trace, params(), fixed(1, 10, log)));
  assert.equal(log.length, 1);
  assert.equal(log[0]?.tick, 11);
  assert.equal(log[0]?.results[0]?.error, null);
  assert.equal(out.stats.p99_latency, 1.1, 'container lifetime 11 ticks');
  assert.equal(out.stats.pipelines_all.mean_latency_seconds, 1.0, 'finished at tick 10');
  assert.equal(out.stats.containers_completed, 1);
  assert.equal(out.stats.throughput, 0.1);
});

test('arrivals are delivered at the first tick at or after their time', () => {
  const trace: Trace = {
    pipelines: [
      { id: 'a', arrivalSeconds: 0.31, priority: 'QUERY', operators: [op('op1', [], 0.1, 0)] },
      { id: 'b', arrivalSeconds: 0.31, priority: 'QUERY', operators: [op('op1', [], 0.1, 0)] },
      { id: 'c', arrivalSeconds: 0.4, priority: 'QUERY', operators: [op('op1', [], 0.1, 0)] },
    ],
  };
  const seen: string[] = [];
  simulate(trace, params(), {
    step(ctx, _r, arrivals) {
      for (const p of arrivals) seen.push(`${p.id}@${ctx.now}`);
      return {};
    },
  });
  assert.deepEqual(seen, ['a@4', 'b@4', 'c@4']);
});

test('memory that grows while reading OOMs on the first tick it exceeds the allocation', () => {
  // 20 GB/s at 10 ticks/s: 2, 4, 6... GB. With 3 GB the second tick (4 GB) is too much.
  const trace: Trace = { pipelines: [{ id: 'p1', arrivalSeconds: 0, priority: 'INTERACTIVE', operators: [op('op1', [], 1, 5), op('op2', ['op1'], 1, 1)] }] };
  const log: { tick: number; results: ResultView[] }[] = [];
  const policy: PolicyModule = {
    step(_ctx, results, arrivals) {
      if (results.length) log.push({ tick: _ctx.now, results: [...results] });
      return { assignments: arrivals.map((p) => ({ operators: p.opsIn(['PENDING']), cpu: 1, ram: 3, poolId: 0 })) };
    },
  };
  const out = ok(simulate(trace, params(), policy));
  assert.equal(log[0]?.tick, 2);
  const r = log[0]?.results[0];
  assert.equal(r?.error, 'OOM');
  assert.deepEqual(r?.operators.map((o) => [o.name, o.state, o.lastError]), [
    ['op1', 'FAILED', 'OOM'],
    ['op2', 'FAILED', 'OOM'],
  ]);
  assert.deepEqual(out.stats.failure_error_counts, { OOM: 1 });
  assert.equal(out.stats.p99_latency, 0.2, 'two ticks elapsed');
  // Fixed memory above the allocation fails on the very first tick.
  const fixedMem: Trace = { pipelines: [{ id: 'p1', arrivalSeconds: 0, priority: 'QUERY', operators: [op('op1', [], 1, 0, 50)] }] };
  assert.equal(ok(simulate(fixedMem, params(), fixed(1, 40))).stats.p99_latency, 0.1);
});

test('suspension is possible only right after an operator boundary, frees resources after writing RAM out, and returns operators to PENDING', () => {
  // Two 1-second operators in one container; ram 40 GB takes 2 s = 20 ticks to write out.
  const trace: Trace = { pipelines: [{ id: 'p1', arrivalSeconds: 0, priority: 'BATCH_PIPELINE', operators: [op('op1', [], 1, 0), op('op2', ['op1'], 1, 0)] }] };
  const events: string[] = [];
  let tried = false;
  const policy: PolicyModule = {
    step(ctx, results, arrivals) {
      const suspensions: Suspension[] = [];
      for (const c of ctx.pools[0]?.containers ?? []) {
        if (!tried && ctx.now === 5) {
          tried = true;
          suspensions.push({ containerId: c.id });
        }
        if (c.canSuspend) {
          events.push(`boundary@${ctx.now}:${ctx.operator('p1/op1')?.state}/${ctx.operator('p1/op2')?.state}`);
          suspensions.push({ containerId: c.id, poolId: 0 });
        }
      }
      for (const c of ctx.suspended) events.push(`suspended@${ctx.now}:${c.id}:${ctx.operator('p1/op2')?.state}:${ctx.pools[0]?.availRam}`);
      if (results.length) events.push(`results@${ctx.now}`);
      if (arrivals.length) ctx.wakeAt(5);
      const assignments: Assignment[] = arrivals.map((p) => ({ operators: p.opsIn(['PENDING']), cpu: 2, ram: 40, poolId: 0 }));
      return { suspensions, assignments };
    },
  };
  const out = ok(simulate(trace, params(), policy));
  // op1 runs ticks 0-9; the call at tick 10 may suspend; writing 40 GB takes ticks 10-29.
  assert.deepEqual(events, ['boundary@10:COMPLETED/ASSIGNED', 'suspended@30:c1:PENDING:100']);
  assert.equal(out.stats.suspensions, 1);
  assert.equal(out.stats.containers_completed, 0, 'no result for a suspension');
  assert.equal(out.extra.invalid_decisions, 1, 'the suspension at tick 5 was not at a boundary');
  assert.equal(out.invalid[0]?.rule, 'not-suspendable');
});

test('with memory overcommit the pool kills the container with the highest use * use/allocation', () => {
  // Two containers read 60 GB each (2 GB per tick). Together they pass 100 GB on I/O tick 25
  // (52 + 52 GB). Scores tie, so the older one dies; the other then fits.
  const trace: Trace = {
    pipelines: [
      { id: 'a', arrivalSeconds: 0, priority: 'BATCH_PIPELINE', operators: [op('op1', [], 0.1, 60)] },
      { id: 'b', arrivalSeconds: 0, priority: 'BATCH_PIPELINE', operators: [op('op1', [], 0.1, 60)] },
    ],
  };
  const log: { tick: number; results: ResultView[] }[] = [];
  const out = ok(simulate(trace, params({ allow_memory_overcommit: true }), fixed(1, 80, log)));
  assert.equal(log[0]?.tick, 26);
  assert.deepEqual(log[0]?.results.map((r) => [r.containerId, r.error]), [['c1', 'OOM']]);
  assert.equal(out.stats.containers_completed, 1);
  assert.deepEqual(out.stats.failure_error_counts, { OOM: 1 });
  // Without overcommit the second 80 GB request does not fit in the pool.
  const strict = ok(simulate(trace, params(), fixed(1, 80)));
  assert.equal(strict.invalid[0]?.rule, 'over-capacity');
});

test('a pipeline times out in the tick its age reaches max_job_seconds; its containers die that tick; counting waits for a whole second', () => {
  // Limit 2 s = 20 ticks: from tick 20 on (age >= 20) both pipelines are timed out and the slow
  // one's container is killed in tick 20, reported at 21.
  const trace: Trace = {
    pipelines: [
      { id: 'idle', arrivalSeconds: 0, priority: 'QUERY', operators: [op('op1', [], 1, 0)] },
      { id: 'slow', arrivalSeconds: 0, priority: 'BATCH_PIPELINE', operators: [op('op1', [], 5, 0)] },
    ],
  };
  const seen: string[] = [];
  const policy: PolicyModule = {
    step(ctx, results, arrivals) {
      for (const r of results) seen.push(`${ctx.now}:${r.error}:${ctx.pipeline('slow')?.status}:${ctx.pipeline('idle')?.status}`);
      return { assignments: arrivals.filter((p) => p.id === 'slow').map((p) => ({ operators: p.operators, cpu: 1, ram: 1, poolId: 0 })) };
    },
  };
  const out = ok(simulate(trace, params({ max_job_seconds: 2 }), policy));
  // The count happens on whole seconds: a run that ends at tick 24 still counts both (last tick).
  seen.length = 0;
  const short = ok(simulate(trace, params({ max_job_seconds: 2, duration: 2.5 }), policy));
  assert.equal(short.stats.pipelines_all.timeout_count, 2);
  assert.deepEqual(seen, ['21:timeout:timed_out:timed_out']);
  assert.equal(out.stats.pipelines_all.timeout_count, 2);
  assert.equal(out.stats.pipelines_query.timeout_count, 1);
  assert.deepEqual(out.stats.failure_error_counts, { timeout: 1 });
  assert.equal(out.stats.pipelines_all.completion_count, 0);
});

test('the timeout limit is int(max_job_seconds x tps) and a timed-out pipeline cannot be given work', () => {
  // 50 s at 300 ticks/s: Eudoxia's limit is 15000 ticks (dividing by the tick length gives 14999).
  const trace: Trace = { pipelines: [{ id: 'p', arrivalSeconds: 0, priority: 'QUERY', operators: [op('op1', [], 1, 0)] }] };
  const states: string[] = [];
  const rejected: string[] = [];
  const out = ok(
    simulate(trace, params({ duration: 60, ticks_per_second: 300, max_job_seconds: 50 }), {
      step(ctx) {
        if (ctx.now === 0) {
          ctx.wakeAt(14999);
          ctx.wakeAt(15000);
          return {};
        }
        const p = ctx.pipeline('p') as PipelineView;
        states.push(`${ctx.now}:${p.status}:${String((p.operators[0] as OperatorView).assignable)}`);
        // Assigning at the deadline tick is refused: Eudoxia would kill the container in that tick.
        return ctx.now === 15000 ? { assignments: [{ operators: [p.operators[0] as OperatorView], cpu: 1, ram: 1, poolId: 0 }] } : {};
      },
    }),
  );
  for (const e of out.invalid) rejected.push(`${e.tick}:${e.rule}`);
  assert.deepEqual(states, ['14999:active:true', '15000:timed_out:false']);
  assert.deepEqual(rejected, ['15000:operator-not-assignable']);
  assert.equal(out.stats.assignments, 0);
  assert.equal(out.stats.pipelines_all.timeout_count, 1);
});

test('ctx.wakeAt brings a call on a quiet tick', () => {
  const trace: Trace = { pipelines: [{ id: 'p1', arrivalSeconds: 0, priority: 'QUERY', operators: [op('op1', [], 0.1, 0)] }] };
  const calls: number[] = [];
  const out = ok(
    simulate(trace, params(), {
      step(ctx, _r, arrivals) {
        calls.push(ctx.now);
        if (arrivals.length) {
          ctx.wakeAt(42);
          return {};
        }
        const p = ctx.pipeline('p1') as PipelineView;
        return ctx.now === 42 ? { assignments: [{ operators: [p.operators[0] as OperatorView], cpu: 1, ram: 1, poolId: 0 }] } : {};
      },
    }),
  );
  assert.deepEqual(calls, [0, 42, 43]);
  assert.equal(out.extra.per_category.all.mean_queueing_delay_seconds, 4.2);
});

test('each invalid decision is rejected with the rule it breaks and the run goes on', () => {
  const trace: Trace = {
    pipelines: [
      { id: 'p1', arrivalSeconds: 0, priority: 'BATCH_PIPELINE', operators: [op('op1', [], 1, 0), op('op2', ['op1'], 1, 0)] },
      { id: 'p2', arrivalSeconds: 0, priority: 'QUERY', operators: [op('op1', [], 1, 0)] },
    ],
  };
  const decisions: Decision = {
    assignments: [
      { operators: ['p1/op1'], cpu: 1, ram: 1, poolId: 3 },
      { operators: ['p9/op1'], cpu: 1, ram: 1, poolId: 0 },
      { operators: [], cpu: 1, ram: 1, poolId: 0 },
      { operators: ['p1/op1'], cpu: 0, ram: 1, poolId: 0 },
      { operators: ['p1/op2'], cpu: 1, ram: 1, poolId: 0 },
      { operators: ['p2/op1'], cpu: 11, ram: 1, poolId: 0 },
      { operators: ['p2/op1'], cpu: 1, ram: 101, poolId: 0 },
      { operators: ['p1/op1', 'p1/op2'], cpu: 1, ram: 1, poolId: 0 },
      { operators: ['p1/op1'], cpu: 1, ram: 1, poolId: 0 },
    ],
    suspensions: [{ containerId: 'c77' }],
  };
  let first = true;
  const out = ok(
    simulate(trace, params(), {
      step() {
        if (!first) return {};
        first = false;
        return decisions;
      },
    }),
  );
  assert.deepEqual(
    out.invalid.map((e) => e.rule),
    ['unknown-container', 'unknown-pool', 'unknown-operator', 'empty-assignment', 'invalid-resources', 'parent-not-done', 'over-capacity', 'over-capacity', 'operator-not-assignable'],
  );
  assert.equal(out.stats.assignments, 1, 'the one valid assignment ran');
  assert.equal(out.extra.invalid_decisions, 9);
  assert.match(out.invalid[5]?.message ?? '', /needs parent 'p1\/op1'/);
  // With one operator per container, a two-operator assignment breaks its own rule.
  first = true;
  const single = ok(
    simulate(trace, params({ multi_operator_containers: false }), {
      step() {
        if (!first) return {};
        first = false;
        return { assignments: [{ operators: ['p1/op1', 'p1/op2'], cpu: 1, ram: 1, poolId: 0 }] };
      },
    }),
  );
  assert.equal(single.invalid[0]?.rule, 'multi-operator-disabled');
});

test('a policy that throws or returns garbage stops the run with the reason', () => {
  const trace: Trace = { pipelines: [{ id: 'p1', arrivalSeconds: 0.5, priority: 'QUERY', operators: [op('op1', [], 1, 0)] }] };
  const thrown = simulate(trace, params(), {
    step() {
      throw new RangeError('boom');
    },
  });
  assert.ok(!thrown.ok);
  assert.equal(thrown.failure.kind, 'policy-error');
  assert.equal(thrown.failure.tick, 5);
  assert.match(thrown.failure.message, /step threw at tick 5: RangeError: boom/);
  const garbage = simulate(trace, params(), { step: () => 42 });
  assert.ok(!garbage.ok);
  assert.equal(garbage.failure.kind, 'malformed-decision');
  assert.match(garbage.failure.message, /must return an object/);
  const badList = simulate(trace, params(), { step: () => ({ assignments: 'all' }) });
  assert.ok(!badList.ok);
  assert.match(badList.failure.message, /'assignments' must be an array/);
  const initFails = simulate(trace, params(), {
    init() {
      throw new Error('no init');
    },
    step: () => ({}),
  });
  assert.ok(!initFails.ok);
  assert.match(initFails.failure.message, /init threw: Error: no init/);
});

test('the policy view is read-only and hides the true operator profiles', () => {
  const trace: Trace = { pipelines: [{ id: 'p1', arrivalSeconds: 0, priority: 'QUERY', operators: [op('op1', [], 7.25, 33.5, 12.75)] }] };
  let checked = false;
  simulate(trace, params(), {
    step(ctx: PolicyContext, _r, arrivals) {
      const p = arrivals[0];
      if (!p) return {};
      const o = p.operators[0] as OperatorView;
      assert.deepEqual(Reflect.ownKeys(o), []);
      assert.deepEqual(Reflect.ownKeys(p), []);
      const text = JSON.stringify([ctx.pools, p, o, ctx.params]);
      for (const secret of ['7.25', '33.5', '12.75', 'const']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
      assert.throws(() => {
        (o as unknown as { state: string }).state = 'COMPLETED';
      }, TypeError);
      assert.throws(() => {
        (ctx.pools[0] as unknown as { availCpu: number }).availCpu = 1000;
      }, TypeError);
      assert.throws(() => {
        (ctx.pools as unknown as unknown[]).push(1);
      }, TypeError);
      const Ctor = (o as unknown as { constructor: new (...args: unknown[]) => unknown }).constructor;
      assert.throws(() => new Ctor(Symbol('faas-view'), {}, {}), /views are created by the simulator/);
      assert.equal(o.memoryEstimateGb, null, 'no estimate without an estimator');
      checked = true;
      return {};
    },
  });
  assert.ok(checked);
});

test('an estimator gives policies a (noisy) memory estimate', () => {
  const trace: Trace = { pipelines: [{ id: 'p1', arrivalSeconds: 0, priority: 'QUERY', operators: [op('op1', [], 1, 30), op('op2', ['op1'], 1, 5, 8)] }] };
  const estimates: (number | null)[][] = [];
  for (const extra of [{ estimator_algo: 'oracle' }, { estimator_algo: 'noisyoracle', estimator_noise_sigma: 0.5 }]) {
    simulate(trace, params(extra), {
      step(_ctx, _r, arrivals) {
        for (const p of arrivals) estimates.push(p.operators.map((o) => o.memoryEstimateGb));
        return {};
      },
    });
  }
  assert.deepEqual(estimates[0], [30, 8]);
  assert.ok(estimates[1]?.every((e, i) => e !== null && e > 0 && e !== [30, 8][i]));
});
