// `policy-evolver protocol ...` commands, run in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
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
  assert.match(out.stdout, /Counterexample in byz-nonsender:4/);
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
  // ECHO from > (N+f)/2 becomes 2(nsnt + F) > N + T.
  assert.match(ta, /when \(2 \* \(nsnt0 \+ F\) > N \+ T\)/);
  assert.match(ta, /when \(nsnt1 \+ F >= 2 \* T \+ 1\)/);
  assert.match(ta, /specifications \(3\)/);
  const crash = run('protocol', 'export-ta', join(EXAMPLES_DIR, 'eager-reliable-broadcast.rbp'));
  assert.match(crash.stdout, /-> locCR/);
  assert.match(crash.stdout, /nfaulty < F/);
});

test('protocol synth writes the best verified protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pe-synth-'));
  run('protocol', 'synth', '--fault', 'none', '--budget', '150', '--no-extended', '--out', join(dir, 'p.rbp'));
  const text = readFileSync(join(dir, 'p.rbp'), 'utf8');
  assert.match(text, /^# Found by policy-evolver's Q-learning synthesizer \(seed 1/);
  assert.match(text, /on DATA from sender: deliver/);
});
