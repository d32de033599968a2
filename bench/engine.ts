// Engine overhead: candidates per second through the whole pipeline (sampling, generation,
// patching, block checks, dedup hashing, journal, population) with a trivial evaluator; journal
// cost per candidate; and the time to resume a 10,000-candidate run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEvaluationPool } from '../src/core/local-pool';
import { RunStore } from '../src/core/journal';
import { DEFAULTS, loadRun, startRun } from '../src/core/run-session';
import type { RunConfig } from '../src/core/journal-events';
import { TOY_FILE, toyEvaluator, toyGenerator } from '../test/helpers/toy-domain';

const CANDIDATES = 10_000;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pe-bench-engine-'));
  try {
    const evaluator = toyEvaluator({ workloads: [{ id: 's1', split: 'search' }] });
    const config: RunConfig = {
      file: join(dir, 'toy.ts'),
      fileName: 'toy.ts',
      evaluator: { id: 'toy', options: {} },
      generator: { id: 'toy', options: {} },
      ...DEFAULTS,
      evaluationConcurrency: 8,
      generationConcurrency: 8,
      budget: { maxCandidates: CANDIDATES },
    };
    // A generator whose every candidate is new, so nothing is served from the cache.
    let counter = 0;
    const unique = toyGenerator();
    const generator = {
      id: 'unique',
      async generate(request: Parameters<typeof unique.generate>[0]) {
        counter++;
        return { patch: { kind: 'block' as const, index: 0, code: `x = ${(counter * 0.001).toFixed(3)};` }, source: 'unique', explanation: String(request.index) };
      },
    };
    const t0 = performance.now();
    const active = await startRun(
      { runsDir: dir, code: TOY_FILE, config },
      { evaluator: evaluator.info, workloads: await evaluator.workloads(), pool: new LocalEvaluationPool(evaluator, 8), makeGenerator: async () => generator },
      new AbortController().signal,
    );
    const summary = await active.done;
    const seconds = (performance.now() - t0) / 1000;
    console.log(`engine: ${summary.candidates} candidates (${summary.duplicates} cache hits) in ${seconds.toFixed(2)} s = ${(summary.candidates / seconds).toFixed(0)} candidates/s through the whole pipeline (goal >= 2000/s)`);

    // Journal cost: one proposed + one evaluated event and one source file per candidate.
    const store = RunStore.create(dir, 'journal-bench', config);
    const n = 5000;
    const t1 = performance.now();
    for (let i = 0; i < n; i++) {
      const hash = store.putSource(`x = ${i};\n`);
      store.append({ type: 'proposed', index: i, id: `c${i}`, island: 0, parentIds: ['c0'], sourceHash: hash, codeHash: hash, generator: 'bench', patchKind: 'block', time: new Date().toISOString() });
      store.append({ type: 'evaluated', id: `c${i}`, index: i, result: { ok: true, score: i, metrics: { x: i }, features: { codeLength: 8 }, perWorkload: [{ workloadId: 's1', ok: true, score: i }], feedback: '' }, admitted: true, improvement: false, time: new Date().toISOString() });
    }
    store.close();
    console.log(`journal: ${(((performance.now() - t1) * 1000) / n).toFixed(1)} µs per candidate (2 events + 1 source file)`);

    const resumeTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t2 = performance.now();
      const loaded = loadRun(active.store.dir);
      loaded.store.close();
      resumeTimes.push(performance.now() - t2);
      if (loaded.state.evaluated !== summary.candidates + 1) throw new Error('replay lost candidates');
    }
    resumeTimes.sort((a, b) => a - b);
    console.log(`resume: replaying a ${summary.candidates}-candidate journal takes ${resumeTimes[1]?.toFixed(0)} ms (median of 3; goal < 1000 ms)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
