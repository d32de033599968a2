// The self-play controller's parts on scripted outcomes: curriculum, ELO, policy database,
// meta-prompt evolution, statistics, and both attackers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateScenarioJson, defaultParams, type Level } from '../../../src/evaluators/cluster';
import {
  attackScore,
  ATTACKER_DIRECTIVES,
  BuiltinAttacker,
  Curriculum,
  DEFAULT_VALIDATOR_CONFIG,
  DiversityTracker,
  EloTable,
  extractJsonObject,
  learnability,
  LlmAttacker,
  loadAttackerTemplates,
  holm,
  pairedComparison,
  bootstrapMeanCi,
  matchScore,
  PolicyDatabase,
  PromptVariantPool,
  summarize,
  validateScenario,
  type ProposalOutcome,
  type ScenarioModel,
} from '../../../src/evaluators/cluster/selfplay';

const signal = new AbortController().signal;

test('the curriculum advances a level at 70% success and finishes after the top level', () => {
  const c = new Curriculum(['easy', 'medium', 'hard'], 0.7);
  assert.equal(c.level, 'easy');
  assert.equal(c.record(1, [true, true, false, false]).advanced, false, '50% stays');
  assert.equal(c.record(2, [true, true, true, false, false, true, true, false, true, true]).advanced, true, '70% advances');
  assert.equal(c.level, 'medium');
  assert.equal(c.record(3, [true, true, true, true, true, true, false, false, false, false]).advanced, false, '60% stays');
  c.record(4, [true, true, true]);
  assert.equal(c.level, 'hard');
  assert.equal(c.completed, false);
  const last = c.record(5, [true, true, true, true]);
  assert.equal(last.advanced, false);
  assert.equal(c.completed, true);
  assert.deepEqual(c.history.map((h) => [h.round, h.level, h.rate]), [[1, 'easy', 0.5], [2, 'easy', 0.7], [3, 'medium', 0.6], [4, 'medium', 1], [5, 'hard', 1]]);
  assert.throws(() => new Curriculum(['easy'], 0), /threshold must be in \(0, 1\]/);
});

test('ELO updates on scripted outcomes follow the logistic model', () => {
  const elo = new EloTable(32, 1500);
  const r = elo.match('policy:a', 'scenario:x', 1);
  assert.equal(r.deltaA, 16);
  assert.equal(elo.rating('policy:a'), 1516);
  assert.equal(elo.rating('scenario:x'), 1484);
  // The favourite gains less for a win and loses more for a loss.
  const expected = elo.expected('policy:a', 'scenario:x');
  assert.ok(Math.abs(expected - 1 / (1 + 10 ** (-32 / 400))) < 1e-12);
  const win = elo.match('policy:a', 'scenario:x', 1).deltaA;
  assert.ok(win > 0 && win < 16);
  const loss = elo.match('policy:a', 'scenario:x', 0).deltaA;
  assert.ok(loss < -16);
  elo.entry('scenario:hard', 1700);
  assert.equal(elo.rating('scenario:hard'), 1700, 'a new entry can start at a level rating');
  assert.equal(elo.match('policy:b', 'scenario:hard', 0.5).deltaA > 0, true, 'a draw against a stronger opponent gains');
  const board = elo.leaderboard('policy:');
  assert.deepEqual(board.map((e) => e.id).sort(), ['policy:a', 'policy:b']);
  assert.ok((board[0]?.rating ?? 0) >= (board[1]?.rating ?? 0));
  assert.equal(board.find((e) => e.id === 'policy:a')?.matches, 3);
  assert.equal(matchScore(0.8, 0.8), 0.5);
  assert.equal(matchScore(0.9, 0.8), 1);
  assert.ok(Math.abs(matchScore(0.775, 0.8) - 0.25) < 1e-12);
});

