import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const oneLine = (s: string): boolean => s.trim().split('\n').length === 1 && !/\n\s+at /.test(s);

test('bad input: one line naming the problem, non-zero exit, no stack trace', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'plain.txt'), 'hello\n');
  writeFileSync(join(dir, 'broken.js'), 'a\n// EVOLVE-BLOCK-START\nb\n');
  writeFileSync(join(dir, 'bad.json'), '{ nope');
  writeFileSync(join(dir, 'unknown.json'), '{ "colour": "red" }');
  const cases: [string[], RegExp, number][] = [
    [['evolve', 'missing.js'], /file not found: missing\.js/, 3],
    [['evolve', 'plain.txt'], /cannot tell how to score plain\.txt: pass --evaluator/, 3],
    [['evolve', 'broken.js', '--command', 'true'], /broken\.js:2: EVOLVE-BLOCK-START at line 2 is never closed/, 3],
    [['evolve', 'plain.txt', '--evaluator', 'warp'], /unknown evaluator 'warp'/, 3],
    [['evolve', 'plain.txt', '--command', 'true', '--generator', 'oracle'], /unknown generator 'oracle'/, 3],
    [['evolve', 'plain.txt', '--command', 'true', '--config', 'bad.json'], /config file .*bad\.json is not valid JSON/, 3],
    [['evolve', 'plain.txt', '--command', 'true', '--config', 'unknown.json'], /unknown key 'colour'/, 3],
    [['evolve', 'plain.txt', '--command', 'true', '--budget', 'lots'], /--budget must be a whole number/, 3],
    [['evolve', 'plain.txt', '--command', 'true', '--time', 'soon'], /--time must look like 90, 90s, 5m or 1h/, 3],
    [['evolve', 'plain.txt', '--command', 'true', '--model', 'openai:gpt-5', '--eval-option', 'timeoutSeconds=-1'], /timeoutSeconds` must be a positive number/, 3],
    [['show', 'nothing', '--runs-dir', join(dir, 'runs')], /no runs in/, 3],
    [['show', 'latest', '--top', 'abc', '--runs-dir', join(dir, 'runs')], /--top must be a whole number of at least 1, got 'abc'/, 3],
    [['show', 'latest', '--top', '0', '--runs-dir', join(dir, 'runs')], /--top must be a whole number of at least 1, got '0'/, 3],
    // A file only a model can evolve, and no model: said in the flags' terms, with why.
    [['evolve', 'plain.txt', '--command', 'true'], /^policy-evolver: the llm generator needs a model: pass --model provider:model \(e\.g\. --model openai:gpt-4\.1-mini\), or --cassette FILE to replay a recording \(plain\.txt is evolved by a model: the mutate generator parses only JavaScript and TypeScript\)\n$/, 3],
    [['evolve', 'plain.txt', '--command', 'true', '--generator', 'llm'], /needs a model: pass --model provider:model \(e\.g\. --model openai:gpt-4\.1-mini\), or --cassette FILE to replay a recording\n$/, 3],
  ];
  for (const [args, pattern, code] of cases) {
    const r = cli(args, { cwd: dir });
    assert.equal(r.code, code, `${args.join(' ')} -> ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
    assert.ok(oneLine(r.stderr), `one line for ${args.join(' ')}: ${r.stderr}`);
  }
  // Usage errors found by the argument parser are one line too, in the same form, hints folded in.
  const usages: [string[], string][] = [
    [['evolve'], "missing required argument 'file'"],
    [['evolve', 'plain.txt', '--budgett', '3'], "unknown option '--budgett' (did you mean --budget?)"],
    [['evolve', 'plain.txt', '-n'], "option '-n, --budget <candidates>' argument missing"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['faas', 'run'], "missing required argument 'policy'"],
  ];
  const noBroker = cli(['status'], { cwd: dir, env: { POLICY_EVOLVER_BROKER_URL: '' } });
  assert.equal(noBroker.code, 2);
  assert.equal(noBroker.stderr, 'policy-evolver: status needs --broker URL (or POLICY_EVOLVER_BROKER_URL)\n');
  for (const [args, message] of usages) {
    const usage = cli(args, { cwd: dir });
    assert.equal(usage.code, 2, args.join(' '));
    assert.equal(usage.stderr, `policy-evolver: ${message}; run with --help for usage\n`, args.join(' '));
  }
});

