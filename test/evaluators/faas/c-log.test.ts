// The `log` scaling curve must use numpy's logarithm (Eudoxia's), not V8's Math.log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cLog } from '../../../src/evaluators/faas/model/c-log';
import { cpuSeconds } from '../../../src/evaluators/faas/model/physics';

test("numpy's values where V8's Math.log is one ulp off", () => {
  const numpy: [number, number][] = [
    [3, 1.0986122886681098],
    [48, 3.871201010907891],
    [74, 4.30406509320417],
    [185, 5.220355825078324],
    [19143, 9.859692392536456],
  ];
  for (const [n, expected] of numpy) assert.equal(cLog(n), expected, `log(${n})`);
  assert.notEqual(Math.log(3), 1.0986122886681098, 'V8 differs here, which is why cLog exists');
  assert.equal(cLog(1), 0);
  assert.equal(cLog(Math.E), 1);
});

test("the log curve divides by numpy's ln(c) + 1", () => {
  for (const [c, ln] of [
    [3, 1.0986122886681098],
    [185, 5.220355825078324],
  ] as const) {
    for (const baseline of [1, 7.3, 45.5]) assert.equal(cpuSeconds('log', c, baseline), baseline / (ln + 1));
  }
});

test('cLog agrees with numpy on integers and on arbitrary doubles (when python3 with numpy is here)', (t) => {
  const script = 'import numpy as np, json, random\nrandom.seed(11)\nxs=list(range(1,6001))+[random.uniform(0.001,100000) for _ in range(3000)]\nprint(json.dumps([[x, repr(float(np.log(x)))] for x in xs]))';
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    t.skip('python3 with numpy is not available');
    return;
  }
  const pairs = JSON.parse(r.stdout) as [number, string][];
  const wrong = pairs.filter(([x, s]) => cLog(x) !== Number(s)).map(([x]) => x);
  assert.ok(wrong.length <= 2, `cLog differs from numpy at ${wrong.slice(0, 10).join(', ')}`);
  assert.ok(pairs.filter(([x, s]) => Math.log(x) !== Number(s)).length > 50, 'the check can tell V8 from numpy');
});