test('the policy database ranks by ELO per level and keeps explanations', () => {
  const elo = new EloTable();
  const db = new PolicyDatabase(elo);
  const a = db.add('code a', { explanation: 'first-fit', round: 0, level: 'easy', reward: 0.8, origin: 'initial' });
  const b = db.add('code b', { explanation: 'shortest job first', round: 1, level: 'easy', reward: 0.82, origin: 'r1/c5' });
  assert.equal(db.add('code a', { explanation: 'again', round: 2, level: 'easy', reward: 0, origin: 'x' }), a, 'same code, same entry');
  assert.equal(db.best('easy'), b, 'unrated: the most recent first');
  for (let i = 0; i < 3; i++) elo.match(PolicyDatabase.eloId(a, 'easy'), `scenario:s${i}`, 1);
  elo.match(PolicyDatabase.eloId(b, 'easy'), 'scenario:s0', 0);
  assert.equal(db.best('easy'), a);
  assert.equal(db.best('medium'), b, 'ratings at one level do not carry to another');
  const board = db.leaderboard('easy');
  assert.deepEqual(board.map((p) => [p.id, p.explanation]), [[a.id, 'first-fit'], [b.id, 'shortest job first']]);
  // The leaderboard shows what each policy scored at its level, not what it had when added.
  const start = db.add('code s', { explanation: 'the starting policy', round: 0, level: 'easy', reward: 0, origin: 'initial' });
  elo.match(PolicyDatabase.eloId(start, 'easy'), 'scenario:s1', 1);
  db.recordReward(start, 'easy', 0.8877);
  db.recordReward(start, 'medium', 0.5);
  assert.equal(db.leaderboard('easy').find((p) => p.id === start.id)?.reward, 0.8877);
  assert.equal(db.leaderboard('easy').find((p) => p.id === a.id)?.reward, 0.8, 'never replayed: the reward it was added with');
});

test('meta-prompt evolution keeps variants by success rate', () => {
  const pool = new PromptVariantPool('attacker', ATTACKER_DIRECTIVES, { seed: 3, size: 3, minUses: 2 });
  const ids = pool.snapshot().map((v) => v.id);
  assert.equal(ids.length, 3);
  // Scripted outcomes: the second variant always works, the others never.
  for (let i = 0; i < 12; i++) {
    const v = pool.pick();
    pool.record(v.id, v.id === ids[1]);
  }
  const counts = Object.fromEntries(pool.snapshot().map((v) => [v.id, v.uses]));
  assert.ok((counts[ids[1] as string] ?? 0) > (counts[ids[0] as string] ?? 0), `UCB favours the successful variant: ${JSON.stringify(counts)}`);
  const child = pool.evolve();
  assert.ok(child, 'the weakest variant is replaced');
  assert.equal(child?.parent, ids[1]);
  assert.equal(pool.snapshot().length, 3);
  const text = PromptVariantPool.apply('base', { id: 'x', directives: ['Do this.'], uses: 0, successes: 0, parent: null });
  assert.equal(text, 'base\n\n## Strategy hints for this attempt\n\n- Do this.\n');
});

