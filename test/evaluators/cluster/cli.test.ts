// `policy-evolver cluster ...` through commander, as the CLI registers it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerClusterCommands } from '../../../src/cli/commands/cluster';
import { parseScenarioText } from '../../../src/evaluators/cluster';
import { tempDir } from '../../helpers/tmp';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'cluster', 'first-fit.ts');
const SCENARIOS = join(ROOT, 'examples', 'cluster', 'scenarios');

async function run(args: string[]): Promise<{ out: string; err: string; code: number; error?: Error }> {
  let out = '';
  let err = '';
  let code = 0;
  const program = new Command().exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  registerClusterCommands(program, { out: (t) => void (out += t), err: (t) => void (err += t), exitCode: (c) => void (code = c) });
  try {
    await program.parseAsync(['node', 'policy-evolver', 'cluster', ...args]);
    return { out, err, code };
  } catch (error) {
    return { out, err, code, error: error as Error };
  }
}

test('cluster run: built-ins in-process, policy files in the sandbox, same numbers for the example and first-fit', async () => {
  const builtin = await run(['run', 'first-fit', join(SCENARIOS, 'easy-01.json'), '--json']);
  const file = await run(['run', EXAMPLE, join(SCENARIOS, 'easy-01.json'), '--json']);
  const a = JSON.parse(builtin.out);
  const b = JSON.parse(file.out);
  assert.equal(a.reward, b.reward);
  assert.equal(b.firstFitReward, b.reward);
  assert.ok(b.metrics.meanLatency > 0 && b.metrics.energyKwh > 0);
  const text = await run(['run', 'best-fit', join(SCENARIOS, 'medium-01.json')]);
  assert.match(text.out, /medium-01: reward 0\.\d+ \(first-fit 0\.\d+\); latency mean .* SLA violations .* tenant Gini/);
});

test("cluster run refuses another domain's policy at the start with exit 3, naming the domain it belongs to", async () => {
  const r = await run(['run', join(ROOT, 'examples', 'faas', 'priority.ts'), join(SCENARIOS, 'easy-01.json')]);
  assert.equal(r.error?.message, 'priority.ts is a faas policy, not a cluster one (no decide export): run it with policy-evolver faas run');
  assert.equal((r.error as Error & { exitCode?: number }).exitCode, 3);
});

test('cluster validate, generate and import write and check scenario files', async () => {
  const dir = tempDir();
  const generated = join(dir, 'gen.json');
  const gen = await run(['generate', generated, '--param', 'level=hard', '--param', 'profile=alibaba2018', '--param', 'seed=4']);
  assert.equal(gen.error, undefined);
  const s = parseScenarioText(readFileSync(generated, 'utf8'));
  // Says what it wrote, like every other writer of the CLI.
  assert.equal(gen.err, `wrote ${generated} (scenario 'gen': ${s.tasks.length} tasks on ${s.nodes.length} nodes)\n`);
  assert.equal(s.level, 'hard');
  assert.ok(s.tasks.length >= 50);
  const ok = await run(['validate', generated]);
  assert.match(ok.out, /gen\.json: ok \(\d+ tasks, \d+ nodes, level hard\)/);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ version: 1, id: 'b', nodes: [{ id: 'n', cpu: 4, memory: 8 }], tasks: [{ id: 't', cpu: 2, memory: 64, duration: 10, arrival: 0 }] }));
  const rejected = await run(['validate', bad]);
  assert.match(rejected.out, /rejected by feasibility: task t \(2 cores, 64 GB\) fits no node/);
  assert.equal(rejected.code, 3);
  const badParam = await run(['generate', join(dir, 'x.json'), '--param', 'load=9']);
  assert.match(badParam.error?.message ?? '', /--param.load must be a number from 0.05 to 3/);
  const out = join(dir, 'azure.json');
  const imported = await run(['import', 'azure', join(__dirname, 'fixtures', 'azure-vmtable.csv'), out]);
  assert.equal(imported.error, undefined, imported.error?.message);
  assert.match(imported.err, /^wrote .*azure\.json \(scenario 'azure': 3 tasks on \d+ nodes\)\n$/);
  assert.equal(parseScenarioText(readFileSync(out, 'utf8')).tasks.length, 3);
  const again = await run(['import', 'azure', join(__dirname, 'fixtures', 'azure-vmtable.csv'), out]);
  assert.match(again.error?.message ?? '', /already exists; use --force/);
  for (const slack of ['abc', '0', '-1', '']) {
    const badSlack = await run(['import', 'azure', join(__dirname, 'fixtures', 'azure-vmtable.csv'), join(dir, 'slack.json'), '--deadline-slack', slack]);
    assert.equal(badSlack.error?.message, `--deadline-slack must be a positive number, got '${slack}'`);
    assert.equal((badSlack.error as Error & { exitCode?: number }).exitCode, 2);
    assert.equal(existsSync(join(dir, 'slack.json')), false);
  }
});

