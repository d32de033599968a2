// The event-driven simulator on small hand-checked scenarios: metrics computed by hand, the
// honest view, structured errors for invalid decisions, preemption, queue timeouts and the
// reward's building blocks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combineReward, DEFAULT_WEIGHTS, gini, heuristic, ParetoFront, parseScenario, parseWeights, percentile, simulate, type ClusterView, type Decision, type PolicyModule, type Scenario, type SimulationOutcome } from '../../../src/evaluators/cluster';

function scenario(overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario({
    version: 1,
    id: 'hand',
    nodes: [
      { id: 'n0', cpu: 4, memory: 8, costPerHour: 3.6, idleWatts: 100, peakWatts: 300 },
      { id: 'n1', kind: 'edge', cpu: 2, memory: 4, costPerHour: 0.36, idleWatts: 10, peakWatts: 30, speed: 0.5 },
    ],
    tasks: [
      { id: 'a', tenant: 'x', cpu: 2, memory: 2, duration: 100, arrival: 0 },
      { id: 'b', tenant: 'y', cpu: 2, memory: 2, duration: 100, arrival: 0, deadline: 150, durationEstimate: 80 },
      { id: 'c', tenant: 'x', cpu: 4, memory: 4, duration: 50, arrival: 10, deadline: 100 },
    ],
    ...overrides,
  });
}

function ok(o: SimulationOutcome): Extract<SimulationOutcome, { ok: true }> {
  if (!o.ok) assert.fail(`simulation failed: ${o.failure.message}`);
  return o;
}

const near = (actual: number | null, expected: number, what: string) => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);

test('first-fit on a hand-checked scenario gives the metrics computed by hand', () => {
  const r = ok(simulate(scenario(), heuristic('first-fit')));
  const m = r.metrics;
  assert.equal(m.completed, 3);
  near(m.meanLatency, 340 / 3, 'mean latency');
  near(m.p95Latency, 136, 'p95');
  near(m.p99Latency, 139.2, 'p99');
  near(m.meanWait, 30, 'mean wait');
  near(m.slaViolationRate, 0.5, 'SLA violations');
  near(m.failureRate, 0, 'failures');
  near(m.costUsd, 0.15, 'cost');
  near(m.energyKwh, 45000 / 3.6e6, 'energy');
  near(m.cpuUtilisation, 600 / 900, 'cpu utilisation');
  near(m.memoryUtilisation, 600 / 1800, 'memory utilisation');
  near(m.activeCpuUtilisation, 1, 'active utilisation');
  near(m.makespan, 150, 'makespan');
  near(m.fairnessGini, 0.9 / 5.8, 'gini');
  assert.equal(m.nodesUsed, 1);
  assert.equal(r.invalidCount, 0);
  assert.deepEqual(r.placements, ['n0', 'n0', 'n0']);
  near(r.goodness.failures, 1, 'failure goodness');
  near(r.goodness.sla, 0.5, 'sla goodness');
  near(r.goodness.latency, (1 + 1 + 50 / 140) / 3, 'latency goodness');
  near(r.reward, combineReward(r.goodness, DEFAULT_WEIGHTS), 'reward');
});

test('the view is honest and read-only: no future tasks, estimates instead of run times', () => {
  const seen: { now: number; queue: string[]; arrived: number; estimate?: number }[] = [];
  const probe: PolicyModule = {
    decide(view: ClusterView): Decision {
      seen.push({ now: view.now, queue: view.queue.map((t) => t.id), arrived: view.arrivedCount, estimate: view.queue.find((t) => t.id === 'b')?.durationEstimate });
      assert.ok(Object.isFrozen(view) && Object.isFrozen(view.nodes) && Object.isFrozen(view.queue[0] ?? {}) && Object.isFrozen(view.nodes[0]));
      assert.throws(() => ((view.nodes[0] as { freeCpu: number }).freeCpu = 99));
      assert.equal('duration' in (view.queue[0] ?? {}), false);
      if (view.now === 0) return { place: [{ task: 'a', node: 'n0' }, { task: view.queue[1] as never, node: view.nodes[0] as never }] };
      return {};
    },
  };
  ok(simulate(scenario(), probe));
  assert.deepEqual(seen[0], { now: 0, queue: ['a', 'b'], arrived: 2, estimate: 80 });
  assert.deepEqual(seen[1]?.queue, ['c']);
  assert.equal(seen[1]?.now, 10);
});

test('invalid decisions are rejected part by part with named rules and cost reward', () => {
  const bad: PolicyModule = {
    decide(view) {
      if (view.now !== 0) return heuristic('first-fit').decide(view);
      return {
        preempt: ['a'],
        place: [
          { task: 'zzz', node: 'n0' },
          { task: 'c', node: 'n0' },
          { task: 'a', node: 'n9' },
          { task: 'a', node: 'n1' },
          { task: 'a', node: 'n1' },
          { task: 'b', node: 'n1' },
          { task: 'b', node: 'n0' },
          { nope: true } as never,
        ],
        wakeAt: -1,
      };
    },
  };
  const r = ok(simulate(scenario(), bad));
  const rules = r.invalid.map((e) => e.rule);
  assert.deepEqual(rules, ['malformed-decision', 'bad-wake-time', 'preemption-disabled', 'unknown-task', 'unknown-task', 'unknown-node', 'duplicate-placement', 'insufficient-cpu']);
  assert.equal(r.invalidCount, 8);
  const cpu = r.invalid.find((e) => e.rule === 'insufficient-cpu');
  assert.deepEqual({ task: cpu?.taskId, node: cpu?.nodeId }, { task: 'b', node: 'n1' });
  assert.match(cpu?.message ?? '', /only 0 of 2 cores are free/);
  assert.match(r.invalid[3]?.message ?? '', /zzz: no arrived task/);
  const clean = ok(simulate(scenario(), { decide: (v) => (v.now === 0 ? { place: [{ task: 'a', node: 'n1' }, { task: 'b', node: 'n0' }] } : heuristic('first-fit').decide(v)) }));
  assert.ok(Math.abs(r.reward - (clean.reward - 8 * 0.005)) < 1e-9, 'each rejected part costs 0.005 reward');
});

