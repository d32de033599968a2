"""Writes numpy's default_rng draws for a few seeds (numpy_random_draws.json beside this file).

The `noisy` estimator's random factor comes from numpy.random.default_rng(random_seed).lognormal;
src/evaluators/faas/model/numpy-random.ts reproduces that generator, and its test compares with
these draws. Run with any numpy >= 1.17: python3 numpy_random_draws.py
"""
import json
import os

import numpy as np

SEEDS = [0, 1, 42, 2**32 + 5, 2**70 + 3]
out = {"numpy": np.__version__, "cases": []}
for seed in SEEDS:
    raw = np.random.PCG64(seed).random_raw(8)
    normals = np.random.default_rng(seed).standard_normal(2000)
    lognormals = np.random.default_rng(seed).lognormal(mean=0.0, sigma=0.7, size=200)
    out["cases"].append({
        "seed": str(seed),
        "raw": [str(int(v)) for v in raw],
        "doubles": [float(v) for v in np.random.default_rng(seed).random(8)],
        "normals": [float(v) for v in normals],
        "lognormals_sigma_0_7": [float(v) for v in lognormals],
    })
# One long stream, stored sparsely: every draw beyond |z| = 3 (the tail beyond the last layer
# starts at 3.654, and the outer layers' wedges lie close by) and every 100th draw, which shows the
# generator stays in step between them. Fresh streams are compared live when numpy is present.
LONG_SEED = 20261207
LONG_COUNT = 200000
long_normals = np.random.default_rng(LONG_SEED).standard_normal(LONG_COUNT)
picked = [i for i in range(LONG_COUNT) if abs(long_normals[i]) > 3 or i % 100 == 99]
out["long"] = {
    "seed": str(LONG_SEED),
    "count": LONG_COUNT,
    "indices": picked,
    "normals": [float(long_normals[i]) for i in picked],
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy_random_draws.json"), "w") as f:
    json.dump(out, f)
    f.write("\n")