test('cluster bench compares with every baseline and prints intervals, p-values and scalability', async () => {
  const r = await run(['bench', EXAMPLE, '--synthetic', '4', '--levels', 'easy', '--trace-shaped', '1', '--loaded', '8', '--ga-generations', '2', '--ga-population', '6', '--scale', '10,50', '-j', '1']);
  assert.equal(r.error, undefined, r.error?.message);
  for (const name of ['random', 'round-robin', 'first-fit', 'best-fit', 'worst-fit', 'first-fit-decreasing', 'oracle (sees future arrivals)']) assert.ok(r.out.includes(name), `mentions ${name}`);
  assert.match(r.out, /== synthetic: 4 scenarios ==/);
  assert.match(r.out, /== trace-shaped .*: 13 scenarios ==/);
  // Every set says how loaded it is and whether it tells policies apart; the loaded set does.
  assert.match(r.out, /== synthetic: 4 scenarios ==\nLoad: \d+% CPU, \d+% memory under best-fit\. Discrimination: /);
  const loaded = /== loaded: 8 scenarios ==\nLoad: (\d+)% CPU, \d+% memory under best-fit\. Discrimination: (\S+) vs random \+[\d.]+ reward .* paired t p ([\d.<]+)/.exec(r.out);
  assert.ok(loaded, r.out);
  assert.ok(Number(loaded[1]) >= 60 && Number(loaded[1]) <= 90, `loaded set at ${loaded[1]}% CPU`);
  assert.ok(loaded[3] === '<0.001' || Number(loaded[3]) < 0.05, `the loaded set discriminates: p ${loaded[3]}`);
  assert.match(r.out, /reward ↑ +0\.\d+ ±0\.\d+/);
  assert.match(r.out, /first-fit\.ts against each baseline, paired by scenario \(4 scenarios\)/);
  assert.match(r.out, /Holm-corrected p-values \(paired t \/ Wilcoxon signed-rank\)/);
  // The example is first-fit itself: every paired difference is zero, so p is 1, not "significant".
  assert.match(r.out, /vs first-fit\n\s+reward\s+0\.0000 \[0\.0000, 0\.0000\]\s+dz 0\.0000\s+p 1\.000 \/ 1\.000\s+n 4/);
  assert.match(r.out, /vs oracle \(sees future arrivals\) \(upper bound, not a baseline to beat\)/);
  assert.equal(r.code, 0);
  assert.match(r.out, /\n\s+10\s+5\s+0\.\d+/);
  assert.match(r.out, /decide ms\/task/);
});

