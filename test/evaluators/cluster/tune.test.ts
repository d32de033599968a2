// The weight-tuning defender: knobs found and rewritten in place, a seeded search that is
// reproducible and improves a deliberately bad weight vector, the same tuned policy at any sandbox
// size, and training scenarios that never overlap the ones that choose or judge the policy.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { familyScenarios, seedScenarios, type Scenario } from '../../../src/evaluators/cluster';
import { HOLDOUT_FAMILY, trainingFamily, VALIDATION_FAMILY } from '../../../src/evaluators/cluster/selfplay/controller';
import { BuiltinAttacker, defend, runSelfPlay, type SelfPlayOptions } from '../../../src/evaluators/cluster/selfplay';
import { findKnobs, withKnobValues } from '../../../src/evaluators/cluster/selfplay/tune/knobs';
import { tuneKnobs } from '../../../src/evaluators/cluster/selfplay/tune/search';
import { untunableReason } from '../../../src/evaluators/cluster/selfplay/tune/tune-defender';
import { createSandboxPool } from '../../../src/sandbox/pool';
import { compose } from '../../../src/app/compose';
import { tempDir } from '../../helpers/tmp';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE = readFileSync(join(ROOT, 'examples', 'cluster', 'first-fit.ts'), 'utf8');
const pool = createSandboxPool({ size: 1 });
after(() => pool.close());

test('knobs are the numeric constants inside the EVOLVE-BLOCK, rewritten in place', () => {
  const code = ['const OUTSIDE = 3;', '// EVOLVE-BLOCK-START', 'const A = 1;', 'export const B: number = -0.25; // note', 'const C = 2 * A;', 'let D = 1e-3;', '// EVOLVE-BLOCK-END', 'const E = 5;'].join('\n');
  const knobs = findKnobs(code);
  assert.deepEqual(knobs.map((k) => [k.name, k.value]), [['A', 1], ['B', -0.25], ['D', 0.001]]);
  const out = withKnobValues(code, knobs, [0, 1.23456789, -7]);
  assert.equal(out, code.replace('const A = 1;', 'const A = 0;').replace('= -0.25;', '= 1.23457;').replace('let D = 1e-3;', 'let D = -7;'));
  assert.deepEqual(findKnobs(out).map((k) => k.value), [0, 1.23457, -7]);
  assert.deepEqual(findKnobs(EXAMPLE).map((k) => k.name), ['ARRIVAL_WEIGHT', 'PRIORITY_WEIGHT', 'SIZE_WEIGHT', 'SLACK_WEIGHT', 'NO_DEADLINE_SLACK', 'COST_WEIGHT', 'POWER_WEIGHT', 'FIT_WEIGHT', 'SLOWNESS_WEIGHT', 'EDGE_PENALTY', 'IDLE_PENALTY']);
  assert.match(untunableReason('export function decide() { return {}; }', 'p.ts') ?? '', /p\.ts has no numeric knob to tune/);
  assert.equal(untunableReason(EXAMPLE, 'first-fit.ts'), undefined);
});

test('the search is reproducible for a seed and finds a better vector than a bad start', async () => {
  // A smooth objective with its optimum at (2, -0.5, 0): the start (-1, 3, 4) is far from it.
  const objective = async (v: number[]): Promise<number> => -((v[0]! - 2) ** 2) - (v[1]! + 0.5) ** 2 - v[2]! ** 2;
  const run = (seed: number) => tuneKnobs([-1, 3, 4], objective, { seed, evaluations: 200, patience: 30 }, new AbortController().signal);
  const [a, b, c] = await Promise.all([run(7), run(7), run(8)]);
  assert.deepEqual(a.trail, b.trail);
  assert.notDeepEqual(a.trail.map((s) => s.values), c.trail.map((s) => s.values));
  assert.ok(a.best.reward > a.start.reward + 10, `from ${a.start.reward} only to ${a.best.reward}`);
  assert.equal(a.evaluations, 200);
  assert.deepEqual(a.trail.map((s) => s.evaluation), Array.from({ length: 199 }, (_, i) => i + 1), 'every evaluation after the start, numbered in order');
  assert.deepEqual(a.improvements[0], a.start);
  assert.ok(a.improvements.every((p, i) => i === 0 || p.reward > (a.improvements[i - 1]!).reward));
});

/** The example turned into a bad policy: newest task first, onto the emptiest node. */
function badPolicy(): string {
  const knobs = findKnobs(EXAMPLE);
  const values = knobs.map((k) => (k.name === 'ARRIVAL_WEIGHT' ? -1 : k.name === 'FIT_WEIGHT' ? -1 : k.value));
  return withKnobValues(EXAMPLE, knobs, values);
}

function settings(runsDir: string, concurrency: number) {
  return { generator: { id: 'tune', options: {} }, candidates: 16, concurrency, seed: 5, runsDir, promptsDir: join(ROOT, 'prompts'), secret: () => undefined, compose };
}

