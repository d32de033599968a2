// The crash test the journal exists for: kill -9 the CLI mid-run, resume, and end with exactly the
// population of an uninterrupted run with the same seed (concurrency 1, deterministic generator).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRun } from '../../src/core/run-session';
import { cli, cliAsync, ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const example = join(ROOT, 'examples', 'bin-packing');
const args = (runsDir: string) => ['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '40', '--concurrency', '1', '--seed', '3', '--runs-dir', runsDir, '--quiet'];

function evaluatedCount(runsDir: string): number {
  if (!existsSync(runsDir)) return 0;
  const [run] = readdirSync(runsDir);
  if (!run) return 0;
  const journal = join(runsDir, run, 'journal.jsonl');
  if (!existsSync(journal)) return 0;
  return readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"type":"evaluated"')).length;
}

test('kill -9 mid-run, resume, same final population as an uninterrupted run', { timeout: 900_000 }, async () => {
  const straight = tempDir();
  const a = cli(args(straight), { cwd: example });
  assert.equal(a.code, 0, a.stderr);

  const crashed = tempDir();
  const child = cliAsync(args(crashed), { cwd: example });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (evaluatedCount(crashed) >= 15) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    void exited.then(() => {
      clearInterval(poll);
      reject(new Error(`the run ended before it could be killed: ${stderr}`));
    });
  });
  assert.equal(await exited, 'SIGKILL');
  const [runId] = readdirSync(crashed);
  const before = loadRun(join(crashed, runId as string)).state;
  assert.equal(before.ended, undefined, 'the killed run has no end event');
  assert.ok(before.nextIndex < 41);

  const b = cli(['resume', runId as string, '--runs-dir', crashed, '--quiet'], { cwd: example });
  assert.equal(b.code, 0, b.stderr);
  const [straightId] = readdirSync(straight);
  const expected = loadRun(join(straight, straightId as string)).state;
  const actual = loadRun(join(crashed, runId as string)).state;
  assert.equal(actual.ended, 'budget-candidates');
  assert.deepEqual(actual.population.snapshot(), expected.population.snapshot());
  const sources = (s: typeof expected) => [...s.candidates.values()].sort((x, y) => x.index - y.index).map((c) => c.sourceHash);
  assert.deepEqual(sources(actual), sources(expected));
  assert.equal(actual.championId, expected.championId);
});