test('a starting program that fails its evaluation exits 4 with the reason', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'p.js'), '// EVOLVE-BLOCK-START\nx = 1;\n// EVOLVE-BLOCK-END\n');
  const r = cli(['evolve', 'p.js', '--command', 'echo not-json', '--runs-dir', join(dir, 'runs'), '--quiet'], { cwd: dir });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /starting program failed its evaluation: evaluator output: the command printed no JSON object; its output began: "not-json /);
  // Afterwards the run still says why it failed: in show, and when its best is asked for.
  const show = cli(['show', 'latest', '--runs-dir', join(dir, 'runs')], { cwd: dir });
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^status error \(the starting program failed its evaluation: evaluator output: the command printed no JSON object/m);
  const json = JSON.parse(cli(['show', 'latest', '--runs-dir', join(dir, 'runs'), '--json'], { cwd: dir }).stdout) as { error?: string };
  assert.match(json.error ?? '', /^the starting program failed its evaluation/);
  const apply = cli(['apply', 'latest', 'best', '--runs-dir', join(dir, 'runs')], { cwd: dir });
  assert.equal(apply.code, 3);
  assert.match(apply.stderr, /has no best candidate: the starting program failed its evaluation/);
  // A run without model exchanges has nothing for an RL export: refused, and no empty file written.
  const exported = cli(['export-rl', 'latest', '--runs-dir', join(dir, 'runs'), '--out', join(dir, 'rl.jsonl')], { cwd: dir });
  assert.equal(exported.code, 3, exported.stderr);
  assert.match(exported.stderr, /^policy-evolver: run .* has nothing to export: it recorded no model exchanges \(its generator is mutate, not an LLM\)\n$/);
  assert.equal(existsSync(join(dir, 'rl.jsonl')), false);
});