test('preemption stops a task, frees its node and restarts it later from scratch', () => {
  const s = scenario({ constraints: { preemption: true } });
  const restarts: number[] = [];
  const urgent: PolicyModule = {
    decide(view) {
      if (view.now === 10) return { preempt: ['a', 'b'], place: [{ task: 'c', node: 'n0' }] };
      restarts.push(...view.queue.map((t) => t.restarts));
      return heuristic('first-fit').decide(view) as Decision;
    },
  };
  const r = ok(simulate(s, urgent));
  assert.equal(r.metrics.preemptions, 2);
  assert.ok(restarts.includes(1));
  assert.equal(r.metrics.slaViolationRate, 0.5, 'c meets its deadline (60), b misses 150 after restarting at 60');
  near(r.metrics.makespan, 160, 'a and b restart at 60 and finish at 160');
  assert.equal(r.metrics.completed, 3);
});

test('queue timeouts, stranded tasks and the horizon turn into failures', () => {
  const timed = ok(simulate(scenario({ constraints: { maxWaitSeconds: 5 } }), heuristic('first-fit')));
  assert.equal(timed.metrics.failed, 1, 'c waits more than 5 s');
  near(timed.metrics.failureRate, 1 / 3, 'failure rate');
  near(timed.metrics.slaViolationRate, 0.5, 'a failed task with a deadline violates it');

  const lazy = ok(simulate(scenario(), { decide: () => ({}) }));
  assert.equal(lazy.metrics.failed, 3);
  assert.equal(lazy.metrics.costUsd, 0);
  assert.ok(lazy.reward < 0.35, `doing nothing must not pay: ${lazy.reward}`);

  const short = ok(simulate(scenario({ constraints: { horizonSeconds: 120 } }), heuristic('first-fit')));
  assert.equal(short.metrics.failed, 1, 'c cannot finish before 120');
  assert.equal(short.metrics.makespan, 120);
});

test('policy errors and runaway wake-ups end the simulation with a failure', () => {
  const thrown = simulate(scenario(), { decide: (v) => { if (v.now > 5) throw new Error('boom'); return {}; } });
  assert.equal(thrown.ok, false);
  if (!thrown.ok) assert.deepEqual([thrown.failure.kind, thrown.failure.message], ['policy-error', 'the policy threw at t=10: boom']);
  const spin = simulate(scenario(), { decide: (v) => ({ wakeAt: v.now + 1 }) });
  assert.equal(spin.ok, false);
  if (!spin.ok) assert.equal(spin.failure.kind, 'call-limit');
});

test('same scenario, same seed, same result; view.random is seeded per scenario', () => {
  const a = simulate(scenario(), heuristic('random'), { seed: 3 });
  const b = simulate(scenario(), heuristic('random'), { seed: 3 });
  assert.deepEqual(a, b);
});

test('percentile, Gini, weights and the Pareto front', () => {
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(percentile([], 0.5), null);
  assert.equal(gini([1, 1, 1]), 0);
  assert.ok(Math.abs(gini([0, 0, 0, 1]) - 0.75) < 1e-12);
  assert.throws(() => parseWeights({ latency: -1 }), /latency must be a non-negative number/);
  assert.throws(() => parseWeights({ speed: 1 }), /unknown objective 'speed'/);
  assert.equal(parseWeights({ cost: 1 }).cost, 1);
  const front = new ParetoFront<string>(['a', 'b']);
  assert.equal(front.offer('p', { a: 1, b: 0 }), true);
  assert.equal(front.offer('q', { a: 0, b: 1 }), true);
  assert.equal(front.offer('r', { a: 0.5, b: 0 }), false, 'dominated by p');
  assert.equal(front.offer('s', { a: 1, b: 1 }), true);
  assert.deepEqual(front.members().map((m) => m.key), ['s']);
});

test('placements may carry a reason: kept per task when explaining, clipped, left out of scoring reports', () => {
  const explaining: PolicyModule = {
    decide: (view: ClusterView): Decision => ({
      place: view.queue
        .filter((t) => view.fits(t, 'n0'))
        .slice(0, 1)
        .map((t) => ({ task: t.id, node: 'n0', reason: t.id === 'c' ? 'x'.repeat(500) : `${t.id} is the oldest waiting task and n0 is the first node with room` })),
    }),
  };
  const explained = ok(simulate(scenario(), explaining, { explain: true }));
  assert.deepEqual(explained.reasons?.map((r) => [r.task, r.node, r.reason.length]), [['a', 'n0', 63], ['b', 'n0', 63], ['c', 'n0', 200]]);
  assert.equal(explained.reasons?.[1]?.reason, 'b is the oldest waiting task and n0 is the first node with room');
  const scored = ok(simulate(scenario(), explaining));
  assert.equal(scored.reasons, undefined, 'scoring runs keep no reasons');
  assert.equal(scored.reward, explained.reward, 'reasons never change the outcome');
  const bad = ok(simulate(scenario(), { decide: (view) => ({ place: view.queue.slice(0, 1).map((t) => ({ task: t.id, node: 'n0', reason: 42 as unknown as string })) }) }, { explain: true }));
  assert.ok(bad.invalid.some((e) => e.rule === 'malformed-decision' && /place\[0\]\.reason must be a string, got 42/.test(e.message)));
});
