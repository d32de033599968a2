// Defects 5, 6 and 9 (feedback part) of issue 16, through the real CLI and the OpenAI SDK against
// the loopback fake: the prompt shows metrics and feedback of every cascade stage under its label,
// diffs a failed candidate against its own parent, feeds back replies that did not apply, and
// carries a short history of attempts with their outcomes.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../helpers/cli';
import { searchReplaceReply, startFakeLlmServer, type FakeRequest } from '../../helpers/fake-llm-server';
import { tempDir } from '../../helpers/tmp';
import { runCli } from './cli-run';

const BEST_FIT = 'let score = -1.0 * waste;';

test('prompts carry labelled cascade stages, own-parent failure diffs, patch failures and history', { timeout: 900_000 }, async () => {
  const dir = tempDir();
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) copyFileSync(join(ROOT, 'examples', 'bin-packing', f), join(dir, f));
  let improved = false;
  let broke = false;
  let missed = false;
  // The parent is the first fenced block of the prompt.
  const parentOf = (req: FakeRequest): string => req.user.split('```')[1] ?? '';
  const server = await startFakeLlmServer({
    rules: [
      {
        reply: (req: FakeRequest) => {
          const parent = parentOf(req);
          if (parent.includes('0.2 * waste') && !improved) {
            improved = true;
            return searchReplaceReply('let score = 0.2 * waste + 1.0 * fill;', BEST_FIT, 'Best fit.');
          }
          // From the best-fit parent, one candidate that crashes in evaluation.
          if (parent.includes(BEST_FIT) && !broke) {
            broke = true;
            return searchReplaceReply('  return score;', '  return undefined.x;', 'Crash on purpose.');
          }
          // An edit that matches nothing, and again when asked to repair it.
          if (!missed || req.user.includes('## Why it could not be used')) {
            missed = true;
            return searchReplaceReply('  return nothing_like_this;', '  return 1;', 'An edit that matches nothing.');
          }
          const bonus = /score \+= ([\d.]+);/.exec(parent)?.[1] ?? '0.5';
          return searchReplaceReply(`score += ${bonus};`, `score += ${(Number(bonus) + 0.05).toFixed(2)};`, 'A larger near-fit bonus.');
        },
      },
    ],
  });
  try {
    const r = await runCli(['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '10', '-j', '1', '--gen-concurrency', '1', '--islands', '1', '--seed', '3', '-m', 'fake-small', '--base-url', server.openaiBaseUrl, '--runs-dir', join(dir, 'runs'), '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    const prompts = server.requests.map((q) => q.user);
    const staged = prompts.filter((u) => u.includes('Stage 2, rest of the search set (uniform-b, weibull-a): score'));
    assert.ok(staged.length > 0, 'a parent evaluated in two stages shows both, labelled');
    for (const u of staged) assert.match(u, /Stage 1, cheap subset \(uniform-a\): score -?[\d.]+\n- /);

    const withCrash = prompts.filter((u) => u.includes('+  return undefined.x;'));
    assert.ok(withCrash.length > 0, 'the failed candidate is shown with its diff');
    for (const u of withCrash) {
      const diff = u.slice(u.indexOf('(the program failed its evaluation)'));
      const fence = diff.slice(diff.indexOf('```diff'), diff.indexOf('```', diff.indexOf('```diff') + 7));
      assert.doesNotMatch(fence, /^[-+].*waste \+ 1\.0 \* fill|^[-+].*-1\.0 \* waste/m, `the diff is against the failed candidate's own parent:\n${fence}`);
    }
    assert.ok(
      prompts.some((u) => u.includes('Recent attempts that failed') && /\(the reply could not be used\)\nError: .*the reply did not apply: edit 1: the SEARCH text did not match the parent/.test(u) && u.includes('return nothing_like_this;')),
      'a reply that did not apply, even after its repair turn, is fed back',
    );
    assert.ok(prompts.some((u) => /- c\d+ from c\d+ improved on its parent \(\+[\d.]+\): Best fit\./.test(u)), 'the history names what improved and why');
  } finally {
    await server.close();
  }
});
