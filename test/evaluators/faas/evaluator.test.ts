// The FaaS evaluator: workloads, relative scores against the built-in priority policy, failures as
// ok:false with feedback, fingerprints, options. Candidates run through an in-process stand-in
// for the sandbox pool (the real pool is exercised in harness.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CandidateSource, JsonValue } from '../../../src/core/types';
import { createFaasEvaluator } from '../../../src/evaluators/faas';
import { parseObjective, relativeScore } from '../../../src/evaluators/faas/objectives';
import { inProcessPool } from './support';

const ROOT = join(__dirname, '..', '..', '..');
const PRIORITY = readFileSync(join(ROOT, 'examples', 'faas', 'priority.ts'), 'utf8');
const SHORT = { params: { duration: 120, num_pools: 1, cpus_per_pool: 64, ram_gb_per_pool: 500, num_pipelines: 10, num_operators: 10, multi_operator_containers: false } };

function candidate(code: string, fileName = 'policy.ts'): CandidateSource {
  return { id: createHash('sha1').update(code).digest('hex').slice(0, 8), code, fileName, hash: createHash('sha256').update(code).digest('hex') };
}

async function evaluator(options: { [key: string]: JsonValue } = SHORT) {
  const pool = inProcessPool();
  const ev = await createFaasEvaluator(options, { baseDir: ROOT, sandbox: () => pool });
  return { ev, pool };
}

const signal = new AbortController().signal;

test('the evaluator describes itself and offers the default split evaluation set', async () => {
  const { ev } = await evaluator({});
  assert.equal(ev.info.id, 'faas');
  assert.equal(ev.info.domain, 'faas');
  assert.deepEqual(ev.info.features.map((f) => f.name), ['completionRate', 'oomShare']);
  const workloads = await ev.workloads();
  assert.equal(workloads.length, 13);
  assert.deepEqual([...new Set(workloads.map((w) => w.split))], ['search', 'validation', 'holdout']);
  assert.match(JSON.stringify(workloads[0]?.data), /"profile":"eudoxia"/);
});

test('the example priority policy scores 0 against the built-in priority it reimplements', async () => {
  const { ev, pool } = await evaluator({});
  const workloads = (await ev.workloads()).filter((w) => w.cheap);
  const result = await ev.evaluate(candidate(PRIORITY, 'priority.ts'), workloads, signal);
  assert.ok(result.ok, result.error);
  assert.equal(result.score, 0);
  assert.deepEqual(result.perWorkload.map((r) => r.score), [0, 0]);
  assert.equal(pool.jobs.length, 1, 'one sandbox job for all workloads');
  const harness = pool.jobs[0]?.harness;
  assert.equal(typeof harness === 'string' ? harness : harness?.name, 'faas');
  assert.ok(result.features['completionRate'] !== undefined && result.features['completionRate'] > 0);
  assert.match(result.feedback, /relative to the built-in `priority` policy/);
  assert.match(result.feedback, /query: \d+\/\d+ done/);
  assert.match(result.feedback, /OOM kills \d+ \(priority \d+\)/);
  assert.ok(result.fingerprint && result.fingerprint.length === 32);
  const again = await ev.evaluate(candidate(`${PRIORITY}\n// same behaviour, different text\n`, 'priority.ts'), workloads, signal);
  assert.equal(again.fingerprint, result.fingerprint, 'same behaviour, same fingerprint');
});

test('tuning two constants of the example (older pipelines first, batch RAM above 55 GB) beats priority', async () => {
  const { ev } = await evaluator({});
  const workloads = (await ev.workloads()).filter((w) => w.cheap);
  const better = PRIORITY.replace('const AGING = 0;', 'const AGING = 1;').replace(
    'const RAM_SHARE: Record<Priority, number> = { QUERY: 0.1, INTERACTIVE: 0.1, BATCH_PIPELINE: 0.1 };',
    'const RAM_SHARE: Record<Priority, number> = { QUERY: 0.1, INTERACTIVE: 0.1, BATCH_PIPELINE: 0.115 };',
  );
  assert.ok(better.includes('AGING = 1') && better.includes('BATCH_PIPELINE: 0.115'));
  const result = await ev.evaluate(candidate(better, 'priority.ts'), workloads, signal);
  assert.ok(result.ok, result.error);
  assert.ok(result.score > 0.05, `score ${result.score}`);
  assert.match(result.feedback, /Summary: \+\d/);
  const base = await ev.evaluate(candidate(PRIORITY, 'priority.ts'), workloads, signal);
  assert.notEqual(result.fingerprint, base.fingerprint);
});

