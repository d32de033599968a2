// Eudoxia's `noisy` estimator draws from numpy.random.default_rng(random_seed); these draws were
// written by numpy itself (eudoxia/numpy_random_draws.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NumpyGenerator, Pcg64 } from '../../../src/evaluators/faas/model/numpy-random';

interface DrawCase {
  seed: string;
  raw: string[];
  doubles: number[];
  normals: number[];
  lognormals_sigma_0_7: number[];
}

const draws = JSON.parse(readFileSync(join(__dirname, 'eudoxia', 'numpy_random_draws.json'), 'utf8')) as { cases: DrawCase[] };

test('PCG64 seeded through SeedSequence gives numpy\'s integers and doubles bit for bit (seeds of one, two and three words)', () => {
  for (const c of draws.cases) {
    const bits = new Pcg64(BigInt(c.seed));
    assert.deepEqual(c.raw.map(() => bits.nextUint64().toString()), c.raw, `seed ${c.seed}`);
    const doubles = new Pcg64(BigInt(c.seed));
    assert.deepEqual(c.doubles.map(() => doubles.nextDouble()), c.doubles, `seed ${c.seed}`);
  }
});

test('normals and lognormals follow numpy\'s draws one for one, to the last bits', () => {
  for (const c of draws.cases) {
    const g = new NumpyGenerator(BigInt(c.seed));
    // Same sign, same value to 1e-14: a draw that took another ziggurat path (layer, tail,
    // rejection) would be a different number altogether and desynchronise every later draw.
    c.normals.forEach((want, i) => {
      const got = g.standardNormal();
      assert.ok(Math.abs(got - want) <= 1e-14 * Math.max(1, Math.abs(want)), `seed ${c.seed} draw ${i}: ${got} vs numpy ${want}`);
    });
    const l = new NumpyGenerator(BigInt(c.seed));
    c.lognormals_sigma_0_7.forEach((want, i) => {
      const got = l.lognormal(0, 0.7);
      assert.ok(Math.abs(got / want - 1) <= 1e-14, `seed ${c.seed} lognormal ${i}: ${got} vs numpy ${want}`);
    });
  }
});

test('the tail beyond the last layer is reached and matches numpy', () => {
  // 10000 draws from seed 42 include |z| > 3.654 (the tail) about 2-3 times; the stored ones do too.
  const tail = draws.cases.flatMap((c) => c.normals).filter((z) => Math.abs(z) > 3.6541528853610088);
  assert.ok(tail.length >= 1, 'the stored draws exercise the tail');
});

test('a negative seed is refused as numpy refuses it', () => {
  assert.throws(() => new Pcg64(-1), /0 or more/);
});