test('statistics: paired tests see a consistent gain that an unpaired test misses', () => {
  const s = summarize([1, 2, 3, 4, 5]);
  assert.equal(s.mean, 3);
  assert.ok(Math.abs(s.ci95 - 2.7764451051977987 * Math.sqrt(2.5 / 5)) < 1e-9);
  // Per-scenario rewards of two policies: scenario difficulty dominates the spread, but x beats y on every scenario.
  // An unpaired Welch test gives p = 0.079 on these (scipy.stats.ttest_ind, equal_var=False).
  const x = [0.81, 0.83, 0.79, 0.85, 0.8, 0.82, 0.84, 0.78];
  const y = [0.8, 0.8, 0.77, 0.81, 0.79, 0.8, 0.82, 0.76];
  const c = pairedComparison(x, y, 7);
  const d = x.map((v, i) => v - (y[i] as number));
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const sd = Math.sqrt(d.reduce((acc, v) => acc + (v - mean) ** 2, 0) / (d.length - 1));
  assert.equal(c.n, 8);
  assert.ok(Math.abs(c.meanDiff - mean) < 1e-12);
  assert.ok(Math.abs(c.dz - mean / sd) < 1e-12);
  assert.ok(c.pairedTP < 0.001, `paired t p = ${c.pairedTP}`);
  // Wilcoxon signed-rank: tied differences rule out the exact distribution, so the normal approximation with
  // tie and continuity corrections: all 8 differences positive, T+ = 36, var = 50.375, p = erfc((18 - 0.5) / sqrt(50.375) / sqrt(2)).
  assert.ok(Math.abs(c.wilcoxonP - 0.013676686898827173) < 1e-9, `wilcoxon p = ${c.wilcoxonP}`);
  assert.ok(c.diffCi95[0] > 0 && c.diffCi95[0] <= mean && mean <= c.diffCi95[1], 'the bootstrap interval holds the mean and excludes 0');
  assert.deepEqual(pairedComparison(x, y, 7), c, 'seeded: the same report twice');
  // Missing values drop only their pair; identical samples are no evidence either way.
  assert.equal(pairedComparison([1, Number.NaN, 3], [0, 1, 2]).n, 2);
  const same = pairedComparison([0.5, 0.6, 0.7], [0.5, 0.6, 0.7]);
  assert.equal(same.pairedTP, 1);
  assert.equal(same.wilcoxonP, 1);
  assert.throws(() => pairedComparison([1, 2], [1]), /differ in length/);
  const ci = bootstrapMeanCi([1, 1, 1, 1]);
  assert.deepEqual(ci, [1, 1]);
});

test('statistics: Holm correction matches the step-down definition', () => {
  // m = 4: sorted p = 0.01, 0.02, 0.03, 0.04 -> 0.04, 0.06, 0.06 (monotone), 0.06.
  const adjusted = holm([0.03, 0.01, Number.NaN, 0.04, 0.02]);
  const expected = [0.06, 0.04, Number.NaN, 0.06, 0.06];
  adjusted.forEach((p, i) => (Number.isNaN(expected[i]) ? assert.ok(Number.isNaN(p)) : assert.ok(Math.abs(p - (expected[i] as number)) < 1e-12, `${i}: ${p}`)));
  assert.deepEqual(holm([0.5, 0.9]), [1, 1]);
});

test('the built-in attacker proposes valid scenarios and breeds from the ones that hurt the defender', async () => {
  const attacker = new BuiltinAttacker({ seed: 5 });
  const level: Level = 'medium';
  const diversity = new DiversityTracker();
  const first = await attacker.propose({ level, round: 1, count: 6, signal });
  assert.equal(first.length, 6);
  const valid = first.filter((p) => validateScenario(p.json, { level, diversity, config: DEFAULT_VALIDATOR_CONFIG }).ok);
  assert.ok(valid.length >= 3, `most proposals are valid: ${valid.length}/6`);
  // Scripted results: the defender does badly on the first proposal only.
  const outcomes: ProposalOutcome[] = first.map((p, i) => ({ proposal: p, accepted: true, defender: { reward: i === 0 ? 0.6 : 0.8, bestBaseline: 0.8, success: i !== 0, successShare: i === 0 ? 0.5 : 1, summary: '' } }));
  attacker.observe(outcomes);
  assert.equal(attacker.best(level, 1)[0]?.params.id, first[0]?.id);
  assert.ok((attacker.best(level, 1)[0]?.score ?? 0) > 0.2);
  const next = await attacker.propose({ level, round: 2, count: 8, signal });
  const bredFromBest = next.filter((p) => p.params && p.params.load === first[0]?.params?.load && p.params.profile === first[0]?.params?.profile).length;
  assert.ok(bredFromBest >= 1, 'offspring keep most of the best parent\'s parameters');
  attacker.observe([{ proposal: next[0]!, accepted: false, rejection: { layer: 'realism', reason: 'x', details: [] } }]);
  assert.equal(attacker.rejections['realism'], 1);
  assert.equal(attackScore({ proposal: next[0]!, accepted: false }), -1);
  assert.equal(learnability(0.5), 1);
  assert.equal(learnability(1), 0);
});

