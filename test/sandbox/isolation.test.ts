// Candidates that run one after another in a worker do not affect each other's verdicts: memory a
// candidate leaves behind is not charged to the next one, and a wall-clock limit blames a candidate
// only when its worker had the CPU. Through the real pool; the host's load is injected.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createSandboxPool } from '../../src/sandbox/pool';
import { processCpuSeconds } from '../../src/sandbox/cpu-probe';
import { waitUntil } from '../helpers/processes';
import { assertFailure, assertValue, callHostile } from './helpers';

/** Sandbox workers are this process's children running the worker entry. */
function workerPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('worker');
      } catch {
        return false;
      }
    });
}

test('memory left behind by one candidate is not charged to the next one in the worker', { timeout: 900_000 }, async () => {
  const pool = createSandboxPool({ size: 1, limits: { memoryMb: 256, timeoutMs: 60_000 } });
  try {
    // 160 MB on a worker of about 75 MB (run from sources) stays clear of the limit under load,
    // and is past the share after which a worker is replaced (RECYCLE_MEMORY_SHARE in pool.ts).
    assertValue(await callHostile(pool, 'memory-squatter.js', 'run', [160]), 20);
    // Alone this fits easily; on top of the squatter's leftovers it would not.
    assertValue(await callHostile(pool, 'modest-allocation.js', 'run', [120]), 15);
  } finally {
    await pool.close();
  }
});

test('a worker starved of CPU by a busy host is reported as overload, not as a slow candidate', { skip: process.platform !== 'linux' && 'needs /proc', timeout: 180_000 }, async () => {
  // The host looks fully busy: no idle CPU at all.
  const pool = createSandboxPool({ size: 1, limits: { timeoutMs: 2000 }, cpu: { worker: processCpuSeconds, hostIdle: () => 0 } });
  try {
    // A started worker, and the CPU time its start-up took.
    assertValue(await callHostile(pool, 'good.js', 'add', [1, 2]), 3);
    const [pid] = workerPids();
    assert.ok(pid, 'the worker process was found');
    const startup = processCpuSeconds(pid) ?? 0;
    const outcome = callHostile(pool, 'infinite-loop.js');
    // Once the worker is computing the candidate it is stopped: from then on it gets no CPU.
    await waitUntil('the worker to compute', () => (processCpuSeconds(pid) ?? 0) > startup + 0.2);
    process.kill(pid, 'SIGSTOP');
    const result = await outcome;
    assertFailure(result, 'overloaded', /the host is overloaded: in \d+\.\d s the sandbox worker got only \d+\.\d s of CPU time, too little to judge the 2000 ms limit/);
  } finally {
    await pool.close();
  }
});

test('a candidate that computes past its limit is still a timeout on a busy host', { timeout: 900_000 }, async () => {
  const pool = createSandboxPool({ size: 1, limits: { timeoutMs: 1000 }, cpu: { worker: processCpuSeconds, hostIdle: () => 0 } });
  try {
    assertFailure(await callHostile(pool, 'infinite-loop.js'), 'timeout', /exceeded the 1000 ms time limit \(it computed for \d+\.\d s of CPU time\)/);
  } finally {
    await pool.close();
  }
});
