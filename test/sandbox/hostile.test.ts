// The hostile-candidate corpus: every candidate in test/sandbox/hostile runs through one pool,
// must fail (or be contained) with a clear reason, and the same pool must keep serving a good
// candidate afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandboxPool } from '../../src/sandbox/pool';
import type { SandboxPool } from '../../src/sandbox/types';
import { assertFailure, assertStillServes, assertValue, callHostile, hostileSource } from './helpers';

// One worker, so "a later candidate in the same worker" really is the same process.
let pool: SandboxPool;
before(() => {
  pool = createSandboxPool({ size: 1, limits: { timeoutMs: 5000, memoryMb: 192 } });
});
after(() => pool.close());

describe('resource limits', () => {
  test('an infinite loop is killed at the time limit and reported as timeout', async () => {
    const outcome = await callHostile(pool, 'infinite-loop.js', 'run', [], { timeoutMs: 1000 });
    assertFailure(outcome, 'timeout', /exceeded the 1000 ms time limit/);
    await assertStillServes(pool);
  });

  test('a heap memory bomb is killed and reported as memory', async () => {
    assertFailure(await callHostile(pool, 'heap-bomb.js'), 'memory', /192 MB memory limit/);
    await assertStillServes(pool);
  });

  test('an ArrayBuffer bomb outside the V8 heap is caught by the resident-memory watch', async () => {
    assertFailure(await callHostile(pool, 'arraybuffer-bomb.js'), 'memory', /192 MB memory limit \(resident memory reached \d+ MB\)/);
    await assertStillServes(pool);
  });
});