test('failing candidates are ok:false with the reason, never an exception', async () => {
  const { ev } = await evaluator();
  const workloads = (await ev.workloads()).filter((w) => w.cheap);
  const thrown = await ev.evaluate(candidate('export function step(ctx) { if (ctx.now > 5000) throw new TypeError("oops"); return {}; }', 'p.js'), workloads, signal);
  assert.equal(thrown.ok, false);
  assert.match(thrown.error ?? '', /policy-error: step threw at tick \d+: TypeError: oops/);
  assert.ok(thrown.perWorkload.every((r) => !r.ok && r.score === -10));
  assert.match(thrown.feedback, /FAILED on search\//);

  const invalid = await ev.evaluate(candidate('export function step(ctx, r, arrivals) { return { assignments: arrivals.map((p) => ({ operators: p.operators.slice(0, 1), cpu: 1000, ram: 1, poolId: 0 })) }; }', 'p.js'), workloads, signal);
  assert.equal(invalid.ok, false);
  assert.match(invalid.error ?? '', /invalid decision.*rule over-capacity/);
  assert.match(invalid.feedback, /INVALID DECISIONS on .*rule over-capacity/s);

  const garbage = await ev.evaluate(candidate('export function step() { return "yes"; }', 'p.js'), workloads, signal);
  assert.equal(garbage.ok, false);
  assert.match(garbage.error ?? '', /malformed-decision/);

  assert.equal(await ev.precheck?.(candidate('export const x = 1;')), 'the policy module must export a function step(ctx, results, arrivals)');
});

test('user traces and parameters become workloads carrying everything a remote worker needs', async () => {
  const golden = 'test/fixtures/eudoxia/priority_defaults_10m';
  const { ev } = await evaluator({ traces: [`${golden}/trace.csv`, 'examples/faas/sample-trace.csv', `${golden}/trace.csv`], params: `${golden}/params.toml`, objective: 'throughput' });
  const workloads = await ev.workloads();
  assert.deepEqual(workloads.map((w) => w.split), ['search', 'validation', 'holdout']);
  const data = workloads[0]?.data as { trace: { csv: string }; params: Record<string, unknown> };
  assert.ok(data.trace.csv.startsWith('pipeline_id,'));
  assert.equal(data.params['num_pools'], 8);
  const result = await ev.evaluate(candidate(PRIORITY, 'priority.ts'), workloads.slice(0, 1), signal);
  assert.ok(result.ok);
  assert.match(result.feedback, /Objective: throughput/);
  await assert.rejects(createFaasEvaluator({ traces: ['nope.csv'] }, { baseDir: ROOT, sandbox: () => inProcessPool() }), /cannot read trace/);
  await assert.rejects(createFaasEvaluator({ colour: 'red' }, { baseDir: ROOT, sandbox: () => inProcessPool() }), /unknown faas evaluator option 'colour'/);
  await assert.rejects(createFaasEvaluator({ objective: 'speed' }, { baseDir: ROOT, sandbox: () => inProcessPool() }), /unknown objective 'speed'/);
});

test('objectives: names, weighted mixes and relative scores', () => {
  assert.deepEqual(parseObjective(undefined), { kind: 'single', name: 'adjusted-latency-penalized' });
  assert.deepEqual(parseObjective('adjusted-latency=0.7,throughput=0.3'), { kind: 'weighted', weights: [['adjusted-latency', 0.7], ['throughput', 0.3]] });
  assert.deepEqual(parseObjective({ 'p99-query': 1 }), { kind: 'single', name: 'p99-query' });
  assert.throws(() => parseObjective({ throughput: -1 }), /must be a number >= 0/);
  assert.equal(relativeScore('adjusted-latency', 88, 100), 0.12);
  assert.equal(relativeScore('throughput', 1.5, 1), 0.5);
  assert.equal(relativeScore('adjusted-latency', null, 10), -10, 'nothing completed is the worst outcome');
  assert.equal(relativeScore('adjusted-latency', 5, null), 1);
  assert.equal(relativeScore('adjusted-latency', 1000, 10), -10, 'clamped');
});

test('under the default objective a copy of priority that never serves INTERACTIVE loses to priority, as infeasible, on search, validation and holdout', async () => {
  const { ev } = await evaluator({});
  const starving = PRIORITY.replace("const SERVE_ORDER: Priority[] = ['QUERY', 'INTERACTIVE', 'BATCH_PIPELINE'];", "const SERVE_ORDER: Priority[] = ['QUERY', 'BATCH_PIPELINE'];");
  assert.notEqual(starving, PRIORITY);
  const workloads = await ev.workloads();
  const result = await ev.evaluate(candidate(starving, 'starving.ts'), workloads, signal);
  assert.ok(result.ok, result.error);
  for (const split of ['search', 'validation', 'holdout']) {
    const ids = new Set(workloads.filter((w) => w.split === split).map((w) => w.id));
    const scores = result.perWorkload.filter((r) => ids.has(r.workloadId)).map((r) => r.score);
    assert.ok(scores.length > 0 && scores.every((s) => s < -10), `${split}: ${scores.join(', ')} (priority scores 0)`);
  }
  assert.ok(result.score < 0);
  assert.match(result.feedback, /INFEASIBLE: .*guardrail/);
  assert.match(result.feedback, /completion rate INTERACTIVE on \S+: 0\/\d+ INTERACTIVE pipelines completed/);
  const check = result.checks?.find((c) => c.name === 'completion rate INTERACTIVE');
  assert.equal(check?.status, 'violated');
  assert.equal(result.checks?.find((c) => c.name === 'completion rate QUERY')?.status, 'verified');
  // Without guardrails the penalized default still ranks it below priority; the seed paper's
  // objective is the one that rewards starvation (which is why it is no longer the default).
  const plain = await evaluator({ guardrails: false });
  const penalized = await plain.ev.evaluate(candidate(starving, 'starving.ts'), workloads, signal);
  assert.ok(penalized.score < 0, `penalized objective without guardrails: ${penalized.score}`);
  assert.equal(penalized.checks, undefined);
});

test('under the default objective, starving QUERY or BATCH_PIPELINE instead is infeasible too, on every split, with the guardrail named', async () => {
  const { ev } = await evaluator({});
  const workloads = await ev.workloads();
  const order = "const SERVE_ORDER: Priority[] = ['QUERY', 'INTERACTIVE', 'BATCH_PIPELINE'];";
  for (const [starved, kept] of [['QUERY', "['INTERACTIVE', 'BATCH_PIPELINE']"], ['BATCH_PIPELINE', "['QUERY', 'INTERACTIVE']"]] as const) {
    const starving = PRIORITY.replace(order, `const SERVE_ORDER: Priority[] = ${kept};`);
    assert.notEqual(starving, PRIORITY);
    const result = await ev.evaluate(candidate(starving, `no-${starved}.ts`), workloads, signal);
    assert.ok(result.ok, result.error);
    for (const split of ['search', 'validation', 'holdout']) {
      const ids = new Set(workloads.filter((w) => w.split === split).map((w) => w.id));
      const scores = result.perWorkload.filter((r) => ids.has(r.workloadId)).map((r) => r.score);
      assert.ok(scores.length > 0 && scores.every((s) => s < -10), `${starved} starved, ${split}: ${scores.join(', ')}`);
    }
    assert.equal(result.checks?.find((c) => c.name === `completion rate ${starved}`)?.status, 'violated', starved);
    assert.match(result.feedback, new RegExp(`completion rate ${starved} on \\S+: 0/\\d+ ${starved} pipelines completed`));
  }
});

test("the seed paper's objective stays selectable, with a warning in the feedback", async () => {
  const { ev } = await evaluator({ ...SHORT, objective: 'adjusted-latency' });
  const result = await ev.evaluate(candidate(PRIORITY, 'priority.ts'), (await ev.workloads()).slice(0, 1), signal);
  assert.match(result.feedback, /^Warning: objective 'adjusted-latency' \(the seed paper's\) rewards starving a priority class/);
  assert.throws(() => parseObjective('adjusted-latency-penalised'), /unknown objective/);
});

test("the seed objective's warning goes to the run's log as 'warning: ...', every run, never straight to stderr", async () => {
  const pool = inProcessPool();
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  const logged: string[] = [];
  try {
    for (let i = 0; i < 2; i++) await createFaasEvaluator({ ...SHORT, objective: 'adjusted-latency' }, { baseDir: ROOT, sandbox: () => pool, log: (m) => logged.push(m) });
    await createFaasEvaluator(SHORT, { baseDir: ROOT, sandbox: () => pool, log: (m) => logged.push(m) });
  } finally {
    process.stderr.write = write;
  }
  assert.equal(stderr, '');
  assert.equal(logged.length, 2);
  for (const m of logged) assert.match(m, /^warning: objective 'adjusted-latency' \(the seed paper's\) rewards starving/);
});
