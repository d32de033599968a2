// Pool behaviour: scheduling, cancellation, closing, confinement of the worker process itself,
// endowments, large inputs and code, and bad requests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxPool } from '../../src/sandbox/pool';
import type { SandboxJob, SandboxPool } from '../../src/sandbox/types';
import { waitUntil } from '../helpers/processes';
import { tempDir } from '../helpers/tmp';
import { PROBE_HARNESS, assertFailure, assertStillServes, assertValue, callHostile, hostileSource } from './helpers';

const BROKEN_HARNESS = join(__dirname, 'fixtures', 'harness-broken.ts');

let pool: SandboxPool;
before(() => {
  process.env.OPENAI_API_KEY = 'sk-test-parent-secret';
  pool = createSandboxPool({ size: 2, limits: { timeoutMs: 5000 }, harnesses: { probe: PROBE_HARNESS, broken: BROKEN_HARNESS } });
});
after(async () => {
  delete process.env.OPENAI_API_KEY;
  await pool.close();
});

function probe(name: string, candidateCode = 'export {}'): SandboxJob {
  return { harness: 'probe', candidateCode, candidateFileName: 'probe.js', input: { probe: name } };
}

describe('the worker process', () => {
  test('has an empty environment even when the parent holds an API key, and an empty private cwd', async () => {
    assert.equal(process.env.OPENAI_API_KEY, 'sk-test-parent-secret');
    const outcome = await pool.run(probe('environment'));
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    if (!outcome.ok) return;
    const report = outcome.value as { envKeys: string[]; cwdEntries: string[]; cwd: string };
    // Node itself hands NODE_V8_COVERAGE to every child while coverage is measured (c8 in the test command).
    assert.deepEqual(report.envKeys.filter((k) => k !== 'NODE_V8_COVERAGE'), []);
    assert.deepEqual(report.cwdEntries, []);
    assert.ok(report.cwd.startsWith(tmpdir()), `cwd ${report.cwd} should be a private temp dir`);
    assert.ok(!report.cwd.startsWith(process.cwd()), 'cwd must not be the repository');
  });

  test('a function endowment given by a harness is callable by the candidate', async () => {
    const code = 'export function run() { return record(4) + record(5); }';
    assertValue(await pool.run(probe('endowment', code)), { result: 90, seen: [4, 5] });
  });

  test('every loadCandidate call gets a fresh Compartment', async () => {
    const code = "export function mark() { globalThis.marker = 'set'; } export function read() { return typeof globalThis.marker; }";
    assertValue(await pool.run(probe('fresh-compartments', code)), { firstSees: 'string', secondSees: 'undefined' });
  });

  test('a harness that fails to load is reported as an error and the pool keeps serving', async () => {
    const outcome = await pool.run({ harness: 'broken', candidateCode: 'export {}', candidateFileName: 'c.js', input: null });
    assertFailure(outcome, 'error', /harness 'broken' failed to load: Error: this harness is broken on purpose/);
    await assertStillServes(pool);
  });

  test('a worker that exits mid-job is reported as a crash and replaced', async () => {
    assertFailure(await pool.run(probe('exit')), 'crash', /exit code 3/);
    await assertStillServes(pool);
  });

  test('a worker killed by V8 heap exhaustion is reported as memory', async () => {
    assertFailure(await pool.run(probe('fatal-oom')), 'memory', /5\d\d MB memory limit \(the JavaScript heap ran out of memory\)/);
    await assertStillServes(pool);
  });

  test('an uncaught exception in the worker fails the job with its message and the worker is replaced', async () => {
    assertFailure(await pool.run(probe('uncaught')), 'error', /uncaught error in the sandbox worker: Error: thrown from a timer/);
    await assertStillServes(pool);
  });

  test('a harness returning undefined is a result failure', async () => {
    assertFailure(await pool.run(probe('undefined')), 'result', /result is undefined/);
  });
});

