// One writer per run, under contention: of several processes racing for a run whose lock was left
// by a dead process, exactly one gets it and the others are refused with its pid.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { acquireRunLock, RunLockedError } from '../../src/core/run-lock';
import { ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

function contender(dir: string): { pid: number; answer: Promise<string>; release: () => Promise<void> } {
  const child = spawn(process.execPath, ['--import', TSX, join(__dirname, 'fixtures', 'take-lock.ts'), dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const answer = new Promise<string>((resolve) => child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('\n')) resolve(out.trim());
  }));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { pid: child.pid as number, answer, release: async () => { child.stdin.end(); await exited; } };
}

test('racing processes: a dead holder\'s lock goes to exactly one, the others are refused with its pid', { timeout: 900_000 }, async () => {
  const dir = tempDir();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname() }));
  const racers = Array.from({ length: 5 }, () => contender(dir));
  const answers = await Promise.all(racers.map((r) => r.answer));
  const winners = racers.filter((_, i) => answers[i] === 'got');
  assert.equal(winners.length, 1, answers.join(', '));
  const winner = winners[0] as (typeof racers)[number];
  for (const a of answers) if (a !== 'got') assert.equal(a, `refused ${winner.pid}`);
  // In this process too, while the winner holds it.
  assert.throws(() => acquireRunLock(dir), (err: unknown) => err instanceof RunLockedError && err.holderPid === winner.pid && /in use by process \d+/.test(err.message));
  await Promise.all(racers.map((r) => r.release()));
  assert.ok(!existsSync(join(dir, 'lock')), 'released when its holder exits');
  const release = acquireRunLock(dir);
  const again = acquireRunLock(dir);
  again();
  assert.ok(existsSync(join(dir, 'lock')), 're-entrant: held until the last release');
  release();
  assert.ok(!existsSync(join(dir, 'lock')));
});