test('cluster selfplay reports progress, the leaderboard and the held-out comparison', async () => {
  const out = tempDir();
  const r = await run(['selfplay', EXAMPLE, '--rounds', '1', '-n', '6', '--levels', 'easy', '--proposals', '2', '-j', '1', '--out', out]);
  assert.equal(r.error, undefined, r.error?.message);
  assert.match(r.err, /round 1 \[easy\] from policy p0-/);
  assert.match(r.err, /attacker: atk-easy-r1-\d+ (accepted|rejected)/);
  assert.match(r.err, /defender: \d+\/6 candidates/);
  // The level's 2 held-out seeds and 6 fresh scenarios drawn like them.
  assert.match(r.out, /Held-out \(8 scenarios\): best 0\.\d+, start 0\.\d+, first-fit 0\.\d+/);
  assert.match(r.out, /ELO leaderboard:/);
  assert.ok(existsSync(join(out, 'selfplay.json')));
  const missing = await run(['selfplay', join(out, 'nope.ts')]);
  assert.match(missing.error?.message ?? '', /policy file not found/);
});

test('cluster bench --transfer and --ablations evolve on cloud, test on edge, and rerun self-play without each part', async () => {
  const out = tempDir();
  const r = await run(['bench', EXAMPLE, '--synthetic', '0', '--levels', 'easy', '--trace-shaped', '0', '--loaded', '0', '--ga-generations', '0', '--no-scale', '--transfer', '--transfer-scenarios', '2', '--ablations', '--rounds', '1', '-n', '4', '-j', '1', '--out', out, '--json']);
  assert.equal(r.error, undefined, r.error?.message);
  const report = JSON.parse(r.out);
  assert.equal(report.scalability, undefined);
  assert.equal(report.transfer.cloud.length, 2);
  assert.equal(report.transfer.edge.length, 2);
  assert.ok(report.transfer.candidates === 4 && Number.isFinite(report.transfer.after.edge));
  const rows = report.ablations.rows as { variant: string; against: string; meanReward: number; rounds: number; comparison: { n: number }; holmPairedTP: number | null }[];
  assert.deepEqual(rows.map((a) => [a.variant, a.against]), [['full', 'start'], ['no attacker', 'full'], ['no policy database', 'full'], ['no curriculum', 'full']]);
  // Every variant played the same 20 fresh scenarios, so each comparison is paired over all of them.
  assert.equal(report.ablations.scenarios.length, 20);
  for (const a of rows) assert.ok(a.meanReward > 0 && a.rounds === 1 && a.comparison.n === 20, JSON.stringify(a));
});

test('cluster bench --rl trains DQN and PPO on the search seeds and compares them like the heuristics', async () => {
  const r = await run(['bench', EXAMPLE, '--synthetic', '2', '--levels', 'easy', '--trace-shaped', '0', '--ga-generations', '0', '--no-scale', '--rl', '--rl-episodes', '4', '-j', '1', '--json']);
  assert.equal(r.error, undefined, r.error?.message);
  const report = JSON.parse(r.out);
  assert.deepEqual(report.learners.map((l: { name: string }) => l.name), ['dqn', 'ppo']);
  assert.equal(report.learners[0].trainedOn.length, 6);
  for (const set of report.sets) {
    const names = set.policies.map((p: { name: string }) => p.name);
    assert.ok(names.includes('dqn') && names.includes('ppo'), names.join(','));
    const dqn = set.comparisons.find((c: { baseline: string }) => c.baseline === 'dqn');
    assert.ok(Number.isFinite(dqn.metrics[0].baseline.mean));
  }
});

test('cluster bench: a policy that crashes on every scenario scores the reward floor, ranks last and exits 4', async () => {
  const dir = tempDir('cluster-crash');
  const crash = join(dir, 'crash.ts');
  writeFileSync(crash, "export function decide(): never { throw new Error('boom'); }\n");
  const r = await run(['bench', crash, '--synthetic', '3', '--levels', 'easy', '--trace-shaped', '0', '--ga-generations', '0', '--no-scale', '-j', '1', '--json']);
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.code, 4, 'a bench that measured nothing about the policy fails');
  assert.match(r.err, /failed on every scenario \(nothing was measured\): crash\.ts on synthetic/);
  const report = JSON.parse(r.out) as { sets: { policies: { name: string; failures: number; values: { reward: number[] } }[] }[] };
  const set = report.sets[0];
  assert.ok(set);
  const policy = set.policies[0];
  assert.ok(policy);
  assert.equal(policy.failures, 3);
  assert.deepEqual(policy.values.reward, [0, 0, 0], 'failed scenarios score the floor instead of being dropped');
  const means = set.policies.map((p) => p.values.reward.reduce((a, b) => a + b, 0) / p.values.reward.length);
  assert.ok(means.slice(1).every((m) => m > (means[0] as number)), 'every baseline, random included, ranks above a policy that always crashes');
});

