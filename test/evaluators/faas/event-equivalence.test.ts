// The event-driven engine must give exactly what Eudoxia's tick-by-tick loop gives. The simulator
// has an `everyTick` mode that visits every tick and calls the policy every tick, as Eudoxia does;
// on random workloads both modes must agree on every statistic, for every built-in policy and for
// a policy that suspends, overcommits memory and packs DAGs into multi-operator containers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParams, type SimParams } from '../../../src/evaluators/faas/model/params';
import { simulate, type PolicyModule } from '../../../src/evaluators/faas/engine/simulator';
import { builtinPolicy } from '../../../src/evaluators/faas/policies';
import { generateTrace, type ProfileName } from '../../../src/evaluators/faas/workload/generator';
import type { Assignment, OperatorView, PipelineView, PolicyContext, Suspension } from '../../../src/evaluators/faas/policy-api';

/** Suspends every third container it can, overcommits RAM and retries with growing RAM. */
const chaos: PolicyModule = {
  init(ctx: PolicyContext) {
    ctx.state['queue'] = [];
  },
  step(ctx: PolicyContext, _results, arrivals) {
    const queue = ctx.state['queue'] as PipelineView[];
    queue.push(...arrivals);
    ctx.state['queue'] = queue.filter((p) => p.status === 'active');
    const free = ctx.pools.map((p) => ({ cpu: p.availCpu, ram: p.availRam }));
    const assignments: Assignment[] = [];
    for (const p of ctx.state['queue'] as PipelineView[]) {
      const runnable = runnablePrefix(p, ctx.params.multiOperatorContainers);
      if (runnable.length === 0) continue;
      const first = runnable[0] as OperatorView;
      const poolId = (Number(p.id.slice(1)) + first.attempts) % ctx.pools.length;
      const pool = ctx.pools[poolId];
      const room = free[poolId];
      if (!pool || !room) continue;
      const cpu = 1 + (runnable.length % 4);
      const ram = Math.round(pool.maxRam * (0.08 + 0.12 * (first.attempts % 5)));
      if (cpu > room.cpu || (!ctx.params.allowMemoryOvercommit && ram > room.ram)) continue;
      room.cpu -= cpu;
      room.ram -= ram;
      assignments.push({ operators: runnable, cpu, ram, poolId });
    }
    const suspensions: Suspension[] = [];
    for (const pool of ctx.pools) {
      for (const c of pool.containers) {
        if (c.canSuspend && c.priority !== 'QUERY' && Number(c.id.slice(1)) % 3 === 0) suspensions.push({ containerId: c.id, poolId: pool.id });
      }
    }
    return { suspensions, assignments };
  },
};

function runnablePrefix(p: PipelineView, multi: boolean): OperatorView[] {
  const out: OperatorView[] = [];
  const chosen = new Set<string>();
  for (const op of p.opsIn(['PENDING', 'FAILED'])) {
    const ok = op.parentsComplete || op.parents.every((id) => chosen.has(id));
    if (!ok) continue;
    out.push(op);
    chosen.add(op.id);
    if (!multi) break;
  }
  return out;
}

interface Scenario {
  name: string;
  profile: ProfileName;
  policy: string;
  params: Record<string, unknown>;
}

const scenarios: Scenario[] = [];
const base = { duration: 90, ticks_per_second: 100, waiting_seconds_mean: 4, num_pipelines: 3, num_operators: 4 };
for (let seed = 1; seed <= 3; seed++) {
  scenarios.push(
    { name: `naive eudoxia ${seed}`, profile: 'eudoxia', policy: 'naive', params: { ...base, random_seed: seed, num_pools: 2, multi_operator_containers: seed % 2 === 0 } },
    { name: `priority poisson ${seed}`, profile: 'poisson', policy: 'priority', params: { ...base, random_seed: seed, num_pools: 3, cpus_per_pool: 16, ram_gb_per_pool: 64 } },
    {
      name: `priority eudoxia queries ${seed}`,
      profile: 'eudoxia',
      policy: 'priority',
      params: { ...base, ticks_per_second: 10, random_seed: seed, num_pools: 2, query_prob: 0.3, interactive_prob: 0, batch_prob: 0.7, waiting_seconds_mean: 1, num_pipelines: 6 },
    },
    { name: `priority-pool bursty ${seed}`, profile: 'bursty', policy: 'priority-pool', params: { ...base, random_seed: seed, num_pools: 2, cpus_per_pool: 32, ram_gb_per_pool: 128 } },
    { name: `overbook diurnal ${seed}`, profile: 'diurnal', policy: 'overbook', params: { ...base, random_seed: seed, num_pools: 2, cpus_per_pool: 8, ram_gb_per_pool: 64, allow_memory_overcommit: true } },
    {
      name: `chaos overcommit ${seed}`,
      profile: 'poisson',
      policy: 'chaos',
      params: { ...base, random_seed: seed, num_pools: 2, cpus_per_pool: 12, ram_gb_per_pool: 48, allow_memory_overcommit: true, max_job_seconds: 30 },
    },
    {
      name: `chaos suspensions ${seed}`,
      profile: 'eudoxia',
      policy: 'chaos',
      params: { ...base, ticks_per_second: 20, random_seed: seed, num_pools: 2, cpus_per_pool: 16, ram_gb_per_pool: 200, max_job_seconds: 45 },
    },
  );
}

function comparable(outcome: ReturnType<typeof simulate>): unknown {
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.failure.message);
  const { simulation_ms: _ms, policy_calls: _calls, events: _events, ...extra } = outcome.extra;
  return { stats: outcome.stats, extra, invalid: outcome.invalid };
}

for (const s of scenarios) {
  test(`event-driven equals tick-by-tick: ${s.name}`, () => {
    const params: SimParams = resolveParams(s.params);
    const trace = generateTrace(params, s.profile);
    assert.ok(trace.pipelines.length > 10, 'the scenario has work');
    const policy = s.policy === 'chaos' ? chaos : builtinPolicy(s.policy);
    assert.ok(policy);
    const fast = simulate(trace, params, policy);
    const slow = simulate(trace, params, policy, { everyTick: true });
    assert.deepEqual(comparable(fast), comparable(slow));
    if (fast.ok && s.policy === 'chaos') assert.ok(fast.stats.assignments > 0);
  });
}

test('the scenarios exercise suspensions, pool-level OOM kills and timeouts', () => {
  let suspensions = 0;
  let ooms = 0;
  let timeouts = 0;
  for (const s of scenarios.filter((x) => x.policy !== 'naive')) {
    const params = resolveParams(s.params);
    const policy = s.policy === 'chaos' ? chaos : (builtinPolicy(s.policy) as PolicyModule);
    const out = simulate(generateTrace(params, s.profile), params, policy);
    assert.ok(out.ok);
    suspensions += out.stats.suspensions;
    ooms += out.stats.failure_error_counts['OOM'] ?? 0;
    timeouts += out.stats.pipelines_all.timeout_count;
  }
  assert.ok(suspensions > 0, 'some suspensions');
  assert.ok(ooms > 0, 'some OOM kills');
  assert.ok(timeouts > 0, 'some timeouts');
});
