// A Spin run that exceeds its limits or is cancelled is inconclusive, never verified. The time
// limit runs on an injected timer, so "the limit was reached" and "cancelled mid-search" happen
// when the test says, whatever the speed of the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelBuilder } from '../../../src/evaluators/protocol/spin/build';
import { SpinHarness } from '../../../src/evaluators/protocol/spin/harness';
import { runLimited, type LimitTimer } from '../../../src/evaluators/protocol/spin/process';
import { ProtocolVerifier } from '../../../src/evaluators/protocol/verify';
import { processAlive } from '../../helpers/processes';
import { tempDir } from '../../helpers/tmp';
import { example, requireSpin, settings } from './support';

requireSpin();
const bracha = example('bracha.rbp');
const builder = new ModelBuilder();
// A search still running when a limit hits: failure-free N = 6 with exact receipt counts takes
// messages one at a time (hundreds of thousands of states); fault settings take them only at
// thresholds and finish in a few hundred states.
const BIG = { settings: settings('none:6'), engine: 'compiled', exactReceipts: true } as const;

/** A limit that expires as soon as the search has started. */
const expiresAtStart: LimitTimer = (_ms, onExpire) => {
  const t = setImmediate(onExpire);
  return () => clearImmediate(t);
};
/** A limit that never expires: only the memory limit or the search itself can end the run. */
const neverExpires: LimitTimer = () => () => undefined;

test('a search that runs out of time is UNKNOWN, and a later run with more time is not served the old verdict', async () => {
  const verifier = new ProtocolVerifier(new SpinHarness(builder, expiresAtStart));
  const r = await verifier.verify(bracha, { ...BIG, limits: { timeMs: 1500, memoryMb: 2048 } });
  assert.equal(r.settings[0]?.verdict, 'UNKNOWN');
  assert.match(r.settings[0]?.reason ?? '', /time limit of 1.5 s reached/);
  assert.equal(r.verified, false);
  // Where a wall-clock limit cuts depends on the machine: such a verdict is never cached.
  assert.equal(verifier.cache.size, 0);
});

test('a search that runs out of memory is UNKNOWN', async () => {
  const verifier = new ProtocolVerifier(new SpinHarness(builder, neverExpires));
  const r = await verifier.verify(bracha, { ...BIG, limits: { timeMs: 60_000, memoryMb: 40 } });
  assert.equal(r.settings[0]?.verdict, 'UNKNOWN');
  assert.match(r.settings[0]?.reason ?? '', /memory limit of 40 MB reached/);
});

test('cancelling a run mid-search kills the verifier and reports UNKNOWN', async () => {
  const ac = new AbortController();
  // Cancel once the search is running (after the model was built), never letting the limit expire.
  const cancelsAtStart: LimitTimer = () => {
    queueMicrotask(() => ac.abort());
    return () => undefined;
  };
  const verifier = new ProtocolVerifier(new SpinHarness(builder, cancelsAtStart));
  const r = await verifier.verify(bracha, { ...BIG, limits: { timeMs: 60_000, memoryMb: 2048 }, signal: ac.signal });
  assert.equal(r.settings[0]?.verdict, 'UNKNOWN');
  assert.equal(r.settings[0]?.reason, 'cancelled');
  assert.equal(verifier.cache.size, 0, 'a cancelled search is not cached');
});

test('the process runner kills the whole process group when the limit expires', async () => {
  const dir = tempDir();
  const pidFile = join(dir, 'background.pid');
  // Expire once the background child has started (it wrote its pid): then it must die with the group.
  const expiresOnceStarted: LimitTimer = (_ms, onExpire) => {
    const poll = setInterval(() => {
      if (existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n')) {
        clearInterval(poll);
        onExpire();
      }
    }, 10);
    return () => clearInterval(poll);
  };
  // Both sleeps print "never" if they outlive the limit; the pipes stay open until both are gone.
  const script = `(sleep 30; echo never) & echo $! > ${pidFile}; sleep 30; echo never`;
  const out = await runLimited('/bin/sh', ['-c', script], { cwd: dir, limits: { timeMs: 60_000, memoryMb: 0 }, timer: expiresOnceStarted });
  assert.equal(out.timedOut, true);
  assert.equal(out.stdout.includes('never'), false);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.equal(processAlive(pid), false, `the background process ${pid} is gone`);
});