test('cluster flags are checked before any work: a bad --scale, an unknown generator, --resume without --out', async () => {
  const scale = await run(['bench', EXAMPLE, '--synthetic', '2', '--scale', '10,abc']);
  assert.match(scale.error?.message ?? '', /--scale takes task counts from 1 to 5000, e.g. 10,50,100, got '10,abc'/);
  assert.doesNotMatch(scale.err, /comparing on/, 'no comparison ran before the flag was read');
  const generator = await run(['selfplay', EXAMPLE, '--generator', 'nosuch', '--out', tempDir('sp-gen')]);
  assert.match(generator.error?.message ?? '', /unknown generator 'nosuch' for cluster policies \(available: .*mutate/);
  assert.doesNotMatch(generator.err, /round 1/);
  const resume = await run(['selfplay', EXAMPLE, '--resume']);
  assert.match(resume.error?.message ?? '', /--resume needs --out DIR/);
  const time = await run(['selfplay', EXAMPLE, '--time', 'soon', '--out', tempDir('sp-time')]);
  assert.match(time.error?.message ?? '', /--time must look like 90, 90s, 5m or 1h, got 'soon'/);
  // The default defender tunes the EVOLVE-BLOCK's numeric knobs: a policy without any is bad input.
  const plain = join(tempDir('sp-knobs'), 'plain.ts');
  writeFileSync(plain, 'export function decide() { return {}; }\n');
  const tune = await run(['selfplay', plain, '--out', tempDir('sp-tune')]);
  assert.match(tune.error?.message ?? '', /plain\.ts has no numeric knob to tune .*use --generator mutate/);
  assert.equal((tune.error as { exitCode?: number } | undefined)?.exitCode, 3);
  assert.doesNotMatch(tune.err, /round 1/);
});

test('cluster run --explain prints the reasons a policy gives for its placements', async () => {
  const dir = tempDir('cluster-explain');
  const policy = join(dir, 'explained.ts');
  writeFileSync(policy, `export function decide(view: any) {
  const place: { task: string; node: string; reason: string }[] = [];
  const free = view.nodes.map((n: any) => [n.freeCpu, n.freeMemory]);
  for (const t of view.queue) {
    const i = free.findIndex(([c, m]: number[]) => t.cpu <= c && t.memory <= m);
    if (i < 0) continue;
    free[i][0] -= t.cpu;
    free[i][1] -= t.memory;
    place.push({ task: t.id, node: view.nodes[i].id, reason: 'first node with room for ' + t.cpu + ' cores' });
  }
  return { place };
}
`);
  const text = await run(['run', policy, join(SCENARIOS, 'easy-01.json'), '--explain']);
  assert.equal(text.error, undefined, text.error?.message);
  assert.match(text.out, /\n  t0 -> n\d+ at [\d.]+ s: first node with room for [\d.]+ cores\n/);
  const one = await run(['run', policy, join(SCENARIOS, 'easy-01.json'), '--explain', 't1', '--json']);
  const reasons = JSON.parse(one.out).reasons as { task: string; reason: string }[];
  assert.deepEqual(reasons.map((r) => r.task), ['t1']);
  const plain = await run(['run', policy, join(SCENARIOS, 'easy-01.json'), '--json']);
  assert.equal(JSON.parse(plain.out).reasons, undefined, 'reasons only when asked for');
});
