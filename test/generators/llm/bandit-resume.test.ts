// Defect 7 of issue 16: the bandit's statistics are journaled and restored on `resume`, so a bad
// model does not win back its share. Through the real CLI and the OpenAI SDK against the fake.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readJournal } from '../../../src/core/journal';
import { loadRun } from '../../../src/core/run-session';
import { ROOT } from '../../helpers/cli';
import { searchReplaceReply, startFakeLlmServer, type FakeRequest } from '../../helpers/fake-llm-server';
import { tempDir } from '../../helpers/tmp';
import { runCli } from './cli-run';

interface Arm {
  source: string;
  calls: number;
  trials: number;
  improvements: number;
}

function lastArms(runDir: string): Arm[] {
  const { events } = readJournal(join(runDir, 'journal.jsonl'));
  const states = events.filter((e) => e.type === 'generator-state');
  assert.ok(states.length > 0, 'the bandit state is journaled');
  return (states[states.length - 1] as unknown as { state: { arms: Arm[] } }).state.arms;
}

test('bandit statistics survive resume', { timeout: 900_000 }, async () => {
  const dir = tempDir();
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) copyFileSync(join(ROOT, 'examples', 'bin-packing', f), join(dir, f));
  const server = await startFakeLlmServer({
    rules: [
      { match: (r: FakeRequest) => r.model === 'fake-bad', reply: { kind: 'text', text: 'No change is needed.' } },
      {
        reply: (req: FakeRequest) => {
          const parent = req.user.split('```')[1] ?? '';
          const bonus = /score \+= ([\d.]+);/.exec(parent)?.[1] ?? '0.5';
          return searchReplaceReply(`score += ${bonus};`, `score += ${(Number(bonus) + 0.5).toFixed(2)};`, 'More near-fit bonus.');
        },
      },
    ],
  });
  const runs = join(dir, 'runs');
  try {
    const models = ['-m', 'fake-good', '-m', 'fake-bad', '--base-url', server.openaiBaseUrl, '--gen-option', 'bandit=true', '--price', 'fake-good=1,4', '--price', 'fake-bad=1,4'];
    const first = await runCli(['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '6', '-j', '1', '--gen-concurrency', '1', ...models, '--runs-dir', runs, '--quiet'], dir);
    assert.equal(first.code, 0, first.stderr);
    const runDir = join(runs, readdirSync(runs)[0] as string);
    const before = lastArms(runDir);
    const trialsBefore = before.reduce((n, a) => n + a.trials, 0);
    assert.equal(trialsBefore, 6, JSON.stringify(before));

    const resumed = await runCli(['resume', 'latest', '--budget', '10', '--runs-dir', runs, '--quiet'], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = lastArms(runDir);
    // The patch-type rates per model are journaled with the arms.
    const { events } = readJournal(join(runDir, 'journal.jsonl'));
    const lastState = [...events].reverse().find((e) => e.type === 'generator-state') as unknown as { state: { patchTypes: Record<string, Record<string, { trials: number }>> } };
    const typeTrials = Object.values(lastState.state.patchTypes).flatMap((t) => Object.values(t)).reduce((n, t) => n + t.trials, 0);
    assert.equal(typeTrials, loadRun(runDir).state.nextIndex - 1, 'every candidate counted against its model and patch type');
    const state = loadRun(runDir).state;
    assert.equal(after.reduce((n, a) => n + a.trials, 0), state.nextIndex - 1, `every candidate of both sessions is counted: ${JSON.stringify(after)}`);
    // `show` breaks calls, tokens, spend and improvements down by model.
    const shown = await runCli(['show', 'latest', '--json', '--runs-dir', runs], dir);
    const byModel = (JSON.parse(shown.stdout) as { byModel: { model: string; calls: number; spendUsd: number; candidates: number; improvements: number }[] }).byModel;
    assert.deepEqual(byModel.map((m) => m.model).sort(), ['openai-compatible/fake-bad', 'openai-compatible/fake-good']);
    assert.equal(byModel.reduce((n, m) => n + m.calls, 0), state.usageByModel.size ? [...state.usageByModel.values()].reduce((n, u) => n + u.calls, 0) : -1);
    assert.equal(byModel.find((m) => m.model.endsWith('fake-bad'))?.improvements, 0);
    assert.ok(Math.abs(byModel.reduce((n, m) => n + m.spendUsd, 0) - state.spendUsd) < 1e-12);
    const text = await runCli(['show', 'latest', '--runs-dir', runs], dir);
    assert.match(text.stdout, /MODEL +CALLS +TOKENS IN +OUT +SPEND +CANDIDATES +IMPROVED +\$\/IMPROVEMENT\n-[- ]+\n.*fake-/);
    for (const arm of before) {
      const now = after.find((a) => a.source === arm.source) as Arm;
      assert.ok(now.trials >= arm.trials && now.calls >= arm.calls && now.improvements >= arm.improvements, `${arm.source} kept its statistics`);
    }
  } finally {
    await server.close();
  }
});
