// A short self-play run: built-in attacker, `mutate` defender (the engine), curriculum, ELO
// policy database. The evolved example policy must beat first-fit on held-out seed scenarios that
// no round trained on.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BuiltinAttacker, LlmAttacker, loadAttackerTemplates, runSelfPlay, type Attacker, type ScenarioModel, type SelfPlayEvent, type SelfPlayOptions } from '../../../src/evaluators/cluster/selfplay';
import { createSandboxPool } from '../../../src/sandbox/pool';
import { compose } from '../../../src/app/compose';
import { tempDir } from '../../helpers/tmp';

const ROOT = join(__dirname, '..', '..', '..');
const FILE = join(ROOT, 'examples', 'cluster', 'first-fit.ts');
const pool = createSandboxPool({ size: 1 });
after(() => pool.close());

function options(workDir: string, overrides: Partial<SelfPlayOptions> = {}): SelfPlayOptions {
  return {
    file: FILE,
    fileName: 'first-fit.ts',
    code: readFileSync(FILE, 'utf8'),
    workDir,
    rounds: 2,
    proposalsPerRound: 3,
    attackIterations: 1,
    trainScenarios: 6,
    levels: ['medium'],
    holdoutLevels: ['medium', 'hard'],
    threshold: 0.7,
    attacker: new BuiltinAttacker({ seed: 3 }),
    defender: { generator: { id: 'mutate', options: {} }, candidates: 40, concurrency: 1, seed: 1, runsDir: join(workDir, 'runs'), promptsDir: join(ROOT, 'prompts'), secret: () => undefined, compose },
    stop: { plateauRounds: 3, plateauEpsilon: 0.0005 },
    ablation: {},
    ...overrides,
  };
}

