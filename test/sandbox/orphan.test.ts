// A sandbox worker must end with its engine even while a candidate loops: through the kernel's
// parent death signal where setpriv offers it, through the watchdog thread otherwise.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { setprivWithParentDeathSignal } from '../../src/sandbox/parent-death-signal';
import { processAlive, waitUntil } from '../helpers/processes';

async function killEngineWhileWorkerLoops(how: 'kernel' | 'watchdog'): Promise<number> {
  const engine = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'orphan-engine.ts'), how], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((resolve, reject) => {
    engine.stdout.setEncoding('utf8');
    engine.stdout.once('data', (line: string) => resolve(Number(line.trim())));
    engine.once('exit', (code) => reject(new Error(`the engine ended (${String(code)}) before its worker looped`)));
  });
  assert.ok(pid > 0 && processAlive(pid), 'the worker loops');
  const ended = new Promise<void>((resolve) => engine.once('exit', () => resolve()));
  engine.kill('SIGKILL');
  await ended;
  return pid;
}

test('the kernel kills a looping worker started through setpriv when its engine is killed', { skip: setprivWithParentDeathSignal() === null && 'no setpriv with --pdeathsig here', timeout: 300_000 }, async () => {
  const pid = await killEngineWhileWorkerLoops('kernel');
  await waitUntil('the orphaned worker to end', () => !processAlive(pid));
});

test('the watchdog thread kills a looping worker when its engine is killed', { timeout: 300_000 }, async () => {
  const pid = await killEngineWhileWorkerLoops('watchdog');
  await waitUntil('the orphaned worker to end', () => !processAlive(pid));
});
