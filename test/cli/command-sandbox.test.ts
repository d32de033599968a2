// The command sandbox through the real CLI: secrets of the CLI's own environment out of reach,
// kill -9 of the CLI leaves nothing behind, and the opt-out is refused-then-announced.
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, cliAsync } from '../helpers/cli';
import { processAlive, waitUntil } from '../helpers/processes';
import { tempDir } from '../helpers/tmp';

const SECRET = 'sk-marker-cli-5e1d';

function project(score: string): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'policy.js'), 'export const x = 1;\nexport const y = 2;\n');
  writeFileSync(join(dir, 'score.sh'), score);
  return dir;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function processesWith(mark: string): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').includes(mark) && processAlive(pid);
      } catch {
        return false;
      }
    });
}

test('a command candidate cannot read the CLI environment through /proc, so the journal never holds it', { timeout: 900_000 }, () => {
  const dir = project(
    [
      `all=$(for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/environ; tr '\\0' ' ' < $p/cmdline; done 2>/dev/null)`,
      // Echo whatever looks like a key into the feedback, so a leak would reach the journal.
      `printf '{"ok": false, "error": "found: %s"}\\n' "$(echo "$all" | grep -o 'sk-marker[a-z0-9-]*' | head -1)"`,
    ].join('\n'),
  );
  const runs = join(dir, 'runs');
  const r = cli(['evolve', 'policy.js', '--command', 'sh score.sh {file}', '--budget', '1', '--runs-dir', runs, '--json'], {
    cwd: dir,
    env: { OPENAI_API_KEY: SECRET, POLICY_EVOLVER_BROKER_URL: `amqp://u:${SECRET}@localhost` },
  });
  assert.ok((r.stdout + r.stderr).includes('found: '), `the probe ran: ${r.stdout}${r.stderr}`);
  const leaked = filesUnder(runs).filter((f) => readFileSync(f, 'utf8').includes(SECRET));
  assert.deepEqual(leaked, [], 'no file of the run holds the secret');
  assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET), 'nor does the CLI output');
});

test('kill -9 of the CLI takes the command, its daemons and its files with it', { timeout: 900_000 }, async () => {
  // Unique sleep durations: the processes of this run are told apart from any other.
  const mark = String(4_000_000 + Math.floor(Math.random() * 900_000));
  const daemon = String(Number(mark) + 1);
  const dir = project(`setsid sleep ${daemon} </dev/null >/dev/null 2>&1 &\nsleep ${mark}\n`);
  const tmp = tempDir();
  const child = cliAsync(['evolve', 'policy.js', '--command', 'sh score.sh {file}', '--budget', '1', '--runs-dir', join(dir, 'runs'), '--quiet'], { cwd: dir, env: { TMPDIR: tmp } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let ended = false;
  void exited.then(() => (ended = true));
  await waitUntil('the command to start', () => {
    if (ended) throw new Error(`the CLI ended before its command started: ${stderr}`);
    return processesWith(mark).length > 0 && processesWith(daemon).length > 0;
  });
  child.kill('SIGKILL');
  await exited;
  await waitUntil('the command and its daemon to be gone', () => processesWith(mark).length === 0 && processesWith(daemon).length === 0);
  // tsx keeps its compile cache in TMPDIR too; that is the test harness, not the product.
  assert.deepEqual(readdirSync(tmp).filter((name) => !name.startsWith('tsx-')), [], 'no temporary folder is left behind');
});

test('without a usable bubblewrap, command candidates are refused naming the opt-out; the opt-out is announced', { timeout: 900_000 }, () => {
  const dir = project(`echo '{"score": 1}'\n`);
  // A bubblewrap that fails the way it does where user namespaces are disabled.
  const fake = join(dir, 'bwrap');
  writeFileSync(fake, '#!/bin/sh\necho "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2\nexit 1\n');
  chmodSync(fake, 0o755);
  const runs = join(dir, 'runs');
  const env = { POLICY_EVOLVER_BWRAP: fake };
  const refused = cli(['evolve', 'policy.js', '--command', 'sh score.sh {file}', '--budget', '1', '--runs-dir', runs], { cwd: dir, env });
  assert.equal(refused.code, 3, refused.stderr);
  const lines = refused.stderr.trim().split('\n');
  assert.equal(lines.length, 1, refused.stderr);
  assert.match(lines[0] as string, /bubblewrap.*No permissions to creating new namespace.*--unsandboxed-commands/);

  const opted = cli(['evolve', 'policy.js', '--command', 'sh score.sh {file}', '--budget', '1', '--runs-dir', runs, '--unsandboxed-commands'], { cwd: dir, env });
  assert.equal(opted.code, 0, opted.stderr);
  assert.match(opted.stderr, /command candidates run WITHOUT the OS sandbox \(--unsandboxed-commands\)/);
  assert.match(opted.stdout, /best\s+c0\s+score 1\.0000/);
  const shown = cli(['show', 'latest', '--runs-dir', runs], { cwd: dir });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /WITHOUT the OS sandbox \(--unsandboxed-commands\)/);
  const json = JSON.parse(cli(['show', 'latest', '--runs-dir', runs, '--json'], { cwd: dir }).stdout) as { unsandboxedCommands?: boolean };
  assert.equal(json.unsandboxedCommands, true);

  const wrongEvaluator = cli(['evolve', 'policy.js', '--evaluator', 'faas', '--unsandboxed-commands', '--runs-dir', runs], { cwd: dir });
  assert.equal(wrongEvaluator.code, 2, wrongEvaluator.stderr);
  assert.match(wrongEvaluator.stderr, /--unsandboxed-commands only applies to command evaluations/);
});

test('kill -9 of the CLI while a JS policy loops leaves no sandbox worker and no folder', { timeout: 900_000 }, async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'policy.js'), 'export function step(ctx, results, arrivals) {\n  for (;;) {}\n}\n');
  const tmp = tempDir();
  const child = cliAsync(['evolve', 'policy.js', '--budget', '1', '--runs-dir', join(dir, 'runs'), '--quiet'], { cwd: dir, env: { TMPDIR: tmp } });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const workers = (): number[] =>
    readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          return ppid === child.pid && readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('worker');
        } catch {
          return false;
        }
      });
  // CPU ticks (user + system) a process has used: a worker past a second of CPU is in the loop.
  const cpuTicks = (pid: number): number => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  };
  let seen: number[] = [];
  await waitUntil('a sandbox worker to loop in the policy', () => (seen = workers()).some((pid) => cpuTicks(pid) > 100));
  child.kill('SIGKILL');
  await exited;
  await waitUntil('the orphaned workers to end', () => seen.every((pid) => !processAlive(pid)));
  await waitUntil(`their folders to be removed (${seen.join(' ')})`, () => !readdirSync(tmp).some((n) => n.startsWith('policy-evolver-sandbox-')), 20_000).catch((err: Error) => {
    throw new Error(`${err.message}: ${readdirSync(tmp).join(' ')} ${readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map((n) => { try { return readFileSync(`/proc/${n}/cmdline`, 'latin1'); } catch { return ''; } }).filter((c) => c.includes('sandbox/worker')).join(' | ')}`);
  });
});
