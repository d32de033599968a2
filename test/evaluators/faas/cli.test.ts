// `policy-evolver faas run` and `faas gentrace`, driven through commander in-process with output
// captured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerFaasCommands } from '../../../src/cli/commands/faas';
import { UserError } from '../../../src/cli/errors';
import { readTraceFile } from '../../../src/evaluators/faas/io/trace-csv';

const ROOT = join(__dirname, '..', '..', '..');
const GOLDEN = join(ROOT, 'test', 'fixtures', 'eudoxia', 'priority_defaults_10m');
const EUDOXIA_KEYS = [
  'pipelines_created',
  'containers_completed',
  'throughput',
  'p99_latency',
  'assignments',
  'suspensions',
  'failures',
  'failure_error_counts',
  'pipelines_all',
  'pipelines_query',
  'pipelines_interactive',
  'pipelines_batch',
];

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; error?: UserError; exitCode: number | undefined }> {
  const program = new Command().exitOverride();
  let stdout = '';
  let stderr = '';
  registerFaasCommands(program, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  const previousExit = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'policy-evolver', ...args]);
    return { stdout, stderr, exitCode: process.exitCode };
  } catch (e) {
    if (e instanceof UserError) return { stdout, stderr, error: e, exitCode: e.exitCode };
    throw e;
  } finally {
    process.exitCode = previousExit;
  }
}

test('faas run --json prints exactly the fields of Eudoxia stats plus extra', async () => {
  const r = await cli('faas', 'run', 'priority', '--trace', join(GOLDEN, 'trace.csv'), '--params', join(GOLDEN, 'params.toml'), '--json');
  assert.equal(r.error, undefined);
  const json = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), [...EUDOXIA_KEYS, 'extra']);
  const expected = JSON.parse(readFileSync(join(GOLDEN, 'expected.json'), 'utf8')) as Record<string, unknown>;
  for (const key of EUDOXIA_KEYS) assert.deepEqual(json[key], expected[key], key);
  const extra = json['extra'] as Record<string, unknown>;
  assert.equal(typeof extra['simulation_ms'], 'number');
  assert.equal(typeof extra['adjusted_latency_seconds'], 'number');
});

test('faas run prints stats like Eudoxia does, NaN as n/a', async () => {
  const dir = join(ROOT, 'test', 'fixtures', 'eudoxia', 'priority_suspensions_10m');
  const r = await cli('faas', 'run', 'priority', '--trace', join(dir, 'trace.csv'), '--params', join(dir, 'params.toml'));
  assert.match(r.stdout, /^Simulation completed:\n {2}Pipelines created: 5690\n/);
  assert.match(r.stdout, /Suspensions: 23/);
  assert.match(r.stdout, /Failure\/error counts: \{'OOM': 6446\}/);
  assert.match(r.stdout, /Pipelines \(interactive\): 0 arrived, 0 completed, 0 timed out, mean latency n\/a/);
});

test('faas run with a policy file runs it in the sandbox with the same results as the built-in', async () => {
  const dir = join(ROOT, 'test', 'fixtures', 'eudoxia', 'naive_solo_ops_10m');
  const r = await cli('faas', 'run', join(ROOT, 'examples', 'faas', 'naive.ts'), '--trace', join(dir, 'trace.csv'), '--params', join(dir, 'params.toml'), '--json');
  assert.equal(r.error, undefined, r.error?.message);
  const json = JSON.parse(r.stdout) as Record<string, unknown>;
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, unknown>;
  for (const key of EUDOXIA_KEYS) assert.deepEqual(json[key], expected[key], key);
});

test('bad input gives one line naming the problem and a non-zero exit code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faas-cli-'));
  const badTrace = join(dir, 'bad.csv');
  writeFileSync(badTrace, 'pipeline_id,arrival_seconds,priority,operator_id,parents,baseline_cpu_seconds,cpu_scaling,memory_gb,storage_read_gb\np1,0,QUERY,op1,,1,cubic,,3\n');
  const trace = await cli('faas', 'run', 'priority', '--trace', badTrace);
  assert.match(trace.error?.message ?? '', /bad\.csv:2: unknown cpu_scaling 'cubic'/);
  assert.ok(!(trace.error?.message ?? '').includes('\n'));
  assert.notEqual(trace.exitCode, 0);
  const badParams = join(dir, 'p.toml');
  writeFileSync(badParams, 'duration = 60\nnum_pool = 2\n');
  assert.match((await cli('faas', 'run', 'naive', '--params', badParams)).error?.message ?? '', /p\.toml:2: unknown parameter 'num_pool'/);
  assert.match((await cli('faas', 'run', join(dir, 'missing.ts'))).error?.message ?? '', /no policy file/);
  assert.match((await cli('faas', 'run', 'priority-pool')).error?.message ?? '', /priority-pool needs num_pools = 2/);
  const throws = join(dir, 'throws.js');
  writeFileSync(throws, 'export function step() { throw new Error("nope"); }');
  const thrown = await cli('faas', 'run', throws, '--params', join(GOLDEN, 'params.toml'));
  assert.match(thrown.error?.message ?? '', /the policy failed \(policy-error\): step threw at tick 0: Error: nope/);
});

