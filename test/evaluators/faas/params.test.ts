import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultParams, maxTicksOf, resolveParams } from '../../../src/evaluators/faas/model/params';
import { parseParamsJson, parseParamsToml, readParamsFile } from '../../../src/evaluators/faas/io/params-file';
import { InputError } from '../../../src/evaluators/faas/io/input-error';

function tomlError(text: string): InputError {
  try {
    parseParamsToml(text, 'sim.toml');
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the TOML to be rejected');
}

test("defaults are Eudoxia's", () => {
  const p = defaultParams();
  assert.equal(p.duration, 600);
  assert.equal(p.ticks_per_second, 1000);
  assert.equal(p.waiting_seconds_mean, 10);
  assert.equal(p.num_pipelines, 4);
  assert.equal(p.num_operators, 5);
  assert.deepEqual([p.interactive_prob, p.query_prob, p.batch_prob], [0.3, 0.1, 0.6]);
  assert.deepEqual([p.dag_linear_prob, p.dag_branch_in_prob, p.dag_branch_out_prob], [1, 0, 0]);
  assert.equal(p.random_seed, 42);
  assert.deepEqual([p.num_pools, p.cpus_per_pool, p.ram_gb_per_pool], [8, 64, 256]);
  assert.equal(p.multi_operator_containers, true);
  assert.equal(p.allow_memory_overcommit, false);
  assert.equal(p.max_job_seconds, 0);
  assert.equal(maxTicksOf(p), 600_000);
});

test('a golden params.toml parses with its values and the defaults for the rest', () => {
  const p = readParamsFile(join(__dirname, '..', '..', 'fixtures', 'eudoxia', 'priority_suspensions_10m', 'params.toml'));
  assert.equal(p.ticks_per_second, 10);
  assert.equal(p.num_pools, 4);
  assert.equal(p.query_prob, 0.25);
  assert.equal(p.scheduler_algo, 'priority');
  assert.equal(p.allow_memory_overcommit, false);
});

test('TOML syntax errors point at file:line:column', () => {
  const err = tomlError('duration = 600\nticks_per_second = \nnum_pools = 2\n');
  assert.equal(err.file, 'sim.toml');
  assert.equal(err.line, 2);
  assert.match(err.message, /^sim\.toml:2:\d+: invalid TOML/);
});

test('unknown keys are named, with their line and a suggestion', () => {
  const err = tomlError('duration = 600\nnum_pool = 2\n');
  assert.equal(err.line, 2);
  assert.match(err.message, /unknown parameter 'num_pool'/);
  assert.match(err.message, /did you mean 'num_pools'/);
  assert.match(tomlError('cpu_pool = 64\n').message, /renamed to 'cpus_per_pool'/);
});

test('impossible values are rejected with the reason', () => {
  const probs = tomlError('interactive_prob = 0.3\nquery_prob = 0.3\nbatch_prob = 0.6\n');
  assert.match(probs.message, /must sum to 1, got 1\.2/);
  assert.equal(probs.line, 3);
  assert.match(tomlError('num_pools = 0\n').message, /'num_pools' = 0 must be at least 1/);
  assert.match(tomlError('ram_gb_per_pool = -5\n').message, /must be greater than 0/);
  assert.match(tomlError('duration = "long"\n').message, /'duration' must be a finite number, got string/);
  assert.match(tomlError('ticks_per_second = 2.5\n').message, /must be an integer/);
  assert.match(tomlError('multi_operator_containers = 1\n').message, /must be true or false/);
  assert.match(tomlError('dag_linear_prob = 0\n').message, /dag_linear_prob \+ dag_branch_in_prob \+ dag_branch_out_prob must be greater than 0/);
  assert.match(tomlError('num_segs = 2\n').message, /exactly one segment/);
  assert.match(tomlError('duration = 0.0001\nticks_per_second = 10\n').message, /shorter than one tick/);
});

test("Eudoxia's files load: `eudoxia init` estimator, noisy estimator keys, DAG shares rescaled as Eudoxia does", () => {
  const init = parseParamsToml('estimator_algo = ""\nnoisy_estimator_sigma = 0.0\n');
  assert.equal(init.estimator_algo, null);
  const noisy = parseParamsToml('estimator_algo = "noisy"\nnoisy_estimator_sigma = 0.4\n');
  assert.equal(noisy.estimator_algo, 'noisy');
  assert.equal(noisy.estimator_noise_sigma, 0.4);
  const dag = parseParamsToml('dag_linear_prob = 2\ndag_branch_in_prob = 1\ndag_branch_out_prob = 1\n');
  assert.deepEqual([dag.dag_linear_prob, dag.dag_branch_in_prob, dag.dag_branch_out_prob], [0.5, 0.25, 0.25]);
  assert.match(tomlError('estimator_algo = "nosy"\n').message, /estimator_algo/);
});

test('probabilities summing to 1 within floating-point tolerance are accepted', () => {
  const p = parseParamsToml('interactive_prob = 0.7\nquery_prob = 0.1\nbatch_prob = 0.2\n');
  assert.equal(p.batch_prob, 0.2);
});

test('JSON parameters use the same keys and report lines too', () => {
  const p = parseParamsJson('{\n  "num_pools": 2,\n  "allow_memory_overcommit": true\n}', 'p.json');
  assert.equal(p.num_pools, 2);
  assert.equal(p.allow_memory_overcommit, true);
  assert.throws(() => parseParamsJson('{\n  "num_pools": 2,\n  "bogus": 1\n}', 'p.json'), /^InputError: p\.json:3: unknown parameter 'bogus'/);
  assert.throws(() => parseParamsJson('{\n  "num_pools": 2,\n}', 'p.json'), /p\.json:\d+(:\d+)?: invalid JSON/);
  assert.throws(() => parseParamsJson('[1]', 'p.json'), /must be a JSON object/);
});

test('reading a missing file names it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faas-params-'));
  assert.throws(() => readParamsFile(join(dir, 'nope.toml')), /nope\.toml: cannot read parameters: no such file/);
  writeFileSync(join(dir, 'p.json'), '{"duration": 5}');
  assert.equal(readParamsFile(join(dir, 'p.json')).duration, 5);
});

test('resolveParams turns estimator "none" into no estimator', () => {
  assert.equal(resolveParams({ estimator_algo: 'none' }).estimator_algo, null);
  assert.throws(() => resolveParams({ estimator_algo: 'magic' }), /'oracle', 'noisyoracle' or 'none'/);
});
