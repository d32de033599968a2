// bubblewrap reports the sandbox's pid on its status pipe; under load node can see the process exit
// before it reads that line. A limits watcher started then was never stopped, and its timer kept
// the engine (a whole `evolve` run that had ended) alive for ever. A fake bubblewrap that says its
// pid only after exiting reproduces the order; the process running the command must still end.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../../helpers/tmp';

/** tsx by path: the command runs in a temp folder, where `--import tsx` would not resolve. */
const TSX = pathToFileURL(join(__dirname, '..', '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

const FAKE_BWRAP = `#!/bin/sh
# Says "exit-code" now and the sandbox pid later, from a process that outlives this one.
( sleep 0.2; printf '{"child-pid": %d}\\n' "$$" >&3 ) &
printf '{"exit-code": 0}\\n' >&3
exit 0
`;


test('a command whose sandbox pid arrives after it exited leaves nothing running that keeps the engine alive', { skip: process.platform !== 'linux' && 'bubblewrap is Linux only', timeout: 300_000 }, async () => {
  const dir = tempDir();
  const fake = join(dir, 'bwrap');
  writeFileSync(fake, FAKE_BWRAP);
  chmodSync(fake, 0o755);
  const runner = spawn(process.execPath, ['--import', TSX, join(__dirname, 'fixtures', 'late-pid-runner.ts'), fake], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  runner.stdout.on('data', (d: Buffer) => (out += d.toString()));
  // The pid line comes 0.2 s after the exit, while the pipes drain; a leaked watcher would sample every 50 ms for ever.
  const ended = await new Promise<number | null>((resolve) => {
    const patience = setTimeout(() => {
      runner.kill('SIGKILL');
      resolve(-1);
    }, 60_000);
    runner.on('exit', (code) => {
      clearTimeout(patience);
      resolve(code);
    });
  });
  assert.notEqual(ended, -1, `the process that ran the command never ended by itself (it printed: ${out.trim()})`);
  assert.equal(ended, 0);
  assert.match(out, /^ended exited/m);
});
