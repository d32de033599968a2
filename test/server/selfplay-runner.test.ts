// Self-play from the editor: the runner starts the CLI's `cluster selfplay` as a child, streams its
// lines, and when it ends reads the report's curriculum and leaderboard. A stand-in CLI script
// plays the child here (the real one is exercised by the cluster tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SelfPlayRunner } from '../../src/server/selfplay';
import type { SelfPlayView } from '../../src/messages/lsp';

function standIn(dir: string, exitCode: number): string {
  const script = join(dir, 'fake-cli.js');
  // Writes a report where the real CLI does (.policy-evolver/cluster/selfplay-*/ next to the policy).
  writeFileSync(
    script,
    `const { mkdirSync, writeFileSync } = require('node:fs'); const { join, resolve } = require('node:path');
const [, , cmd, sub, file, , rounds] = process.argv;
process.stderr.write('round 1 [easy] from policy p0\\n');
if (${exitCode} !== 0) { process.stderr.write('error: the policy does not export decide\\n'); process.exit(${exitCode}); }
const out = resolve('.policy-evolver', 'cluster', 'selfplay-20261207-100000');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'selfplay.json'), JSON.stringify({ policy: file, levelReached: 'medium', curriculum: [{ round: 1, level: 'easy', successes: 5, total: 6, rate: 5 / 6, advanced: true }], leaderboard: [{ id: 'p1', rating: 1460, round: 1, level: 'easy', reward: 0.8 }], args: [cmd, sub, rounds] }));
process.stderr.write('stopped: rounds\\n');`,
  );
  return script;
}

async function run(exitCode: number): Promise<{ views: SelfPlayView[]; logs: string[]; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pe-selfplay-'));
  const policy = join(dir, 'policy.ts');
  writeFileSync(policy, 'export function decide() { return []; }\n');
  const views: SelfPlayView[] = [];
  const logs: string[] = [];
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  const runner = new SelfPlayRunner(standIn(dir, exitCode), () => ({ ...process.env }), (v) => {
    views.push(v);
    if (!v.running) ended();
  }, (m) => logs.push(m));
  const started = runner.start(policy, 2);
  assert.equal(started.running, true);
  assert.throws(() => runner.start(policy, 2), /already running/);
  await done;
  assert.equal(runner.isRunning(policy), false);
  return { views, logs, dir };
}

test('a finished self-play reports its curriculum and leaderboard, and logs its lines', async () => {
  const { views, logs, dir } = await run(0);
  try {
    const last = views.at(-1) as SelfPlayView;
    assert.equal(last.result?.ok, true);
    assert.match(last.result?.message ?? '', /reached level medium/);
    assert.equal(last.curriculum?.[0]?.advanced, true);
    assert.equal(last.leaderboard?.[0]?.id, 'p1');
    assert.ok(views.some((v) => v.running && v.lines.some((l) => l.includes('round 1 [easy]'))));
    assert.ok(logs.some((l) => l.includes('stopped: rounds')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed self-play says why', async () => {
  const { views, dir } = await run(3);
  try {
    const last = views.at(-1) as SelfPlayView;
    assert.equal(last.result?.ok, false);
    assert.match(last.result?.message ?? '', /does not export decide/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rounds out of range are refused before anything starts', () => {
  const runner = new SelfPlayRunner('/nonexistent/cli.js', () => ({}), () => undefined, () => undefined);
  assert.throws(() => runner.start('/w/p.ts', 0), /rounds must be/);
  assert.throws(() => runner.start('/w/p.ts', 2), /CLI is missing/);
});