test('self-play with the built-in attacker and the mutate defender beats first-fit on held-out scenarios', async () => {
  const workDir = tempDir();
  const events: SelfPlayEvent[] = [];
  const report = await runSelfPlay({ ...options(workDir), onEvent: (e) => events.push(e) }, pool, new AbortController().signal);
  assert.ok(report.holdout.best > report.holdout.firstFit, `held-out reward ${report.holdout.best} must beat first-fit ${report.holdout.firstFit}`);
  assert.equal(report.holdout.initial, report.holdout.firstFit, 'the example starts as first-fit');
  // The held-out seeds of each level, then fresh scenarios drawn like them.
  assert.deepEqual(report.holdout.scenarios.slice(0, 6), ['medium-05', 'medium-10', 'medium-15', 'hard-05', 'hard-10', 'hard-15']);
  assert.equal(report.holdout.scenarios.length, 18);
  assert.ok(report.holdout.scenarios.slice(6).every((id) => id.startsWith('selfplay-holdout-')));
  for (const r of report.rounds) for (const id of r.trainScenarios) assert.ok(!report.holdout.scenarios.includes(id), `${id} is held out`);
  assert.equal(report.rounds.length, 2);
  assert.ok(report.rounds.some((r) => r.accepted > 0), 'the attacker got scenarios accepted');
  assert.ok(report.rounds[0]?.trainScenarios.some((id) => id.startsWith('atk-')), 'attacker scenarios join the training set');
  assert.ok(report.leaderboard.length >= 2 && report.leaderboard.every((p) => Number.isFinite(p.rating)));
  // Every row's reward is what the policy scored at that level, the starting policy's too (it was 0).
  for (const p of report.leaderboard) assert.ok(p.reward > 0, `${p.id} shows reward ${p.reward}`);
  assert.ok(report.best.explanation.length > 0, 'the champion keeps its explanation');
  assert.ok(report.diversity.scenarios > 15 && report.diversity.meanPairwiseDistance > 0);
  assert.ok(existsSync(report.best.file) && readFileSync(report.best.file, 'utf8').includes('EVOLVE-BLOCK-START'));
  const saved = JSON.parse(readFileSync(join(workDir, 'selfplay.json'), 'utf8'));
  assert.equal(saved.reason, report.reason);
  // Every defender run is an ordinary journaled engine run whose candidates carry explanations.
  const runs = readdirSync(join(workDir, 'runs'));
  assert.equal(runs.length, 2);
  const journal = readFileSync(join(workDir, 'runs', runs[0] as string, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(journal.filter((e) => e.type === 'proposed' && e.index > 0).every((e) => typeof e.explanation === 'string' && e.explanation.length > 0));
  assert.ok(events.some((e) => e.kind === 'defender') && events.some((e) => e.kind === 'proposal') && events.at(-1)?.kind === 'stopped');
});

test('an interrupted self-play resumes from its checkpoint and ends as the uninterrupted run does', async () => {
  const whole = tempDir();
  const straight = await runSelfPlay(options(whole, { defender: { ...options(whole).defender, candidates: 12 } }), pool, new AbortController().signal);
  const split = tempDir();
  const first = await runSelfPlay(options(split, { rounds: 1, defender: { ...options(split).defender, candidates: 12 } }), pool, new AbortController().signal);
  assert.equal(first.rounds.length, 1);
  const state = JSON.parse(readFileSync(join(split, 'selfplay-state.json'), 'utf8'));
  assert.equal(state.round, 1);
  assert.ok(state.policies.length >= 2 && state.elo.length > 0, 'the policy database and the ratings are saved');
  // A fresh attacker object: everything it learned comes from the checkpoint.
  const resumed = await runSelfPlay(options(split, { resume: true, defender: { ...options(split).defender, candidates: 12 } }), pool, new AbortController().signal);
  assert.deepEqual(resumed.rounds.map((r) => [r.round, r.policyId, r.meanReward, r.trainScenarios]), straight.rounds.map((r) => [r.round, r.policyId, r.meanReward, r.trainScenarios]));
  assert.equal(resumed.best.id, straight.best.id);
  assert.deepEqual(resumed.leaderboard.map((p) => [p.id, p.rating]), straight.leaderboard.map((p) => [p.id, p.rating]));
  // A checkpoint of another policy is refused with the reason.
  await assert.rejects(runSelfPlay(options(split, { resume: true, code: '// another policy\n' }), pool, new AbortController().signal), /cannot resume the run in .*: the starting policy file changed/);
  await assert.rejects(runSelfPlay(options(tempDir(), { resume: true }), pool, new AbortController().signal), /nothing to resume/);
});

test('the same seed gives the same self-play at any concurrency', async () => {
  const wide = createSandboxPool({ size: 2 });
  try {
    const small = (dir: string, concurrency: number): SelfPlayOptions => options(dir, { rounds: 1, defender: { ...options(dir).defender, candidates: 10, concurrency } });
    const one = await runSelfPlay(small(tempDir(), 1), pool, new AbortController().signal);
    const two = await runSelfPlay(small(tempDir(), 2), wide, new AbortController().signal);
    assert.deepEqual(two.rounds.map((r) => [r.policyId, r.meanReward]), one.rounds.map((r) => [r.policyId, r.meanReward]));
    assert.equal(two.best.id, one.best.id);
    assert.equal(two.holdout.best, one.holdout.best);
  } finally {
    await wide.close();
  }
});

test('a wall-time budget lets the round in progress finish and starts no other', async () => {
  let now = 0;
  const report = await runSelfPlay(options(tempDir(), { rounds: 3, clock: () => (now += 100), stop: { plateauRounds: 3, plateauEpsilon: 0.0005, maxWallSeconds: 50 }, defender: { ...options('').defender, runsDir: join(tempDir(), 'runs'), candidates: 4 } }), pool, new AbortController().signal);
  assert.equal(report.reason, 'time');
  assert.equal(report.rounds.length, 1);
});

test('ablation flags: no attacker never asks for scenarios; no curriculum trains on the top level', async () => {
  let asked = 0;
  const spy: Attacker = { id: 'spy', async propose() { asked++; return []; }, observe() {}, save: () => null, load() {} };
  const report = await runSelfPlay(options(tempDir(), { attacker: spy, rounds: 1, levels: ['easy', 'medium'], holdoutLevels: ['easy'], ablation: { noAttacker: true, noCurriculum: true }, defender: { ...options('').defender, runsDir: join(tempDir(), 'runs'), candidates: 4 } }), pool, new AbortController().signal);
  assert.equal(asked, 0);
  assert.equal(report.rounds[0]?.level, 'medium');
  assert.equal(report.rounds[0]?.accepted, 0);
});

test('an LLM attacker (scripted model) feeds the same loop: usable scenarios are played, unusable ones rejected with a reason', async () => {
  const model: ScenarioModel = {
    id: 'scripted',
    async complete() {
      return '{"scenarios": [{"params": {"profile": "alibaba2018", "load": 1.1, "burstiness": 0.8}}, {"params": {"tasks": "many"}}], "rationale": "bursts"}';
    },
  };
  const attacker = new LlmAttacker(model, loadAttackerTemplates(join(ROOT, 'prompts')), { seed: 1 });
  const events: SelfPlayEvent[] = [];
  const workDir = tempDir();
  const report = await runSelfPlay({ ...options(workDir, { attacker, rounds: 1, defender: { ...options(workDir).defender, candidates: 4 } }), onEvent: (e) => events.push(e) }, pool, new AbortController().signal);
  assert.equal(report.rounds[0]?.accepted, 1);
  assert.equal(report.attackerRejections.schema, 1);
  const rejected = events.find((e) => e.kind === 'proposal' && !e.accepted);
  assert.match(rejected && rejected.kind === 'proposal' ? (rejected.reason ?? '') : '', /params.tasks must be an integer/);
  assert.equal(attacker.variants.snapshot().reduce((n, v) => n + v.uses, 0), 2);
});
