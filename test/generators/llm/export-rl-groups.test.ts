// Defect 11 of issue 16: `export-rl --group-size K` asks the run's model each exported prompt again
// until it has K responses, scores each new reply like a candidate and rewards it, so every group
// is usable for group-relative RL. Through the real CLI and the OpenAI SDK against the fake.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../helpers/cli';
import { searchReplaceReply, startFakeLlmServer, type FakeRequest } from '../../helpers/fake-llm-server';
import { tempDir } from '../../helpers/tmp';
import { runCli } from './cli-run';

interface Group {
  prompt: { role: string; content: string }[];
  responses: { reward: number; sampled?: boolean; ok: boolean; score: number | null; parentScore: number | null; improvement: boolean }[];
}

test('export-rl --group-size K gives every prompt K scored responses', { timeout: 900_000 }, async () => {
  const dir = tempDir();
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) copyFileSync(join(ROOT, 'examples', 'bin-packing', f), join(dir, f));
  const server = await startFakeLlmServer({
    rules: [
      {
        reply: (req: FakeRequest, n: number) => {
          const parent = req.user.split('```')[1] ?? '';
          const bonus = /score \+= ([\d.]+);/.exec(parent)?.[1] ?? '0.5';
          // Different answers to the same prompt: a bigger or a smaller near-fit bonus.
          const next = n % 2 === 0 ? Number(bonus) + 0.5 : Math.max(0, Number(bonus) - 0.25);
          return searchReplaceReply(`score += ${bonus};`, `score += ${next.toFixed(2)};`, 'Tune the near-fit bonus.');
        },
      },
    ],
  });
  try {
    const runs = join(dir, 'runs');
    const r = await runCli(['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '3', '-j', '1', '--gen-concurrency', '1', '-m', 'fake-small', '--base-url', server.openaiBaseUrl, '--runs-dir', runs, '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    const during = server.requests.length;
    const out = join(dir, 'rl.jsonl');
    const e = await runCli(['export-rl', 'latest', '--runs-dir', runs, '--group-size', '3', '-o', out], dir);
    assert.equal(e.code, 0, e.stderr);
    const groups = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Group);
    assert.ok(groups.length >= 2);
    for (const g of groups) {
      assert.equal(g.responses.length, 3, 'every prompt has K responses');
      assert.ok(g.responses.every((x) => [1, 0, -1].includes(x.reward)));
      for (const x of g.responses.filter((y) => y.sampled)) {
        assert.equal(x.ok, true, 'a sampled reply was applied and scored');
        assert.equal(x.improvement, (x.score as number) > (x.parentScore as number));
      }
    }
    const sampled = groups.reduce((n, g) => n + g.responses.filter((x) => x.sampled).length, 0);
    assert.equal(server.requests.length - during, sampled, 'one model call per sampled response');
    assert.match(e.stderr, new RegExp(`sampled ${sampled} more responses for groups of 3`));
    // Sampling asks exactly the recorded prompt again.
    const recorded = new Set(groups.map((g) => g.prompt[1]?.content));
    assert.ok(server.requests.slice(during).every((q) => recorded.has(q.user)));
    const bad = await runCli(['export-rl', 'latest', '--runs-dir', runs, '--group-size', '1'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--group-size must be a whole number from 2 to 64/);
  } finally {
    await server.close();
  }
});