test('evolve, runs, show, diff, apply, reject on the bin-packing example', () => {
  const dir = tempDir();
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) copyFileSync(join(ROOT, 'examples', 'bin-packing', f), join(dir, f));
  const original = readFileSync(join(dir, 'heuristic.js'), 'utf8');
  const runs = join(dir, 'runs');
  const evolve = cli(['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', '60', '--runs-dir', runs, '--json'], { cwd: dir });
  assert.equal(evolve.code, 0, evolve.stderr);
  const events = evolve.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; runId?: string; best?: { id: string; score: number }; initial?: { score: number } });
  assert.ok(events.some((e) => e.event === 'progress'));
  assert.ok(events.some((e) => e.event === 'candidate'));
  const summary = events[events.length - 1]!;
  assert.equal(summary.event, 'summary');
  assert.ok(summary.best!.score > summary.initial!.score, 'mutate improved the heuristic');
  const runId = summary.runId as string;

  const list = cli(['runs', '--runs-dir', runs], { cwd: dir });
  assert.match(list.stdout, new RegExp(runId));
  const show = cli(['show', runId.slice(0, 20), '--runs-dir', runs], { cwd: dir });
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /best so far +[▁▂▃▄▅▆▇█]+/);
  assert.match(show.stdout, new RegExp(`${summary.best!.id} +-?[\\d.]+ +\\+[\\d.]+%`));

  const diff = cli(['diff', 'latest', 'best', '--runs-dir', runs], { cwd: dir });
  assert.match(diff.stdout, /^--- c0\/heuristic\.js/m);
  assert.match(diff.stdout, /^\+\+\+ c\d+\/heuristic\.js/m);
  assert.match(diff.stdout, /^[-+] /m);
  const noParent = cli(['diff', 'latest', 'c0', '--parent', '--runs-dir', runs], { cwd: dir });
  assert.equal(noParent.code, 3);
  assert.equal(noParent.stderr, 'policy-evolver: c0 has no parent: it is the starting program\n');
  const same = cli(['diff', 'latest', 'c0', '--runs-dir', runs], { cwd: dir });
  assert.equal(same.code, 0);
  assert.equal(same.stderr, 'note: c0 is the starting program: no difference\n');

  const reject = cli(['reject', 'latest', 'c1', '--note', 'keep it simple', '--runs-dir', runs], { cwd: dir });
  assert.equal(reject.code, 0, reject.stderr);
  const apply = cli(['apply', 'latest', 'best', '--runs-dir', runs], { cwd: dir });
  assert.equal(apply.code, 0, apply.stderr);
  const applied = readFileSync(join(dir, 'heuristic.js'), 'utf8');
  assert.notEqual(applied, original);
  // Edited by hand outside the evolvable block since the run: apply merges, as the editor's Accept does.
  writeFileSync(join(dir, 'heuristic.js'), original + '\n// edited\n');
  const merged = cli(['apply', 'latest', 'best', '--runs-dir', runs], { cwd: dir });
  assert.equal(merged.code, 0, merged.stderr);
  assert.match(merged.stdout, /merged with your edits outside the evolvable blocks/);
  assert.equal(readFileSync(join(dir, 'heuristic.js'), 'utf8'), applied + '\n// edited\n');
  // Edited inside the block: apply refuses without --force, naming the block.
  writeFileSync(join(dir, 'heuristic.js'), original.replace('let score = 0.2', 'let score = 0.25'));
  const refused = cli(['apply', 'latest', 'best', '--runs-dir', runs], { cwd: dir });
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, /you edited evolvable block 1 \(line \d+\) since this run started; accepting would overwrite your change; use --force/);
  assert.equal(cli(['apply', 'latest', 'best', '--force', '--runs-dir', runs], { cwd: dir }).code, 0);
  assert.equal(readFileSync(join(dir, 'heuristic.js'), 'utf8'), applied);
  const json = JSON.parse(cli(['show', 'latest', '--runs-dir', runs, '--json'], { cwd: dir }).stdout) as { bestId: string };
  assert.equal(json.bestId, summary.best!.id);
  const journal = readFileSync(join(runs, runId, 'journal.jsonl'), 'utf8');
  assert.match(journal, /"type":"decision","id":"c1","decision":"rejected","note":"keep it simple"/);
  assert.match(journal, /"decision":"accepted"/);
  // Resuming the finished run without a bigger budget would do nothing: refused, naming the flag.
  for (const extra of [[], ['--budget', '60'], ['--budget', '30']]) {
    const resumed = cli(['resume', 'latest', '--runs-dir', runs, ...extra], { cwd: dir });
    assert.equal(resumed.code, 3, resumed.stderr);
    assert.match(resumed.stderr, /^policy-evolver: run \S+ has nothing left to do: it has 60 candidates, its budget is \d+: pass --budget N with N above 60\n$/);
  }
  assert.equal(readFileSync(join(runs, runId, 'journal.jsonl'), 'utf8'), journal, 'a refused resume writes nothing');
});

test('POLICY_EVOLVER_CACHE_DIR naming a file: the command still works and one warning line says why it is slow', () => {
  const file = join(tempDir(), 'not-a-folder');
  writeFileSync(file, '');
  const r = cli(['faas', 'run', join(ROOT, 'examples', 'faas', 'naive.ts'), '--params', join(ROOT, 'examples', 'faas', 'params.toml')], { env: { POLICY_EVOLVER_CACHE_DIR: file } });
  assert.equal(r.code, 0, r.stderr);
  const warnings = r.stderr.split('\n').filter((l) => l.includes('cache'));
  assert.equal(warnings.length, 1, r.stderr);
  assert.match(warnings[0] ?? '', /^warning: the cache folder .*not-a-folder cannot be used \(it is a file, not a folder\)/);
});
