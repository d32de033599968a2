// The run store through the real CLI: damaged and missing sources, duplicated, corrupted, BOM and
// empty journals, one writer per run (two concurrent resumes), a lock left by a dead process, and
// a disk that fills up mid-run (root only: a small tmpfs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readJournal } from '../../src/core/journal';
import { loadRun } from '../../src/core/run-session';
import { sha256 } from '../../src/core/normalize';
import { cli, cliAsync, ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';

const oneLine = (s: string): boolean => s.trim().split('\n').length === 1 && !/\n\s+at /.test(s);

function project(dir = tempDir()): string {
  for (const f of ['heuristic.js', 'evaluate.mjs', 'evolve.json']) copyFileSync(join(ROOT, 'examples', 'bin-packing', f), join(dir, f));
  return dir;
}

const runArgs = (runs: string, budget: number) => ['evolve', 'heuristic.js', '--config', 'evolve.json', '--budget', String(budget), '--concurrency', '1', '--seed', '3', '--runs-dir', runs, '--quiet'];

// Made at file level, so it lives until the last test of the file.
const baseDir = tempDir();
let base: { dir: string; runs: string; runId: string } | undefined;
/** One finished run, copied by each test that damages it. */
function baseRun(): { dir: string; runs: string; runId: string } {
  if (base) return base;
  const dir = project(baseDir);
  const runs = join(dir, 'runs');
  const r = cli(runArgs(runs, 12), { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  base = { dir, runs, runId: readdirSync(runs)[0] as string };
  return base;
}

/** A copy of the base run in a fresh project; returns paths. */
function copyRun(): { dir: string; runs: string; runId: string; run: string; journal: string } {
  const b = baseRun();
  const dir = project();
  const runs = join(dir, 'runs');
  cpSync(join(b.runs, b.runId), join(runs, b.runId), { recursive: true });
  // The copy must point at this project's file, as if the run had been made here.
  const run = join(runs, b.runId);
  const journal = join(run, 'journal.jsonl');
  writeFileSync(journal, readFileSync(journal, 'utf8').split(b.dir).join(dir));
  return { dir, runs, runId: b.runId, run, journal };
}

function lines(journal: string): string[] {
  return readFileSync(journal, 'utf8').split('\n').filter((l) => l !== '');
}

/** A candidate whose source differs from the starting program's. */
function changedCandidate(run: string): { id: string; hash: string } {
  const { state } = loadRun(run);
  const c = [...state.candidates.values()].find((e) => e.index > 0 && e.sourceHash !== state.initialSourceHash && e.result?.ok);
  assert.ok(c, 'the base run has a changed candidate');
  return { id: c.id, hash: c.sourceHash };
}

test('every source is stored whole and verified: a damaged one cannot be applied or diffed, a missing one names its candidate', { timeout: 900_000 }, () => {
  const { dir, runs, runId, run } = copyRun();
  const { id, hash } = changedCandidate(run);
  for (const f of readdirSync(join(run, 'sources'))) assert.equal(sha256(readFileSync(join(run, 'sources', f), 'utf8')), f, `sources/${f} holds what its name says`);
  const before = readFileSync(join(dir, 'heuristic.js'), 'utf8');

  writeFileSync(join(run, 'sources', hash), '');
  const apply = cli(['apply', runId, id, '--runs-dir', runs], { cwd: dir });
  assert.equal(apply.code, 3, apply.stdout + apply.stderr);
  assert.ok(oneLine(apply.stderr), apply.stderr);
  assert.match(apply.stderr, new RegExp(`source of candidate ${id} is damaged`));
  assert.equal(readFileSync(join(dir, 'heuristic.js'), 'utf8'), before, "the user's file is untouched");
  const diff = cli(['diff', runId, id, '--runs-dir', runs], { cwd: dir });
  assert.equal(diff.code, 3, diff.stderr);
  assert.match(diff.stderr, /is damaged/);
  assert.equal(diff.stdout, '');

  rmSync(join(run, 'sources', hash));
  const missing = cli(['apply', runId, id, '--runs-dir', runs], { cwd: dir });
  assert.equal(missing.code, 3, missing.stderr);
  assert.ok(oneLine(missing.stderr), missing.stderr);
  assert.match(missing.stderr, new RegExp(`source of candidate ${id} is missing`));
  assert.equal(readFileSync(join(dir, 'heuristic.js'), 'utf8'), before);
});

test('replay is idempotent: duplicated events are ignored, with or without event ids', { timeout: 900_000 }, () => {
  const { dir, runs, runId, journal } = copyRun();
  const show = () => {
    const r = cli(['show', runId, '--runs-dir', runs, '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { candidates: number; failed: number; duplicates: number; bestId: string; top: unknown[] };
  };
  const expected = show();
  const all = lines(journal);
  assert.ok(all.every((l) => Number.isInteger((JSON.parse(l) as { seq?: unknown }).seq)), 'every event carries an id');
  const doubled = all.flatMap((l) => (/"type":"(evaluated|proposed|proposal-failed|llm-call)"/.test(l) ? [l, l] : [l]));
  writeFileSync(journal, doubled.join('\n') + '\n');
  assert.deepEqual(show(), expected);
  // A journal written before events had ids: the same duplicates, without ids, still fold once.
  const old = all.map((l) => {
    const { seq: _seq, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return JSON.stringify(rest);
  });
  writeFileSync(journal, old.flatMap((l) => (/"type":"(evaluated|proposed|proposal-failed)"/.test(l) ? [l, l] : [l])).join('\n') + '\n');
  assert.deepEqual(show(), expected);
});

test('a malformed or unknown event in the middle is skipped with a warning naming its line; a BOM loads; an empty journal is one line', { timeout: 900_000 }, () => {
  const { dir, runs, runId, journal } = copyRun();
  const all = lines(journal);
  const damaged = [...all.slice(0, 3), '{"type":"evaluated","id":"c1"}', '{"type":"teleported","id":"c1"}', 'not json at all', '[1,2]', ...all.slice(3)];
  writeFileSync(journal, '\uFEFF' + damaged.join('\n') + '\n');
  const r = cli(['show', runId, '--runs-dir', runs, '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  for (const line of [4, 5, 6, 7]) assert.match(r.stderr, new RegExp(`journal\\.jsonl:${line}: `), `line ${line} named: ${r.stderr}`);
  assert.match(r.stderr, /unknown event type 'teleported'/);
  assert.match(r.stderr, /'evaluated' event has no 'index'/);
  assert.ok(!/internal error/.test(r.stderr));
  assert.ok((JSON.parse(r.stdout) as { candidates: number }).candidates > 0);
  const resumed = cli(['resume', runId, '--runs-dir', runs, '--budget', '14', '--quiet'], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);

  writeFileSync(journal, '');
  for (const args of [['show', runId], ['resume', runId], ['apply', runId, 'best']]) {
    const e = cli([...args, '--runs-dir', runs], { cwd: dir });
    assert.equal(e.code, 3, `${args[0]}: ${e.stderr}`);
    assert.ok(oneLine(e.stderr), e.stderr);
    assert.match(e.stderr, /journal is empty/);
  }
  const list = cli(['runs', '--runs-dir', runs], { cwd: dir });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /damaged: .*journal is empty/);
});

test('one writer per run: a second resume is refused naming the holder; a dead holder\'s lock is taken over', { timeout: 900_000 }, async () => {
  const { dir, runs, runId, run, journal } = copyRun();
  const first = cliAsync(['resume', runId, '--runs-dir', runs, '--budget', '100000', '--quiet'], { cwd: dir });
  let stderr = '';
  first.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
  after(() => {
    if (first.exitCode === null) first.kill('SIGKILL');
  });
  // Wait until the first resume holds the run (its run-resumed event is written under the lock).
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (readFileSync(journal, 'utf8').includes('"type":"run-resumed"')) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
    void exited.then(() => {
      clearInterval(poll);
      reject(new Error(`the first resume ended early: ${stderr}`));
    });
  });
  const before = readFileSync(join(dir, 'heuristic.js'), 'utf8');
  const second = cli(['resume', runId, '--runs-dir', runs, '--time', '3s', '--quiet'], { cwd: dir });
  assert.equal(second.code, 3, second.stderr);
  assert.ok(oneLine(second.stderr), second.stderr);
  assert.match(second.stderr, new RegExp(`in use by process ${first.pid}\\b`));
  const apply = cli(['apply', runId, 'best', '--runs-dir', runs], { cwd: dir });
  assert.equal(apply.code, 3, apply.stderr);
  assert.match(apply.stderr, new RegExp(`in use by process ${first.pid}\\b`));
  assert.equal(readFileSync(join(dir, 'heuristic.js'), 'utf8'), before);

  first.kill('SIGKILL');
  await exited;
  const resumes = lines(journal).filter((l) => l.includes('"type":"run-resumed"'));
  assert.equal(resumes.length, 1, 'only the first resume wrote');
  const indexes = lines(journal).flatMap((l) => {
    const e = JSON.parse(l) as { type: string; index?: number };
    return e.type === 'proposed' ? [e.index] : [];
  });
  assert.equal(new Set(indexes).size, indexes.length, 'no candidate proposed twice');

  // kill -9 left the lock behind; its holder is dead, so the next writer takes it over.
  assert.ok(existsSync(join(run, 'lock')));
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(join(run, 'lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname() }));
  const next = cli(['resume', runId, '--runs-dir', runs, '--budget', String(loadRun(run).state.nextIndex + 1), '--quiet'], { cwd: dir });
  assert.equal(next.code, 0, next.stderr);
  assert.equal(loadRun(run).state.ended, 'budget-candidates');
  assert.ok(!existsSync(join(run, 'lock')), 'the lock is released at exit');
});

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

test('a full disk stops the run with one line and exit 3, loses nothing recorded, and resume continues once space is freed', { timeout: 240_000, skip: isRoot ? false : 'needs root to mount a small tmpfs' }, () => {
  const dir = project();
  const mnt = join(dir, 'disk');
  mkdirSync(mnt);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=96k', 'tmpfs', mnt], { encoding: 'utf8' });
  if (mount.status !== 0) {
    process.stderr.write(`skipped: cannot mount a tmpfs here (${mount.stderr.trim()})\n`);
    return;
  }
  try {
    fillTheDisk(dir, mnt);
  } finally {
    spawnSync('umount', ['-l', mnt]);
  }
});

function fillTheDisk(dir: string, mnt: string): void {
  const runs = join(mnt, 'runs');
  const full = cli(runArgs(runs, 100000), { cwd: dir });
  assert.equal(full.code, 3, full.stderr);
  assert.ok(oneLine(full.stderr), full.stderr);
  assert.match(full.stderr, /no space left on the device/);
  const [runId] = readdirSync(runs);
  const run = join(runs, runId as string);
  const journal = join(run, 'journal.jsonl');
  const recorded = readJournal(journal);
  assert.deepEqual(recorded.skipped, [], 'no torn or damaged line');
  const { state } = loadRun(run);
  assert.ok(state.evaluated >= 2, `some candidates were recorded (${state.evaluated})`);
  for (const c of state.candidates.values()) assert.equal(sha256(readFileSync(join(run, 'sources', c.sourceHash), 'utf8')), c.sourceHash, `${c.id}'s source is whole`);
  assert.deepEqual(readdirSync(join(run, 'sources')).filter((f) => f.endsWith('.tmp')), [], 'no temporary files left');
  const recordedText = readFileSync(journal, 'utf8');

  assert.equal(spawnSync('mount', ['-o', 'remount,size=4m', mnt]).status, 0);
  const budget = state.nextIndex + 3;
  const resumed = cli(['resume', runId as string, '--runs-dir', runs, '--budget', String(budget), '--quiet'], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(readFileSync(journal, 'utf8').startsWith(recordedText), 'what was recorded before stays as it was');
  const after2 = loadRun(run).state;
  assert.equal(after2.ended, 'budget-candidates');
  assert.ok(after2.nextIndex > state.nextIndex);
}