describe('no ambient authority', () => {
  // SES resolves names that exist only on the host's global (process, fetch, console...) to
  // undefined inside a Compartment rather than throwing a ReferenceError.
  test('process is absent, so the environment cannot be read', async () => {
    process.env.OPENAI_API_KEY = 'sk-test-must-not-leak';
    try {
      assertValue(await callHostile(pool, 'read-env.js', 'probe'), 'undefined');
      assertFailure(await callHostile(pool, 'read-env.js'), 'error', /TypeError: Cannot read properties of undefined \(reading 'env'\)\n\s+at run \(read-env\.js:3:\d+\)/);
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
    await assertStillServes(pool);
  });

  test('require of a Node built-in is denied', async () => {
    assertFailure(await callHostile(pool, 'require-fs.js'), 'error', /imports are not allowed in candidates: 'fs'/);
    await assertStillServes(pool);
  });

  test('a static import of child_process is denied', async () => {
    assertFailure(await callHostile(pool, 'import-child-process.js'), 'error', /imports are not allowed in candidates: 'child_process'/);
    await assertStillServes(pool);
  });

  test('dynamic import() is denied', async () => {
    assertFailure(await callHostile(pool, 'dynamic-import.js'), 'error', /imports are not allowed in candidates: 'fs'/);
    await assertStillServes(pool);
  });

  test('fetch does not exist', async () => {
    assertFailure(await callHostile(pool, 'fetch.js'), 'error', /TypeError: fetch is not a function/);
    await assertStillServes(pool);
  });
});

describe('escape attempts', () => {
  test('no route from the candidate reaches the worker process', async () => {
    const outcome = await callHostile(pool, 'escape-attempts.js');
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    if (!outcome.ok) return;
    const report = outcome.value as Record<string, string>;
    for (const [attempt, result] of Object.entries(report)) assert.notEqual(result, 'ESCAPED', `${attempt} escaped`);
    assert.equal(report.sloppyThis, 'undefined', 'module code is strict, so a bare call has no this');
    assert.equal(report.globalThisProcess, 'undefined');
    for (const attempt of ['functionConstructorProcess', 'indirectEval']) {
      assert.equal(report[attempt], 'undefined', `${attempt}: process must not exist in evaluated code`);
    }
    for (const attempt of ['objectConstructorChain', 'arrowConstructor', 'asyncConstructor', 'generatorConstructor', 'requireConstructor', 'moduleConstructor']) {
      assert.equal(report[attempt], 'threw', `${attempt}: constructor chains must be tamed`);
    }
    assert.equal(report.prepareStackTrace, 'string', 'V8 call sites must never reach candidates');
    await assertStillServes(pool);
  });

  test('direct eval is refused before the candidate runs', async () => {
    assertFailure(await callHostile(pool, 'direct-eval.js', 'run', ['1 + 1']), 'compile', /refused the candidate's code: Possible direct eval expression rejected at direct-eval\.js:3/);
    await assertStillServes(pool);
  });

  test("this.constructor.constructor('return process')() throws", async () => {
    assertFailure(await callHostile(pool, 'escape-this-constructor.cjs'), 'error', /not a valid constructor/);
    await assertStillServes(pool);
  });
});

describe('shared state', () => {
  test('built-in prototypes cannot be polluted and a later candidate in the same worker sees clean built-ins', async () => {
    const polluted = await callHostile(pool, 'pollute-prototypes.js');
    assertValue(polluted, {
      objectPrototype: 'threw',
      arrayPush: 'threw',
      stringTrim: 'threw',
      jsonParse: 'threw',
      mathMax: 'threw',
      objectKeys: 'threw',
      protoSwap: 'threw',
      ownGlobal: 'changed',
    });
    assertValue(await callHostile(pool, 'check-prototypes.js'), {
      polluted: 'clean',
      push: 1,
      trim: 'a',
      json: 2,
      max: 3,
      keys: ['a'],
      arrayProto: true,
      leaked: 'undefined',
    });
  });

  test('a promise chain left spinning does not get the next candidate blamed', async () => {
    const outcome = await callHostile(pool, 'leave-microtask-loop.js', 'run', [], { timeoutMs: 1500 });
    // Whether its own result got out before the loop starved the worker is a race; both are fine.
    if (!outcome.ok) assert.equal(outcome.kind, 'timeout');
    // The pool's own limit: a replacement worker may have to start first on a busy machine.
    const next = await callHostile(pool, 'good.js', 'add', [2, 2]);
    assertValue(next, 4);
  });

  test('an unhandled rejection left behind does not kill the worker', async () => {
    assertValue(await callHostile(pool, 'unhandled-rejection.js'), 'still fine');
    await assertStillServes(pool);
  });
});

describe('thrown values', () => {
  test('a thrown string is reported as such', async () => {
    assertFailure(await callHostile(pool, 'throw-string.js'), 'error', /thrown string: "boom"/);
  });

  test('a thrown null is reported as such', async () => {
    assertFailure(await callHostile(pool, 'throw-null.js'), 'error', /^thrown null/);
  });

  test('an object whose toString, message and name getters throw is described without running them unguarded', async () => {
    const outcome = await callHostile(pool, 'throw-evil-object.js', 'run', ['object']);
    assertFailure(outcome, 'error', /thrown object/);
    if (!outcome.ok) assert.doesNotMatch(outcome.message, /sprung/);
    await assertStillServes(pool);
  });

  test('a proxy whose every trap throws is described', async () => {
    assertFailure(await callHostile(pool, 'throw-evil-object.js', 'run', ['proxy']), 'error', /thrown object/);
    await assertStillServes(pool);
  });
});

describe('results', () => {
  test('a cyclic result is a result failure naming the path', async () => {
    assertFailure(await callHostile(pool, 'cyclic-result.js'), 'result', /result\.children\[0\]\.parent refers back to one of its own ancestors/);
    await assertStillServes(pool);
  });

  test('a result over the size cap is a result failure', async () => {
    const outcome = await callHostile(pool, 'huge-result.js', 'run', [200_000], { maxResultBytes: 1024 * 1024 });
    assertFailure(outcome, 'result', /too large: its JSON is over the 1 MiB limit/);
    await assertStillServes(pool);
  });

  test('BigInt, functions, NaN and Maps are result failures', async () => {
    assertFailure(await callHostile(pool, 'non-json-results.js', 'bigint'), 'result', /result\.total is a BigInt/);
    assertFailure(await callHostile(pool, 'non-json-results.js', 'fn'), 'result', /result\.callback is a function/);
    assertFailure(await callHostile(pool, 'non-json-results.js', 'nan'), 'result', /result\.score is NaN/);
    assertFailure(await callHostile(pool, 'non-json-results.js', 'map'), 'result', /result is a Map/);
  });
});

// Determinism: the score of a candidate must be a function of its code and the workload.
// A clock or unseeded randomness would make two evaluations of the same code disagree, so the
// population and the journal could not be trusted or replayed. Harnesses that need randomness
// endow a seeded source (the call harness: endowments.randomSeed).
describe('determinism', () => {
  test('Date.now, new Date() and Math.random are unavailable unless endowed', async () => {
    assertFailure(await callHostile(pool, 'clock-and-random.js', 'now'), 'error', /Date\.now\(\) is not available in the sandbox.*same score/);
    assertFailure(await callHostile(pool, 'clock-and-random.js', 'newDate'), 'error', /new Date\(\) without arguments is not available/);
    assertFailure(await callHostile(pool, 'clock-and-random.js', 'random'), 'error', /Math\.random\(\) is not available in the sandbox/);
    assertValue(await callHostile(pool, 'clock-and-random.js', 'fixedDate'), '1970-01-01T00:00:00.000Z');
  });

  test('a seeded Math.random endowment gives the same sequence for the same seed', async () => {
    const run = (seed: number) =>
      pool.run({
        harness: 'call',
        candidateCode: hostileSource('clock-and-random.js'),
        candidateFileName: 'clock-and-random.js',
        input: { export: 'randoms', args: [4], endowments: { randomSeed: seed } },
      });
    const first = await run(7);
    const again = await run(7);
    const other = await run(8);
    assert.ok(first.ok && again.ok && other.ok, JSON.stringify([first, again, other]));
    if (!first.ok || !again.ok || !other.ok) return;
    const values = first.value as number[];
    assert.equal(values.length, 4);
    for (const v of values) assert.ok(v >= 0 && v < 1);
    assert.deepEqual(again.value, first.value);
    assert.notDeepEqual(other.value, first.value);
  });
});

describe('compilation', () => {
  test('a TypeScript candidate with types compiles and runs', async () => {
    const tasks = [
      { id: 1, cost: 5, priority: 0 },
      { id: 2, cost: 3, priority: 1 },
      { id: 3, cost: 1, priority: 0 },
    ];
    assertValue(await callHostile(pool, 'typed-policy.ts', 'schedule', [tasks]), [2, 3, 1]);
    assertValue(await callHostile(pool, 'typed-policy.ts', 'describe', [[1]]), 'object');
  });

  test('an error in a TypeScript candidate points at its own source line', async () => {
    const source = hostileSource('typed-policy.ts');
    const line = source.split('\n').findIndex((l) => l.includes('throw new RangeError')) + 1;
    const outcome = await callHostile(pool, 'typed-policy.ts', 'fail', ['overloaded']);
    assertFailure(outcome, 'error', /RangeError: policy failed: overloaded/);
    if (!outcome.ok) assert.match(outcome.message, new RegExp(`at fail \\(typed-policy\\.ts:${line}:\\d+\\)`));
  });

  test('a syntax error reports file:line:column', async () => {
    const source = hostileSource('syntax-error.js');
    const lines = source.split('\n');
    const line = lines.findIndex((l) => l.includes('+*')) + 1;
    const column = (lines[line - 1] as string).indexOf('*') + 1;
    assertFailure(await callHostile(pool, 'syntax-error.js', 'pick', [[1]]), 'compile', new RegExp(`syntax-error\\.js:${line}:${column}: Expression expected`));
    await assertStillServes(pool);
  });
});
