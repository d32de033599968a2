// The cluster evaluator through the real sandbox pool: the example policy reproduces first-fit,
// failures are reported per scenario, options are checked, workloads split three ways.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createClusterEvaluator, CLUSTER_EVALUATOR_INFO, scenarioToJson, seedScenarios, type ClusterEvaluator } from '../../../src/evaluators/cluster';
import { createSandboxPool } from '../../../src/sandbox/pool';
import type { CandidateSource, JsonValue } from '../../../src/core/types';
import { loadPromptTemplates } from '../../../src/core/prompt';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE = readFileSync(join(ROOT, 'examples', 'cluster', 'first-fit.ts'), 'utf8');
const pool = createSandboxPool({ size: 1 });
after(() => pool.close());
const ctx = { baseDir: ROOT, sandbox: () => pool };
const signal = new AbortController().signal;

function candidate(code: string, fileName = 'policy.ts'): CandidateSource {
  return { id: `c-${code.length}`, code, fileName, hash: String(code.length) };
}

test('the evaluator declares the cluster domain and splits the 50 seeds into search, validation and holdout', async () => {
  const ev = await createClusterEvaluator({}, ctx);
  assert.equal(ev.info.id, 'cluster');
  assert.equal(ev.info.domain, 'cluster');
  assert.equal(ev.info, CLUSTER_EVALUATOR_INFO);
  const w = await ev.workloads();
  assert.equal(w.length, 50);
  assert.deepEqual(['search', 'validation', 'holdout'].map((s) => w.filter((x) => x.split === s).length), [30, 10, 10]);
  assert.deepEqual(w.filter((x) => x.cheap).map((x) => x.id), ['easy-01']);
  assert.equal((await createClusterEvaluator({ levels: ['easy'] }, ctx).then((e) => e.workloads())).length, 10);
});

test('the example policy scores exactly like the built-in first-fit on every easy and medium seed', async () => {
  const ev = await createClusterEvaluator({ levels: ['easy', 'medium'] }, ctx);
  const w = await ev.workloads();
  const r = await ev.evaluate(candidate(EXAMPLE, 'first-fit.ts'), w, signal);
  assert.equal(r.ok, true, r.error);
  assert.equal(r.perWorkload.length, 25);
  for (const p of r.perWorkload) {
    assert.equal(p.metrics?.['vs_first_fit'], 0, `${p.workloadId}: ${p.metrics?.['reward']} vs ${p.metrics?.['first_fit_reward']}`);
    assert.equal(p.score, p.metrics?.['reward']);
  }
  assert.ok(r.score > 0.5 && r.score < 1);
  assert.equal(r.metrics['on_pareto_front'], 1);
  assert.ok(r.metrics['success_rate'] !== undefined && r.metrics['mean_decision_ms_per_task'] !== undefined);
  assert.match(r.feedback, /best heuristic/);
  assert.deepEqual(Object.keys(r.features).sort(), ['nodeShare', 'slaViolationRate']);
  // Same code, same behaviour: the fingerprint ignores timing.
  const again = await ev.evaluate(candidate(EXAMPLE, 'first-fit.ts'), w, signal);
  assert.equal(again.fingerprint, r.fingerprint);
});

test('policy failures are per scenario, with messages a model can act on', async () => {
  const set = seedScenarios(['easy']).slice(0, 2).map((s, i) => ({ scenario: scenarioToJson(s), split: i === 0 ? 'search' : 'validation' })) as unknown as JsonValue;
  const ev = (await createClusterEvaluator({ scenarioSet: set }, ctx)) as ClusterEvaluator;
  const w = await ev.workloads();
  assert.deepEqual(w.map((x) => x.split), ['search', 'validation']);
  const throws = await ev.evaluate(candidate(`export function decide(view) { if (view.now > 0) throw new Error('no plan for t=' + view.now); return {}; }`), w, signal);
  assert.equal(throws.ok, false);
  assert.match(throws.error ?? '', /policy-error: the policy threw at t=[\d.]+: no plan for t=/);
  const noExport = await ev.evaluate(candidate('export const x = 1;'), w, signal);
  assert.match(noExport.error ?? '', /bad-exports: .*must export a function decide\(view\); it exports x/);
  const broken = await ev.evaluate(candidate('export function decide( {'), w, signal);
  assert.match(broken.error ?? '', /compile: the policy does not compile/);
  assert.equal(await ev.precheck?.(candidate('export const x = 1;')), 'the policy module must export a function decide(view)');
  const overcommit = await ev.evaluate(candidate(`export function decide(view) { return { place: view.queue.map((t) => ({ task: t, node: view.nodes[0] })) }; }`), w, signal);
  assert.equal(overcommit.ok, true, 'rejected decisions cost reward but do not fail the policy');
  assert.ok((overcommit.metrics['mean_invalid_decisions'] ?? 0) > 0);
  assert.match(overcommit.feedback, /Rejected decisions.*\n.*insufficient-(cpu|memory)/);
});

test('options are checked with clear messages', async () => {
  await assert.rejects(createClusterEvaluator({ scenario: 'x' }, ctx), /unknown cluster evaluator option 'scenario'/);
  await assert.rejects(createClusterEvaluator({ scenarios: 'nowhere/' }, ctx), /scenario path not found/);
  await assert.rejects(createClusterEvaluator({ levels: ['impossible'] }, ctx), /levels must be a list of easy, medium, hard, expert/);
  await assert.rejects(createClusterEvaluator({ weights: { cost: 'high' } }, ctx), /weights.cost must be a non-negative number/);
  await assert.rejects(createClusterEvaluator({ scenarioSet: [{ scenario: { version: 1, id: 'x', nodes: [], tasks: [] } }] }, ctx), /scenarioSet\[0\]\.scenario: invalid scenario:\n {2}\/nodes: must have at least 1 item/);
  const files = await createClusterEvaluator({ scenarios: ['examples/cluster/scenarios/easy-01.json', 'examples/cluster/scenarios/easy-02.json'] }, ctx);
  assert.deepEqual((await files.workloads()).map((w) => `${w.id}:${w.split}`), ['easy-01:search', 'easy-02:search']);
});

test('the cluster prompt templates load for LLM defenders', () => {
  const t = loadPromptTemplates(join(ROOT, 'prompts'), 'cluster');
  assert.match(t.systemPath, /cluster[\\/]system\.md$/);
  assert.match(t.userPath, /cluster[\\/]user\.md$/);
  assert.match(t.system, /decide\(view\)/);
});
