// Policy candidates of the simulator domains, through the real sandbox pool: decisions are read once
// into plain data before any validation (a lying Proxy cannot smuggle anything past the rules), an
// async policy is reported as such, and what a candidate throws is clipped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { JsonValue } from '../../src/core/types';
import type { SimulationOutcome } from '../../src/evaluators/faas/engine/results';
import { FAAS_HARNESS } from '../../src/evaluators/faas/sandbox-harness';
import { CLUSTER_HARNESS } from '../../src/evaluators/cluster/sandbox-harness';
import { createSandboxPool } from '../../src/sandbox/pool';
import type { SandboxPool } from '../../src/sandbox/types';

let pool: SandboxPool;
before(() => {
  pool = createSandboxPool({ size: 1, limits: { timeoutMs: 60_000 } });
});
after(() => pool.close());

const WORKLOAD = { trace: { profile: 'eudoxia', seed: 3 }, params: { duration: 60, num_pools: 1, cpus_per_pool: 64, ram_gb_per_pool: 500, multi_operator_containers: false } };

async function simulate(code: string): Promise<SimulationOutcome & { logs: string[]; failure?: { kind: string; message: string } }> {
  const outcome = await pool.run({ harness: FAAS_HARNESS, candidateCode: code, candidateFileName: 'policy.js', input: { workloads: [{ id: 'w', data: WORKLOAD as unknown as JsonValue }] } });
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  if (!outcome.ok) throw new Error('unreachable');
  return (outcome.value as unknown as { results: { outcome: SimulationOutcome & { logs: string[] } }[] }).results[0]?.outcome as SimulationOutcome & { logs: string[] };
}

test('an operators Proxy that reports one length to the validator and another to the simulator gets no multi-operator container', { timeout: 900_000 }, async () => {
  const out = await simulate(`
let most = 0;
export function step(ctx, results, arrivals) {
  for (const r of results) if (r.operators.length > most) { most = r.operators.length; console.log('container with', most, 'operators'); }
  const assignments = [];
  for (const p of arrivals) {
    const real = [...p.operators];
    if (real.length < 2) continue;
    let reads = 0;
    const lying = new Proxy(real, { get: (t, k) => (k === 'length' ? (reads++ === 0 ? 1 : t.length) : t[k]) });
    assignments.push({ operators: lying, cpu: 1, ram: 1, poolId: 0 });
  }
  return { assignments };
}`);
  assert.ok(out.ok, 'the simulation ran');
  assert.ok(out.stats.assignments > 0, 'the policy did assign');
  assert.deepEqual(out.logs.filter((l) => /container with [2-9]/.test(l)), [], 'no container ran more than one operator');
});

test('a step that returns a Promise is reported as such, not scored as a policy that schedules nothing', { timeout: 900_000 }, async () => {
  const out = await simulate('export async function step(ctx, results, arrivals) { return {}; }');
  assert.equal(out.ok, false);
  assert.match(out.failure?.message ?? '', /step returned a Promise/);
});

test('a 2 MB thrown message is clipped before it leaves the sandbox', { timeout: 900_000 }, async () => {
  const out = await simulate(`export function step(ctx) { throw new Error('x'.repeat(2 * 1024 * 1024)); }`);
  assert.equal(out.ok, false);
  const message = out.failure?.message ?? '';
  assert.ok(message.length < 10_000, `the message is ${message.length} characters`);
  assert.match(message, /more characters/);
});

test('the cluster domain reads decisions once too, and refuses an async decide', { timeout: 900_000 }, async () => {
  const scenario = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'cluster', 'scenarios', 'easy-01.json'), 'utf8')) as JsonValue;
  const run = async (code: string): Promise<{ ok: boolean; failure?: { message: string }; invalid: { rule: string }[] }> => {
    const outcome = await pool.run({ harness: CLUSTER_HARNESS, candidateCode: code, candidateFileName: 'policy.js', input: { scenarios: [{ id: 's', scenario }] } });
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    if (!outcome.ok) throw new Error('unreachable');
    return (outcome.value as unknown as { results: { outcome: { ok: boolean; failure?: { message: string }; invalid: { rule: string }[] } }[] }).results[0]?.outcome as never;
  };
  const asyncDecide = await run('export async function decide(view) { return { place: [] }; }');
  assert.equal(asyncDecide.ok, false);
  assert.match(asyncDecide.failure?.message ?? '', /decide returned a Promise/);
  // A placement list whose length grows on every read: read once, it is empty.
  const growing = await run(`
export function decide(view) {
  const real = view.queue.flatMap((t) => view.nodes.map((n) => ({ task: t.id, node: n.id })));
  let reads = 0;
  return { place: new Proxy([], { get: (t, k) => (k === 'length' ? (reads++ === 0 ? 0 : real.length) : real[k]) }) };
}`);
  assert.ok(growing.ok !== undefined);
  assert.deepEqual(growing.invalid, [], 'nothing beyond the length first reported was read');
});

test('a candidate cannot leave a message on the view classes for the next candidate in the worker', { timeout: 900_000 }, async () => {
  // Every function reachable from a view's prototype chain: getters, setters, methods, constructors.
  const reachable = `
function reachable(view) {
  const out = [];
  for (let proto = Object.getPrototypeOf(view); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    out.push(proto);
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key);
      for (const f of [d.value, d.get, d.set]) if (typeof f === 'function' || (typeof f === 'object' && f)) out.push(f);
    }
  }
  return out;
}
function views(results, arrivals) {
  return [...arrivals, ...arrivals.flatMap((p) => p.operators), ...results];
}`;
  const writer = await simulate(`${reachable}
let written = 0;
export function step(ctx, results, arrivals) {
  for (const v of views(results, arrivals)) for (const target of reachable(v)) {
    try { target.leftBehind = 'hello from the previous candidate'; if (target.leftBehind) written++; } catch {}
  }
  if (arrivals.length && written) console.log('wrote', written);
  return {};
}`);
  const reader = await simulate(`${reachable}
let found = 0;
export function step(ctx, results, arrivals) {
  for (const v of views(results, arrivals)) for (const target of reachable(v)) if (target.leftBehind !== undefined) found++;
  if (found) console.log('found', found);
  return {};
}`);
  assert.deepEqual(writer.logs, [], 'no write succeeded');
  assert.deepEqual(reader.logs, [], 'nothing was left behind');
});