describe('scheduling and cancellation', () => {
  test('jobs on one worker run in submission order', async () => {
    const single = createSandboxPool({ size: 1 });
    try {
      const order: number[] = [];
      const jobs = [0, 1, 2, 3, 4].map((i) =>
        callHostile(single, 'good.js', 'add', [i, 0]).then((outcome) => {
          assertValue(outcome, i);
          order.push(i);
        }),
      );
      await Promise.all(jobs);
      assert.deepEqual(order, [0, 1, 2, 3, 4]);
    } finally {
      await single.close();
    }
  });

  test('a job whose signal is already aborted is cancelled without running', async () => {
    const controller = new AbortController();
    controller.abort();
    assertFailure(await callHostile(pool, 'good.js', 'add', [1, 1], undefined, controller.signal), 'cancelled', /cancelled by the caller/);
  });

  test('aborting a running job kills it, reports cancelled, and the pool keeps serving', async () => {
    const controller = new AbortController();
    const running = callHostile(pool, 'infinite-loop.js', 'run', [], { timeoutMs: 30_000 }, controller.signal);
    setTimeout(() => controller.abort(), 300);
    assertFailure(await running, 'cancelled', /cancelled by the caller/);
    await assertStillServes(pool);
  });

  test('close() cancels running and queued jobs, and later runs', async () => {
    const closing = createSandboxPool({ size: 1, harnesses: { probe: PROBE_HARNESS } });
    const marker = join(tempDir(), 'running');
    const running = closing.run({ ...probe('busy-after-marker'), input: { probe: 'busy-after-marker', marker }, limits: { timeoutMs: 600_000 } });
    const queued = callHostile(closing, 'good.js', 'add', [1, 2]);
    await waitUntil('the first job to run', () => existsSync(marker));
    await closing.close();
    assertFailure(await running, 'cancelled', /pool was closed/);
    assertFailure(await queued, 'cancelled', /pool was closed/);
    assertFailure(await callHostile(closing, 'good.js', 'add', [1, 2]), 'cancelled', /pool is closed/);
  });

  test('jobs with different memory limits get workers started with those limits', async () => {
    assertValue(await callHostile(pool, 'good.js', 'add', [1, 1], { memoryMb: 256 }), 2);
    assertValue(await callHostile(pool, 'good.js', 'add', [2, 2]), 4);
    assertValue(await callHostile(pool, 'good.js', 'add', [3, 3], { memoryMb: 256 }), 6);
  });
});

describe('large inputs and code', () => {
  test('megabyte inputs are delivered correctly, also after the worker evicted them from its cache', async () => {
    const code = 'export function measure(text, tag) { return { length: text.length, tag, last: text.charCodeAt(text.length - 1) }; }';
    const single = createSandboxPool({ size: 1, limits: { memoryMb: 256 } });
    try {
      const size = 5 * 1024 * 1024;
      const inputs = Array.from({ length: 9 }, (_, i) => 'x'.repeat(size - 1) + String.fromCharCode(65 + i));
      // 45 MB of inputs pass the worker's blob cache budget, so the first one gets evicted
      // and must be asked for again when it is reused.
      for (let i = 0; i < inputs.length; i++) {
        const outcome = await single.run({ harness: 'call', candidateCode: code, candidateFileName: 'm.js', input: { export: 'measure', args: [inputs[i] as string, i] } });
        assertValue(outcome, { length: size, tag: i, last: 65 + i });
      }
      const again = await single.run({ harness: 'call', candidateCode: code, candidateFileName: 'm.js', input: { export: 'measure', args: [inputs[0] as string, 0] } });
      assertValue(again, { length: size, tag: 0, last: 65 });
    } finally {
      await single.close();
    }
  });

  test('a candidate with megabytes of code runs', async () => {
    const table = Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 1000);
    const code = `const TABLE = ${JSON.stringify(table)};\nexport function lookup(i) { return TABLE[i]; }\n`;
    assert.ok(code.length > 700_000);
    const outcome = await pool.run({ harness: 'call', candidateCode: code, candidateFileName: 'big.js', input: { export: 'lookup', args: [12345] } });
    assertValue(outcome, (12345 * 7919) % 1000);
  });
});

describe('bad requests', () => {
  test('an unknown harness is rejected with the registered names', async () => {
    await assert.rejects(pool.run({ harness: 'nope', candidateCode: '', candidateFileName: 'c.js', input: null }), /unknown sandbox harness 'nope'.*call/);
  });

  test('an input that is not JSON is rejected', async () => {
    const input = { n: 1n } as unknown as SandboxJob['input'];
    await assert.rejects(pool.run({ harness: 'call', candidateCode: '', candidateFileName: 'c.js', input }), /job\.input is not JSON/);
  });

  test('invalid limits are rejected', async () => {
    await assert.rejects(callHostile(pool, 'good.js', 'add', [1, 1], { timeoutMs: -5 }), /timeoutMs must be a positive number/);
    await assert.rejects(callHostile(pool, 'good.js', 'add', [1, 1], { memoryMb: 16 }), /memoryMb must be at least 64/);
    assert.throws(() => createSandboxPool({ size: 0 }), /size must be a positive integer/);
  });

  test('an unsupported file extension is a compile failure', async () => {
    const outcome = await pool.run({ harness: 'call', candidateCode: hostileSource('good.js'), candidateFileName: 'policy.py', input: { export: 'add', args: [1, 2] } });
    assertFailure(outcome, 'compile', /cannot run 'policy\.py' in the sandbox: the file extension must be one of \.ts/);
  });

  test('a missing export names the exported functions', async () => {
    assertFailure(await callHostile(pool, 'good.js', 'sub', [1, 2]), 'error', /no export named 'sub'; exported functions: add/);
  });

  test('malformed call harness input is an error', async () => {
    const outcome = await pool.run({ harness: 'call', candidateCode: hostileSource('good.js'), candidateFileName: 'good.js', input: { export: 'add' } });
    assertFailure(outcome, 'error', /input\.args must be an array/);
  });
});
