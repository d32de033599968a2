// The Q-learning synthesizer: deterministic per seed, finds verified tables no costlier than the
// known algorithms, and works as an engine generator writing into the parent's EVOLVE-BLOCK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synthesize, createQLearningGenerator, Catalogue, type RuleChoice } from '../../../src/evaluators/protocol/synth';
import { ruleId } from '../../../src/evaluators/protocol/synth/catalogue';
import { parseSettingId, resolveSetting, type ResolvedSetting } from '../../../src/evaluators/protocol/model/settings';
import { canonicalize, instantiate } from '../../../src/evaluators/protocol/model/table';
import { parseProtocolOrThrow } from '../../../src/evaluators/protocol/language/parser';
import type { GenerationRequest } from '../../../src/core/types';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Oracle } from '../../../src/evaluators/protocol/synth/oracle';
import { exampleText, FIXTURES_DIR, requireSpin } from './support';

requireSpin();

test('the catalogue prunes actions the paper prunes and merges thresholds equal at the learning sizes', () => {
  const c = new Catalogue({ fault: 'byzantine', learningSizes: [4] });
  // At N = 4, f = 1: {1}, {f+1, N-2f}, {2f+1, N-f, floor((N+f)/2)+1}.
  assert.deepEqual([...c.classes.keys()].filter((k) => k !== 'sender'), ['1', 'f+1', '2f+1']);
  assert.deepEqual(c.equivalents('2f+1'), ['2f+1', 'N-f', 'floor((N+f)/2)+1']);
  const start = c.allowed([]);
  // Only the sender's INIT is sent yet, and Byzantine INIT may only be read from the sender.
  assert.ok(start.every((a) => a.kind === 'rule' && a.rule.type === 'INIT' && a.rule.from === 'sender'));
  // READY cannot be introduced before ECHO; no STOP without a deliver.
  assert.ok(!start.some((a) => a.kind === 'rule' && a.rule.effect.kind === 'send' && a.rule.effect.type === 'READY'));
  assert.ok(!start.some((a) => a.kind === 'stop'));
});

test('crash synthesis is deterministic per seed and beats or equals eager broadcast', async () => {
  const run = () => synthesize({ fault: 'crash', seed: 7, budget: { episodes: 400 }, extended: false, certify: false });
  const a = await run();
  const b = await run();
  assert.equal(a.best?.text, b.best?.text);
  assert.equal(a.firstVerified?.episode, b.firstVerified?.episode);
  assert.ok(a.best);
  assert.ok((a.best.outcome.messagesWorst ?? 99) <= 20, a.best.text);
  assert.equal(a.best.outcome.verified, true);
  const p = parseProtocolOrThrow(a.best.text);
  assert.equal(p.fault, 'crash');
});