test('the weight tuner improves a bad policy on training and validation, the same way at any sandbox size', async () => {
  const medium = seedScenarios(['medium']);
  const round = { file: 'policy.ts', fileName: 'policy.ts', code: badPolicy(), search: medium.slice(0, 4), validation: medium.slice(4, 7), holdout: [], round: 1 };
  const dir = tempDir();
  const one = await defend(round, settings(join(dir, 'one'), 1), pool, new AbortController().signal);
  assert.notEqual(one.bestId, 'c0');
  assert.ok(one.bestScore! > one.initialScore! + 0.01, `training reward ${one.initialScore} -> ${one.bestScore}`);
  assert.ok(one.bestValidation !== null);
  assert.notEqual(one.code, round.code);
  assert.match(one.explanation, /^Tuned weights: .*->/);
  assert.ok(one.candidates <= 16);
  const trail = JSON.parse(readFileSync(join(one.runDir, 'tuning.json'), 'utf8'));
  assert.equal(trail.chosen, Number(one.bestId.slice(1)));
  assert.ok(trail.finalists.some((f: { evaluation: number; validation: number }) => f.evaluation === 0 && f.validation < one.bestValidation!), 'the start played validation and lost');
  const wide = createSandboxPool({ size: 2 });
  try {
    const two = await defend(round, settings(join(dir, 'two'), 2), wide, new AbortController().signal);
    assert.equal(two.code, one.code);
    assert.equal(two.bestScore, one.bestScore);
  } finally {
    await wide.close();
  }
  assert.ok(existsSync(join(dir, 'one')));
});

test('a policy without knobs is refused with the reason before any evaluation', async () => {
  const round = { file: 'p.ts', fileName: 'p.ts', code: 'export function decide() { return {}; }', search: seedScenarios(['easy']).slice(0, 1), validation: [], holdout: [], round: 1 };
  await assert.rejects(defend(round, settings(tempDir(), 1), pool, new AbortController().signal), /p\.ts has no numeric knob to tune/);
});

test('a starting policy that fails every training scenario ends the round with its error, not "unchanged"', async () => {
  // Knobs to tune, but the policy throws before it decides anything.
  const code = EXAMPLE.replace(/export function (\w+)\(([^)]*)\)([^{]*)\{/, 'export function $1($2)$3{\n  throw new Error("broken on purpose");');
  assert.notEqual(code, EXAMPLE);
  assert.ok(findKnobs(code).length > 0);
  const round = { file: 'p.ts', fileName: 'p.ts', code, search: seedScenarios(['easy']).slice(0, 2), validation: [], holdout: [], round: 1 };
  await assert.rejects(defend(round, settings(tempDir(), 1), pool, new AbortController().signal), /starting policy failed every training scenario.*broken on purpose/s);
});

test('generated training scenarios never coincide with validation or held-out ones', () => {
  const fingerprint = (s: Scenario): string => JSON.stringify([s.nodes, s.tasks]);
  for (const level of ['hard', 'expert'] as const) {
    const train = new Set([1, 2, 3, 4, 5, 6].flatMap((r) => familyScenarios(level, 8, trainingFamily(r)).map(fingerprint)));
    assert.equal(train.size, 48, 'every round draws new scenarios');
    for (const family of [VALIDATION_FAMILY, HOLDOUT_FAMILY, 'bench-heldout']) {
      for (const s of familyScenarios(level, 24, family)) assert.ok(!train.has(fingerprint(s)), `${s.id} was trained on`);
    }
    for (const s of seedScenarios([level])) assert.ok(!train.has(fingerprint(s)), `seed ${s.id} was generated for training`);
  }
});

function selfPlay(workDir: string, overrides: Partial<SelfPlayOptions> = {}): SelfPlayOptions {
  return {
    file: join(ROOT, 'examples', 'cluster', 'first-fit.ts'),
    fileName: 'first-fit.ts',
    code: EXAMPLE,
    workDir,
    rounds: 1,
    proposalsPerRound: 2,
    attackIterations: 1,
    trainScenarios: 3,
    generatedTrain: 2,
    levels: ['medium'],
    threshold: 0.7,
    attacker: new BuiltinAttacker({ seed: 2 }),
    defender: { ...settings(join(workDir, 'runs'), 1), candidates: 6 },
    stop: { plateauRounds: 3, plateauEpsilon: 0.0005 },
    ablation: {},
    ...overrides,
  };
}

test('self-play with the tuner trains on fresh generated scenarios that neither choose nor judge the policy', async () => {
  const workDir = tempDir();
  const report = await runSelfPlay(selfPlay(workDir), pool, new AbortController().signal);
  const train = report.rounds[0]?.trainScenarios ?? [];
  assert.deepEqual(train.slice(-2), ['selfplay-train-r1-medium-1', 'selfplay-train-r1-medium-2']);
  for (const id of train) assert.ok(!report.validation.scenarios.includes(id) && !report.holdout.scenarios.includes(id), `${id} was trained on`);
  assert.ok(existsSync(join(workDir, 'runs', report.rounds[0]?.defenderRun ?? '', 'tuning.json')), 'the tuner leaves its trail in the run folder');
});

test('self-play with the tuner resumes from its checkpoint and ends as the uninterrupted run does', async () => {
  const straight = await runSelfPlay(selfPlay(tempDir(), { rounds: 2 }), pool, new AbortController().signal);
  const split = tempDir();
  await runSelfPlay(selfPlay(split, { rounds: 1 }), pool, new AbortController().signal);
  const resumed = await runSelfPlay(selfPlay(split, { rounds: 2, resume: true }), pool, new AbortController().signal);
  assert.equal(resumed.rounds.length, 2);
  assert.deepEqual(resumed.rounds.map((r) => [r.policyId, r.meanReward, r.trainScenarios, r.explanation]), straight.rounds.map((r) => [r.policyId, r.meanReward, r.trainScenarios, r.explanation]));
  assert.equal(resumed.best.id, straight.best.id);
});
