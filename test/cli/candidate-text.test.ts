// Text from a candidate is clipped before it reaches the journal: an evaluation whose error and
// feedback are megabytes long still makes a journal line of a few kilobytes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

test('a 2 MB error and feedback are clipped before the journal', { timeout: 900_000 }, () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'policy.js'), 'export const x = 1;\n');
  writeFileSync(join(dir, 'score.js'), `const big = 'y'.repeat(2 * 1024 * 1024);\nconsole.log(JSON.stringify({ ok: false, error: 'broken: ' + big + ' END', feedback: big }));\n`);
  const runs = join(dir, 'runs');
  const r = cli(['evolve', 'policy.js', '--command', 'node score.js {file}', '--eval-option', 'maxOutputBytes=10000000', '--budget', '1', '--runs-dir', runs, '--quiet'], { cwd: dir });
  assert.match(r.stderr, /the starting program failed its evaluation: broken: y+/, r.stderr.slice(0, 500));
  const [run] = readdirSync(runs);
  const lines = readFileSync(join(runs, run as string, 'journal.jsonl'), 'utf8').split('\n');
  const longest = Math.max(...lines.map((l) => l.length));
  assert.ok(longest < 64 * 1024, `the longest journal line has ${longest} characters`);
  const evaluated = lines.find((l) => l.includes('"type":"evaluated"')) ?? '';
  assert.match(evaluated, /characters left out/);
  assert.match(evaluated, / END/, 'the end of the text is kept too');
  assert.ok(r.stderr.length < 64 * 1024, 'the CLI does not print megabytes either');
});