test('failure-free synthesis ends with a certified best-effort broadcast of N messages', async () => {
  const r = await synthesize({ fault: 'none', seed: 1, budget: { episodes: 200 }, extended: true });
  assert.equal(r.best?.outcome.messagesWorst, 4);
  assert.ok(r.best?.certified?.verified);
  assert.ok(r.best?.extended?.verified);
  assert.match(r.best?.text ?? '', /# Spin \(compiled model\): none:3 VERIFIED, none:4 VERIFIED/);
});

test('as an engine generator it proposes a verified table inside the parent\'s EVOLVE-BLOCK, keeping the header', async () => {
  const gen = await createQLearningGenerator({ episodesPerCall: 300 }, { promptsDir: '.', domain: 'protocol', secret: () => undefined });
  assert.equal(gen.id, 'qlearning');
  const parent = exampleText('eager-reliable-broadcast.rbp');
  const req: GenerationRequest = {
    runId: 'r',
    index: 1,
    seed: 3,
    fileName: 'eager-reliable-broadcast.rbp',
    language: 'protocol',
    domain: 'protocol',
    parent: { id: 'p', code: parent, score: 1, metrics: {}, feedback: '', blocks: [] },
    inspirations: [],
    recentFailures: [],
    humanNotes: [],
    patchMode: 'full',
  };
  const out = await gen.generate(req, new AbortController().signal);
  assert.equal(out.patch.kind, 'full');
  const code = out.patch.kind === 'full' ? out.patch.code : '';
  const head = parent.slice(0, parent.indexOf('# EVOLVE-BLOCK-START'));
  assert.ok(code.startsWith(head), 'the text before the block is unchanged');
  assert.match(code, /# EVOLVE-BLOCK-END\n$/);
  const p = parseProtocolOrThrow(code);
  assert.equal(p.name, 'EagerReliableBroadcast');
  assert.match(out.explanation ?? '', /verified in every learning setting/);
});

/** A clock that runs a minute per reading: the machine is "slow" without the test being slow. */
function slowClock(): () => number {
  let t = 0;
  return () => (t += 60_000);
}

test('a wall-clock budget that cuts learning is reported, and without one a slow clock changes nothing', async () => {
  const cut = await synthesize({ fault: 'none', seed: 1, budget: { episodes: 200, timeMs: 5 * 60_000 }, clock: slowClock(), certify: false });
  assert.equal(cut.stopReason, 'time');
  assert.ok(cut.episodes < 200);
  assert.match(cut.timeCuts[0] ?? '', /wall-clock budget stopped learning after \d+ of 200 episodes/);
  if (cut.best) assert.match(cut.best.text, /# A wall-clock limit cut the search/);

  const normal = await synthesize({ fault: 'none', seed: 1, budget: { episodes: 60 }, certify: false });
  const slow = await synthesize({ fault: 'none', seed: 1, budget: { episodes: 60 }, certify: false, clock: slowClock() });
  assert.equal(slow.stopReason, 'episodes');
  // The budget counts learning episodes; the greedy rollout after them is not one.
  assert.equal(normal.episodes, 60);
  assert.match(normal.best?.text ?? '', /^# Found by .*, 60 learning episodes\)\.$/m);
  assert.deepEqual(slow.timeCuts, []);
  assert.equal(slow.best?.text.replace(/^# Found by.*$/m, ''), normal.best?.text.replace(/^# Found by.*$/m, ''));
  assert.doesNotMatch(normal.best?.text ?? '', /wall-clock/);
});

test('a table refuted by re-verification is never the result: with nothing left, there is no result', async () => {
  // An oracle that calls every table with a deliver verified: only the re-verification stands
  // between it and the output. With one message type and one rule, no crash-tolerant table exists.
  const lying: Oracle = { evaluate: async () => ({ verified: true, passed: 1, total: 1, messagesWorst: 4, steps: 1 }) };
  const r = await synthesize({ fault: 'crash', seed: 1, budget: { episodes: 30 }, oracle: lying, catalogue: { types: ['DATA'], maxRules: 1 }, certify: false });
  assert.ok(r.verifiedCount > 0, 'the lying oracle "verified" tables');
  assert.equal(r.best, undefined);
  assert.ok(r.rejected.length > 0);
  for (const x of r.rejected) assert.match(x.coverage, /^VIOLATED /);
});

test('synthesis with every candidate refuted exits non-zero and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pe-synth-none-'));
  const out = join(dir, 'p.rbp');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(FIXTURES_DIR, 'cli-runner.ts'), 'protocol', 'synth', '--fault', 'crash', '--budget', '1', '--out', out], { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8' });
  assert.equal(r.status, 4, r.stderr);
  assert.equal(existsSync(out), false);
  assert.match(r.stderr, /No verified table found|nothing is written/);
});

test('the catalogue can express Imbs-Raynal: per-value WITNESS, relayed at N-2f, delivered at N-f', () => {
  const c = new Catalogue({ fault: 'byzantine', resilience: 5, types: ['INIT', 'WITNESS'], perValueTypes: ['WITNESS'], learningSizes: [6] });
  const want = ['INIT@sender>WITNESS', 'WITNESS@N-f>!', 'WITNESS@N-2f>WITNESS'];
  const rules: RuleChoice[] = [];
  for (const id of want) {
    const a = c.allowed(rules).find((x) => x.id === id);
    assert.ok(a && a.kind === 'rule', `${id} is allowed after ${rules.map(ruleId).join(', ') || 'nothing'}`);
    rules.push(a.rule);
  }
  assert.ok(c.canStop(rules));
  const p = c.toProtocol(rules, 'ImbsRaynal');
  const ir = parseProtocolOrThrow(exampleText('imbs-raynal.rbp'));
  for (const id of ['none:4', 'byz-nonsender:6', 'byz-sender:6', 'byz-sender:7']) {
    const s = resolveSetting(ir, parseSettingId(id)) as ResolvedSetting;
    assert.equal(canonicalize(instantiate(p, s), s).key, canonicalize(instantiate(ir, s), s).key, id);
  }
});
