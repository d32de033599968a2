// `policy-evolver protocol ...` commands, run in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { EXAMPLES_DIR, FIXTURES_DIR, requireSpin } from './support';

requireSpin();

function run(...args: string[]): { stdout: string; stderr: string; exitCode: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(FIXTURES_DIR, 'cli-runner.ts'), ...args], { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? -1 };
}

test('protocol verify --json prints a verdict per setting, metrics and the chart of a violation', () => {
  const ok = run('protocol', 'verify', join(EXAMPLES_DIR, 'eager-reliable-broadcast.rbp'), '--settings', 'none:4,crash:4', '--json');
  const j = JSON.parse(ok.stdout);
  assert.equal(j.verified, true);
  assert.deepEqual(j.settings.map((s: { verdict: string }) => s.verdict), ['VERIFIED', 'VERIFIED']);
  assert.equal(j.settings[0].metrics.messagesWorst, 20);
  assert.equal(ok.exitCode, 0);

  const bad = run('protocol', 'verify', join(FIXTURES_DIR, 'eager-no-relay.rbp'), '--json');
  const k = JSON.parse(bad.stdout);
  const v = k.settings.find((s: { verdict: string }) => s.verdict === 'VIOLATED');
  assert.equal(v.property, 'RB-Agreement');
  assert.ok(v.chart.steps.length > 0);
  assert.match(v.chart.text, /crashes/);
  assert.ok(k.settings.every((s: { verdict: string }) => ['VERIFIED', 'VIOLATED', 'UNKNOWN', 'INVALID'].includes(s.verdict)));
  assert.equal(bad.exitCode, 4);
});

test('protocol verify prints a table and the chart in text', () => {
  const out = run('protocol', 'verify', join(FIXTURES_DIR, 'bracha-deliver-one-echo.rbp'));
  assert.match(out.stdout, /byz-nonsender:4\s+VIOLATED/);
  // The setting is named once: "Counterexample in byz-nonsender:4: VIOLATED <property> ...".
  assert.match(out.stdout, /^Counterexample in byz-nonsender:4: VIOLATED /m);
});

test('malformed files and bad flags are one-line user errors', () => {
  const m = run('protocol', 'verify', join(FIXTURES_DIR, 'malformed.rbp'));
  assert.equal(m.exitCode, 3);
  assert.match(m.stderr, /^policy-evolver: .*malformed\.rbp:9:19: expected ':' after the trigger but found 'deliver'\n$/);
  const s = run('protocol', 'verify', join(EXAMPLES_DIR, 'bracha.rbp'), '--settings', 'byz:4');
  assert.equal(s.exitCode, 2);
  assert.match(s.stderr, /bad setting 'byz:4'/);
  const f = run('protocol', 'synth', '--fault', 'omission');
  assert.match(f.stderr, /--fault must be none, crash or byzantine/);
});

test('protocol export-ta writes a ByMC threshold automaton', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pe-ta-'));
  run('protocol', 'export-ta', join(EXAMPLES_DIR, 'bracha.rbp'), '--out', join(dir, 'bracha.ta'));
  const ta = readFileSync(join(dir, 'bracha.ta'), 'utf8');
  assert.match(ta, /skel Proc \{/);
  assert.match(ta, /parameters N, T, F;/);
  assert.match(ta, /N > 3 \* T;/);
  // ECHO from > (N+f)/2 becomes 2(nsnt + F) > N + T, with the counter alone on the left.
  assert.match(ta, /when \(2 \* nsnt0 > N \+ T - 2 \* F\)/);
  assert.match(ta, /when \(nsnt1 >= 2 \* T \+ 1 - F\)/);
  assert.match(ta, /specifications \(3\)/);
  const crash = run('protocol', 'export-ta', join(EXAMPLES_DIR, 'eager-reliable-broadcast.rbp'));
  assert.match(crash.stdout, /-> locCR/);
  assert.match(crash.stdout, /nfaulty < F/);
});