test('the built-in attacker probes the edges of the valid region, so the validator layers see real rejections', async () => {
  const attacker = new BuiltinAttacker({ seed: 9, probing: 1 });
  const diversity = new DiversityTracker();
  const layers = new Set<string>();
  for (const p of await attacker.propose({ level: 'medium', round: 1, count: 40, signal })) {
    const v = validateScenario(p.json, { level: 'medium', diversity, config: DEFAULT_VALIDATOR_CONFIG });
    if (!v.ok) layers.add(v.rejection.layer);
  }
  for (const layer of ['feasibility', 'realism', 'complexity']) assert.ok(layers.has(layer), `a probe was refused by ${layer}: ${[...layers].join(', ')}`);
});

test('the LLM attacker builds its prompt from the templates, parses JSON replies and learns per prompt variant', async () => {
  const templates = loadAttackerTemplates(join(__dirname, '..', '..', '..', 'prompts'));
  const prompts: { system: string; user: string }[] = [];
  const replies = [
    'Here you go:\n```json\n{"scenarios": [{"params": {"profile": "azure2017", "load": 1.2, "tasks": 20, "nodes": 10}}, {"scenario": ' + JSON.stringify(generateScenarioJson(defaultParams('medium', 'hand', 4))) + '}, {"params": {"load": 99}}], "rationale": "bursts"}\n```',
    'no json at all',
  ];
  const model: ScenarioModel = {
    id: 'fake:model',
    async complete(system, user) {
      prompts.push({ system, user });
      return replies.shift() ?? '{"scenarios": []}';
    },
  };
  const attacker = new LlmAttacker(model, templates, { seed: 2 });
  const proposals = await attacker.propose({ level: 'medium', round: 1, count: 3, signal });
  assert.match(prompts[0]?.system ?? '', /five checks/);
  assert.match(prompts[0]?.user ?? '', /Round 1: write 3 scenarios for level medium/);
  assert.equal(proposals.length, 3);
  assert.equal(proposals[0]?.params?.profile, 'azure2017');
  assert.equal(proposals[0]?.params?.level, 'medium');
  assert.equal((proposals[1]?.json as { id: string }).id, 'hand');
  assert.match(proposals[2]?.problem ?? '', /params.load must be a number from 0.05 to 3, got 99/);
  attacker.observe([
    { proposal: proposals[0]!, accepted: true, defender: { reward: 0.7, bestBaseline: 0.75, success: false, successShare: 0.5, summary: '20 tasks on 10 nodes' } },
    { proposal: proposals[2]!, accepted: false, rejection: { layer: 'schema', reason: proposals[2]!.problem!, details: [] } },
    { proposal: proposals[1]!, accepted: false, rejection: { layer: 'bounds', reason: '1 value is outside realistic bounds', details: ['task t3 cpu: 48 cores is outside 0.1-32'] } },
  ]);
  const second = await attacker.propose({ level: 'medium', round: 2, count: 2, signal });
  assert.match(prompts[1]?.user ?? '', /reward 0.700 vs best 0.750; solved by 50%/);
  assert.match(prompts[1]?.user ?? '', /rejected[\s\S]*schema: params.load must be/);
  // A rejection names the field and the limit, not just the layer.
  assert.match(prompts[1]?.user ?? '', /bounds: 1 value is outside realistic bounds\n\s+- task t3 cpu: 48 cores is outside 0\.1-32/);
  assert.equal(second.length, 1);
  assert.match(second[0]?.problem ?? '', /unusable reply: the reply contains no JSON object/);
  const variants = attacker.variants.snapshot();
  assert.equal(variants.reduce((n, v) => n + v.uses, 0), 3, 'each outcome was credited to its prompt variant');
  assert.deepEqual(extractJsonObject('x {"a": "}{", "b": [1]} y'), { a: '}{', b: [1] });
});