test('faas gentrace writes a trace in Eudoxia CSV and will not overwrite without --force', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faas-gen-'));
  const file = join(dir, 'w.csv');
  const r = await cli('faas', 'gentrace', file, '--profile', 'bursty', '--seed', '3');
  assert.equal(r.error, undefined);
  assert.ok(existsSync(file));
  assert.ok(readTraceFile(file).pipelines.length > 10);
  assert.match(r.stderr, /wrote \d+ pipelines .*\(profile bursty, seed 3\)/);
  assert.match((await cli('faas', 'gentrace', file)).error?.message ?? '', /already exists; use --force/);
  const first = readFileSync(file, 'utf8');
  assert.equal((await cli('faas', 'gentrace', file, '--force')).error, undefined);
  assert.notEqual(readFileSync(file, 'utf8'), first, 'the eudoxia profile with the default seed');
  const stdout = await cli('faas', 'gentrace', '-', '--seed', '3', '--profile', 'bursty');
  assert.equal(stdout.stdout, first, 'same seed and profile, same trace');
  assert.match((await cli('faas', 'gentrace', file, '--profile', 'weekly', '--force')).error?.message ?? '', /unknown profile 'weekly'/);
});

test('faas run --physics: exact Eudoxia parity by default, corrected on request, named in the output', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faas-physics-'));
  // One 1 GB container at 10 ticks/s suspends for a query: its write truncates to 0 ticks, which
  // Eudoxia never finishes (its CPU stays held, so the query waits longer); corrected physics
  // finishes it in the tick it starts.
  writeFileSync(join(dir, 'params.toml'), 'duration = 60\nticks_per_second = 10\nnum_pools = 1\ncpus_per_pool = 10\nram_gb_per_pool = 10\nscheduler_algo = "priority"\n');
  writeFileSync(
    join(dir, 'trace.csv'),
    'pipeline_id,arrival_seconds,priority,operator_id,parents,baseline_cpu_seconds,cpu_scaling,memory_gb,storage_read_gb\n' +
      'b1,0.0,BATCH_PIPELINE,op1,,2,const,0.5,0\nb1,,,op2,op1,2,const,0.5,0\n' +
      'b2,0.0,BATCH_PIPELINE,op1,,2,const,0.5,0\nb2,,,op2,op1,2,const,0.5,0\n' +
      Array.from({ length: 9 }, (_, i) => `f${i},0.0,BATCH_PIPELINE,op1,,30,const,0.5,0\n`).join('') +
      'q1,1.0,QUERY,op1,,1,const,0.5,0\n',
  );
  const args = ['faas', 'run', 'priority', '--trace', join(dir, 'trace.csv'), '--params', join(dir, 'params.toml')];
  const exact = await cli(...args);
  assert.equal(exact.error, undefined);
  assert.match(exact.stdout, /Physics: eudoxia \(exact parity/);
  const corrected = await cli(...args, '--physics', 'corrected', '--json');
  const json = JSON.parse(corrected.stdout) as { suspensions: number; pipelines_query: { mean_latency_seconds: number }; extra: { physics: string } };
  assert.equal(json.extra.physics, 'corrected');
  const exactJson = JSON.parse((await cli(...args, '--json')).stdout) as typeof json;
  assert.ok(exactJson.suspensions > 0, 'the case suspends');
  assert.equal(exactJson.pipelines_query.mean_latency_seconds, 3.9);
  assert.equal(json.pipelines_query.mean_latency_seconds, 2);
  const bad = await cli(...args, '--physics', 'ideal');
  assert.equal(bad.exitCode, 2);
  assert.match(bad.error?.message ?? '', /--physics must be 'eudoxia' or 'corrected'/);
});

test("faas run's warnings start with 'warning:' as the README says", async () => {
  const r = await cli('faas', 'run', 'overbook', '--params', join(GOLDEN, 'params.toml'));
  assert.equal(r.error, undefined, r.error?.message);
  assert.match(r.stderr, /^warning: overbook asks for whole pools of RAM/m);
  assert.doesNotMatch(r.stderr, /policy-evolver: warning/);
});

test('faas run --time-limit ends a looping policy file with one line naming the limit and the flag, exit 4', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faas-cli-'));
  const loops = join(dir, 'loops.js');
  writeFileSync(loops, 'export function step() { for (;;) {} }');
  const r = await cli('faas', 'run', loops, '--params', join(GOLDEN, 'params.toml'), '--time-limit', '1s');
  assert.equal(r.error?.message, 'loops.js: the simulation did not finish within 1s (--time-limit; does the policy loop?)');
  assert.equal(r.exitCode, 4);
  for (const bad of ['soon', '0', '-5s']) {
    const b = await cli('faas', 'run', loops, '--time-limit', bad);
    assert.match(b.error?.message ?? '', /--time-limit/);
    assert.equal(b.exitCode, 2, bad);
  }
});

test("faas run refuses another domain's policy at the start with exit 3, naming the domain it belongs to", async () => {
  const r = await cli('faas', 'run', join(ROOT, 'examples', 'cluster', 'first-fit.ts'), '--params', join(GOLDEN, 'params.toml'));
  assert.equal(r.error?.message, 'first-fit.ts is a cluster policy, not a faas one (no step export): run it with policy-evolver cluster run');
  assert.equal(r.exitCode, 3);
});

test('faas run --serve --unsandboxed-commands runs the server without bubblewrap and says so, as evolve does', async () => {
  const r = await cli('faas', 'run', join(ROOT, 'examples', 'faas', 'rest_scheduler.py'), '--serve', 'python3 {file}', '--unsandboxed-commands', '--trace', join(GOLDEN, 'trace.csv'), '--params', join(GOLDEN, 'params.toml'), '--json');
  assert.equal(r.error, undefined, r.error?.message);
  assert.match(r.stderr, /^warning: command candidates run WITHOUT the OS sandbox \(--unsandboxed-commands\)/m);
  assert.ok((JSON.parse(r.stdout) as { pipelines_created: number }).pipelines_created > 0);
  const alone = await cli('faas', 'run', 'priority', '--unsandboxed-commands');
  assert.equal(alone.error?.message, '--unsandboxed-commands only applies to scheduler servers (--serve)');
  assert.equal(alone.exitCode, 2);
});