test('protocol synth writes the best verified protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pe-synth-'));
  const r = run('protocol', 'synth', '--fault', 'none', '--budget', '150', '--out', join(dir, 'p.rbp'));
  assert.equal(r.exitCode, 0, r.stderr);
  const text = readFileSync(join(dir, 'p.rbp'), 'utf8');
  assert.match(text, /^# Found by policy-evolver's Q-learning synthesizer \(seed 1/);
  assert.match(text, /on DATA from sender: deliver/);
});

test('protocol verify on a .pml model: an assertion violation shows Spin\'s trail; gcc and Spin errors are told apart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pe-pml-'));
  const bad = join(dir, 'bad.pml');
  writeFileSync(bad, 'byte x;\nactive proctype p() {\n  do\n  :: x < 3 -> x++\n  :: x == 3 -> break\n  od;\n  assert(x == 2)\n}\n');
  const v = run('protocol', 'verify', bad);
  assert.equal(v.exitCode, 4, v.stderr);
  assert.match(v.stdout, /VIOLATED \(assertion violated/);
  assert.match(v.stdout, /Spin's trail for safety/);
  assert.match(v.stdout, /Error: assertion violated/);
  assert.match(v.stdout, /model\.pml:7 .*\[assert\(\(x==2\)\)\]/);
  const j = JSON.parse(run('protocol', 'verify', bad, '--json').stdout);
  assert.equal(j.verdict, 'VIOLATED');
  assert.match(j.runs[0].trail, /x = \(x\+1\)/);

  const ok = join(dir, 'ok.pml');
  writeFileSync(ok, 'byte x;\nactive proctype p() { x = 1; assert(x == 1) }\n');
  const o = run('protocol', 'verify', ok);
  assert.equal(o.exitCode, 0, o.stderr);
  assert.match(o.stdout, /VERIFIED/);

  const cerr = join(dir, 'cerr.pml');
  writeFileSync(cerr, 'c_code { int broken = ; }\nactive proctype p() { skip }\n');
  const c = run('protocol', 'verify', cerr);
  assert.equal(c.exitCode, 3);
  assert.match(c.stderr, /^policy-evolver: .*cerr\.pml: gcc could not compile the verifier .*error/);
  const serr = join(dir, 'serr.pml');
  writeFileSync(serr, 'active proctype p() { x = 1 }\n');
  const e = run('protocol', 'verify', serr);
  assert.equal(e.exitCode, 3);
  assert.match(e.stderr, /Spin rejected the model: line 1: undeclared variable: x/);
});

test('protocol verify --json prints a JSON error object for a file that does not parse', () => {
  const m = run('protocol', 'verify', join(FIXTURES_DIR, 'malformed.rbp'), '--json');
  assert.equal(m.exitCode, 3);
  const j = JSON.parse(m.stdout);
  assert.equal(j.error.line, 9);
  assert.equal(j.error.column, 19);
  assert.match(j.error.message, /expected ':' after the trigger but found 'deliver'/);
  const s = run('protocol', 'verify', join(EXAMPLES_DIR, 'bracha.rbp'), '--settings', 'byz:4', '--json');
  assert.equal(s.exitCode, 2);
  assert.match(JSON.parse(s.stdout).error.message, /bad setting 'byz:4'/);
});

test('protocol verify states the settings its verdict covers, in text and JSON', () => {
  const t = run('protocol', 'verify', join(EXAMPLES_DIR, 'eager-reliable-broadcast.rbp'), '--settings', 'none:3,crash:3,crash:4', '--engine', 'interpreter');
  assert.equal(t.exitCode, 0, t.stderr);
  assert.match(t.stdout, /^VERIFIED for N = 3, 4 with f = 1 and failure-free N = 3$/m);
  const j = JSON.parse(run('protocol', 'verify', join(FIXTURES_DIR, 'eager-no-relay.rbp'), '--json', '--no-chart').stdout);
  assert.equal(j.verdict, 'VIOLATED');
  assert.match(j.coverage, /^VIOLATED RB-Agreement at N = 3 with f = 1 \(crash:3\)/);
  assert.equal(j.settings.find((s: { setting: string }) => s.setting === 'crash:3').f, 1);
});
