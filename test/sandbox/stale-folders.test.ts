// Leftover private folders of killed owners are swept by later processes, at most every few
// minutes per user (a stamp in the per-user cache), so a busy temp folder is not read by every command.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sweepFoldersOfDeadOwners } from '../../src/sandbox/stale-folders';
import { tempDir } from '../helpers/tmp';

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  assert.ok(r.pid);
  return r.pid;
}

function restoreTmpdir(saved: string | undefined): void {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
}

function setUp(prefix: string): { tmp: string; dead: string; alive: string } {
  const tmp = tempDir();
  process.env.TMPDIR = tmp;
  const dead = join(tmp, `${prefix}${deadPid()}-abc`);
  const alive = join(tmp, `${prefix}${process.pid}-def`);
  mkdirSync(dead);
  mkdirSync(alive);
  return { tmp, dead, alive };
}

test('a sweep removes the folders of dead owners only, and leaves a stamp', () => {
  const saved = process.env.TMPDIR;
  try {
    const root = tempDir();
    const { dead, alive } = setUp('pe-sweep-a-');
    const now = Date.now();
    sweepFoldersOfDeadOwners('pe-sweep-a-', root, now);
    assert.equal(existsSync(dead), false, 'the dead owner\'s folder is removed');
    assert.equal(existsSync(alive), true, 'a live owner\'s folder stays');
    assert.equal(existsSync(join(root, 'swept', 'pe-sweep-a-')), true);
  } finally {
    restoreTmpdir(saved);
  }
});

test('a recent stamp skips the sweep; an old one, or one from the future, does not', () => {
  const saved = process.env.TMPDIR;
  try {
    const now = Date.now();
    const cases: Array<[string, number, boolean]> = [
      ['pe-sweep-recent-', now - 60_000, false],
      ['pe-sweep-old-', now - 11 * 60_000, true],
      ['pe-sweep-future-', now + 3_600_000, true],
    ];
    for (const [prefix, stampedAt, sweeps] of cases) {
      const root = tempDir();
      mkdirSync(join(root, 'swept'));
      const stamp = join(root, 'swept', prefix);
      writeFileSync(stamp, '');
      utimesSync(stamp, stampedAt / 1000, stampedAt / 1000);
      const { dead } = setUp(prefix);
      sweepFoldersOfDeadOwners(prefix, root, now);
      assert.equal(existsSync(dead), !sweeps, `${prefix}: ${sweeps ? 'swept' : 'skipped'}`);
    }
  } finally {
    restoreTmpdir(saved);
  }
});

test('without a per-user cache every process sweeps', () => {
  const saved = process.env.TMPDIR;
  try {
    const { dead } = setUp('pe-sweep-nocache-');
    sweepFoldersOfDeadOwners('pe-sweep-nocache-', null, Date.now());
    assert.equal(existsSync(dead), false);
  } finally {
    restoreTmpdir(saved);
  }
});
