// `evolve file.rbp` with no other flags: the protocol domain's own generator (the Q-learning
// synthesizer's rule tables) proposes candidates, and they are checked in the settings of the
// fault model the file declares. A generator that cannot work on the file is refused at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';
import { EXAMPLES_DIR, requireSpin } from './support';

requireSpin();

test('evolve on a crash-tolerant .rbp with defaults proposes rule tables and checks them in crash settings', () => {
  const dir = tempDir('pe-evolve-rbp-');
  const file = join(dir, 'eager-reliable-broadcast.rbp');
  copyFileSync(join(EXAMPLES_DIR, 'eager-reliable-broadcast.rbp'), file);
  const runs = join(dir, 'runs');
  const r = cli(['evolve', file, '--budget', '2', '-j', '1', '--gen-concurrency', '1', '--runs-dir', runs, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /candidates 2 \(0 failed/);
  const [run] = readdirSync(runs);
  const journal = readFileSync(join(runs, run as string, 'journal.jsonl'), 'utf8');
  assert.match(journal, /"generator":\{"id":"qlearning"/);
  assert.match(journal, /"options":\{"fault":"crash","resilience":2\}/);
  const workloads = new Set([...journal.matchAll(/"workloadId":"([^"]+)"/g)].map((m) => m[1]));
  assert.ok(workloads.size > 0);
  for (const w of workloads) assert.match(w as string, /^(none|crash):\d/, `${w} is not a crash or failure-free setting`);
  assert.ok(workloads.has('crash:5'), 'f = 2 is checked too');
});

test('a generator that cannot work on .rbp files is refused before the run starts, in one line', () => {
  const dir = tempDir('pe-evolve-rbp-');
  const file = join(dir, 'bracha.rbp');
  copyFileSync(join(EXAMPLES_DIR, 'bracha.rbp'), file);
  const runs = join(dir, 'runs');
  const r = cli(['evolve', file, '--generator', 'mutate', '--runs-dir', runs]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /^policy-evolver: the mutate generator cannot work on bracha\.rbp; generators that can: .*qlearning/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(existsSync(runs), false, 'no run folder');
});
