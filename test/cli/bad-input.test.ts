// The bad inputs the issue names, through the real CLI: each is one line naming the problem and
// exit 2 or 3, at once — never a hang, a V8 abort, an "internal error" or a run that ignores it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { cli, ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const oneLine = (s: string): boolean => s.trim().split('\n').length === 1 && !/\n\s+at /.test(s);

const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
/** Far beyond the second or two a refusal takes: only a hang reaches it. */
const HANG_MS = 120_000;

function expectBad(args: string[], cwd: string, pattern: RegExp, code = 3): void {
  const r = spawnSync(process.execPath, ['--import', TSX, join(ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd, encoding: 'utf8', input: '', timeout: HANG_MS, killSignal: 'SIGKILL' });
  assert.equal(r.signal, null, `${args.join(' ')} hung or crashed (${r.signal}): ${r.stderr.slice(-500)}`);
  assert.equal(r.status, code, `${args.join(' ')} -> ${r.status}: ${r.stderr}`);
  assert.ok(oneLine(r.stderr), `one line for ${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, pattern, args.join(' '));
  assert.doesNotMatch(r.stderr, /internal error/);
}

test('simulation parameters too large to simulate are refused, naming the key', { timeout: 900_000 }, () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'pipelines.toml'), 'num_pipelines = 1e8\n');
  writeFileSync(join(dir, 'pools.toml'), 'num_pools = 1e8\n');
  writeFileSync(join(dir, 'rate.toml'), 'waiting_seconds_mean = 1e-9\n');
  expectBad(['faas', 'run', 'naive', '--params', 'pipelines.toml'], dir, /pipelines\.toml:1: parameter 'num_pipelines' = 100000000 is more than this simulator handles/);
  expectBad(['faas', 'run', 'naive', '--params', 'pools.toml'], dir, /pools\.toml:1: parameter 'num_pools' = 100000000 is more than this simulator handles/);
  expectBad(['faas', 'run', 'naive', '--params', 'rate.toml'], dir, /generates about .* pipelines/);
});

test('a runs folder that cannot be one is refused at once', { timeout: 900_000 }, () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'p.js'), '// EVOLVE-BLOCK-START\nx = 1;\n// EVOLVE-BLOCK-END\n');
  writeFileSync(join(dir, 'afile'), 'not a folder');
  expectBad(['evolve', 'p.js', '--command', 'true', '--runs-dir', '/proc/self/x'], dir, /--runs-dir \/proc\/self\/x is inside \/proc/);
  expectBad(['evolve', 'p.js', '--command', 'true', '--runs-dir', 'afile'], dir, /--runs-dir afile is not a folder/);
  expectBad(['runs', '--runs-dir', 'afile'], dir, /--runs-dir afile is not a folder/);
  expectBad(['evolve', 'p.js', '--command', 'true', '--runs-dir', 'afile/runs'], dir, /cannot use .*afile\/runs as a runs folder: a part of the path is not a folder/);
});

test('deeply nested or endless protocol expressions are an error at their position', { timeout: 900_000 }, () => {
  const dir = tempDir();
  const bracha = readFileSync(join(ROOT, 'examples', 'protocols', 'bracha.rbp'), 'utf8');
  writeFileSync(join(dir, 'parens.rbp'), bracha.replace('from f+1:', `from ${'('.repeat(20000)}f${')'.repeat(20000)}+1:`));
  writeFileSync(join(dir, 'minus.rbp'), bracha.replace('from f+1:', `from ${'-'.repeat(20000)}f+1:`));
  writeFileSync(join(dir, 'long.rbp'), bracha.replace('from f+1:', `from f${'+1'.repeat(20000)}:`));
  expectBad(['protocol', 'format', 'parens.rbp'], dir, /parens\.rbp:\d+:\d+: expression nested too deeply/);
  expectBad(['protocol', 'format', 'minus.rbp'], dir, /minus\.rbp:\d+:\d+: expression nested too deeply/);
  expectBad(['protocol', 'format', 'long.rbp'], dir, /long\.rbp:\d+:\d+: expression too long/);
});

test('run config values are validated: a bad budget, cascade or aggregation never runs', { timeout: 900_000 }, () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'p.js'), '// EVOLVE-BLOCK-START\nx = 1;\n// EVOLVE-BLOCK-END\n');
  const cases: [object, RegExp][] = [
    [{ budget: { maxCandidates: 'three' } }, /'budget\.maxCandidates' must be a whole number .*got "three"/],
    [{ budget: { maxCandidates: -5 } }, /'budget\.maxCandidates' must be a whole number/],
    [{ budget: { maxCostUsd: -1 } }, /'budget\.maxCostUsd' must be a number/],
    [{ cascade: { enabled: 'yes' } }, /'cascade\.enabled' must be true or false/],
    [{ aggregation: 'avg' }, /'aggregation' must be one of mean, median, last, min, weighted/],
    [{ islnds: 2 }, /unknown key 'islnds' \(did you mean 'islands'\?\)/],
  ];
  for (const [config, pattern] of cases) {
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ evaluator: { id: 'command', options: { command: 'true' } }, ...config }));
    expectBad(['evolve', 'p.js', '--config', 'c.json', '--runs-dir', 'runs', '--quiet'], dir, pattern);
  }
  expectBad(['evolve', 'p.js', '--command', 'true', '--time', '99999999h', '--runs-dir', 'runs'], dir, /'budget\.maxWallSeconds' must be a number greater than 0/);
});

test('a time budget longer than a timer can hold does not stop the run at once', { timeout: 900_000 }, () => {
  const dir = tempDir();
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) writeFileSync(join(dir, f), readFileSync(join(ROOT, 'examples', 'bin-packing', f)));
  const r = cli(['evolve', 'heuristic.js', '--config', 'evolve.json', '--time', '600h', '--budget', '3', '--runs-dir', join(dir, 'runs'), '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { reason: string; candidates: number };
  assert.equal(summary.reason, 'budget-candidates', 'the candidate budget ended the run, not the 600 h one');
  assert.equal(summary.candidates, 3);
});
