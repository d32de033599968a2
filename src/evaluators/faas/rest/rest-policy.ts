// Eudoxia's REST scheduler protocol (`scheduler_algo = "rest"`): the policy is an HTTP server, in
// any language. The simulator POSTs `/init` once with the parameters, then `/schedule` with the
// state in Eudoxia's JSON (results, new and other pipelines, pools with their containers) whenever
// pipelines arrived, containers finished, or `rest_poll_interval` simulated seconds passed since the
// last call; the answer lists suspensions and assignments. Field names are Eudoxia's, so a server
// written for Eudoxia runs here unchanged (operator ids are ours: `<pipeline>/<operator>`).
import type { PolicyModule } from '../engine/simulator';
import type { SimParams } from '../model/params';
import type { Assignment, ContainerView, Decision, PipelineView, PolicyContext, PoolView, ResultView, Suspension } from '../policy-api';
import type { SyncHttpClient } from './sync-http';

interface RestState {
  lastCallSeconds: number;
  /** Pipelines sent before that were neither complete nor timed out then (Eudoxia's other_pipelines). */
  others: Map<string, PipelineView>;
  /** Every container whose suspension finished, per pool (Eudoxia keeps them listed). */
  suspended: ContainerView[];
}

const STATE = 'rest';

function pipelineJson(p: PipelineView): Record<string, unknown> {
  return {
    pipeline_id: p.id,
    priority: p.priority,
    arrival_tick: p.arrivalTick,
    is_complete: p.status === 'completed',
    has_failures: p.failedCount > 0,
    timed_out: p.status === 'timed_out',
    operators: p.operators.map((op) => ({
      id: op.id,
      state: op.state.toLowerCase(),
      is_assignable_state: op.state === 'PENDING' || op.state === 'FAILED',
      parents_complete: op.parentsComplete,
      estimate: { mem_peak_gb: op.memoryEstimateGb },
    })),
  };
}

function containerJson(c: ContainerView): Record<string, unknown> {
  const pipelines = new Set(c.operators.map((id) => id.slice(0, id.indexOf('/'))));
  return {
    container_id: c.id,
    pipeline_id: pipelines.size === 1 ? [...pipelines][0] : pipelines.size === 0 ? 'no_pipeline' : 'multiple_pipelines',
    operator_ids: [...c.operators],
    cpu: c.cpu,
    ram_gb: c.ram,
    current_memory_gb: c.memoryUsedGb,
    priority: c.priority,
  };
}

function poolJson(pool: PoolView, suspended: readonly ContainerView[]): Record<string, unknown> {
  return {
    pool_id: pool.id,
    max_cpu: pool.maxCpu,
    max_ram_gb: pool.maxRam,
    avail_cpu: pool.availCpu,
    avail_ram_gb: pool.availRam,
    consumed_ram_gb: pool.consumedRam,
    active_containers: pool.containers.map(containerJson),
    suspending_containers: pool.suspending.map(containerJson),
    suspended_containers: suspended.filter((c) => c.poolId === pool.id).map(containerJson),
  };
}

function resultJson(r: ResultView): Record<string, unknown> {
  return { ops: r.operators.map((op) => op.id), cpu: r.cpu, ram: r.ram, priority: r.priority, pool_id: r.poolId, container_id: r.containerId, error: r.error };
}

function field(record: Record<string, unknown>, key: string, where: string): unknown {
  if (!(key in record)) throw new Error(`the REST scheduler's ${where} lacks "${key}"`);
  return record[key];
}

/** The answer of `/schedule` as a decision; a malformed answer stops the run with the reason. */
function decisionOf(answer: unknown): Decision {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new Error('the REST scheduler answered something that is not a JSON object');
  const a = answer as Record<string, unknown>;
  const sus = field(a, 'suspensions', 'answer');
  const asg = field(a, 'assignments', 'answer');
  if (!Array.isArray(sus) || !Array.isArray(asg)) throw new Error('the REST scheduler\'s "suspensions" and "assignments" must be lists');
  const suspensions: Suspension[] = sus.map((s: unknown, i) => {
    const r = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
    return { containerId: field(r, 'container_id', `suspensions[${i}]`) as string, poolId: field(r, 'pool_id', `suspensions[${i}]`) as number };
  });
  const assignments: Assignment[] = asg.map((x: unknown, i) => {
    const r = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
    const where = `assignments[${i}]`;
    const out: Assignment = {
      operators: field(r, 'operator_ids', where) as string[],
      cpu: field(r, 'cpu', where) as number,
      ram: field(r, 'ram_gb', where) as number,
      poolId: field(r, 'pool_id', where) as number,
    };
    if (r['priority'] !== undefined) (out as { priority?: unknown }).priority = r['priority'];
    return out;
  });
  return { suspensions, assignments };
}

/** The first tick after `now` at which Eudoxia's idle poll would call the server again. */
function nextPollTick(now: number, tps: number, lastSeconds: number, poll: number): number {
  let t = Math.max(now + 1, Math.ceil((lastSeconds + poll) * tps));
  while (t - 1 > now && (t - 1) / tps - lastSeconds >= poll) t--;
  while (t / tps - lastSeconds < poll) t++;
  return t;
}

/** A policy whose decisions come from an Eudoxia REST scheduler at `params.rest_scheduler_addr`. */
export function restPolicy(client: SyncHttpClient, params: SimParams): PolicyModule {
  const base = `http://${params.rest_scheduler_addr}`;
  const poll = params.rest_poll_interval;
  return {
    init(ctx: PolicyContext): void {
      const state: RestState = { lastCallSeconds: 0, others: new Map(), suspended: [] };
      ctx.state[STATE] = state;
      // Eudoxia asks the server only on arrivals, results and idle polls, never at operator boundaries.
      ctx.setBoundaryCalls(false);
      client.postJson(`${base}/init`, { params });
      if (poll > 0) ctx.wakeAt(nextPollTick(0, ctx.params.ticksPerSecond, 0, poll));
    },
    step(ctx: PolicyContext, results: readonly ResultView[], arrivals: readonly PipelineView[]): Decision {
      const state = ctx.state[STATE] as RestState;
      const tps = ctx.params.ticksPerSecond;
      state.suspended.push(...ctx.suspended);
      const nowSeconds = ctx.now / tps;
      if (arrivals.length === 0 && results.length === 0 && nowSeconds - state.lastCallSeconds < poll) return {};
      state.lastCallSeconds = nowSeconds;
      const payload = {
        tick: ctx.now,
        sim_time_seconds: nowSeconds,
        results: results.map(resultJson),
        new_pipelines: arrivals.map(pipelineJson),
        other_pipelines: [...state.others.values()].map(pipelineJson),
        pools: ctx.pools.map((pool) => poolJson(pool, state.suspended)),
      };
      const decision = decisionOf(client.postJson(`${base}/schedule`, payload));
      for (const p of arrivals) state.others.set(p.id, p);
      for (const [id, p] of state.others) if (p.status !== 'active') state.others.delete(id);
      if (poll > 0) ctx.wakeAt(nextPollTick(ctx.now, tps, nowSeconds, poll));
      return decision;
    },
  };
}
