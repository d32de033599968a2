// The server's run control on the real engine: the bin-packing example, the `mutate` generator,
// a budget of 3 candidates, in a temporary workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunManager } from '../../src/server/runs';
import { parseSettings, runConfigFor } from '../../src/server/settings';
import { planAccept } from '../../src/app/accept-plan';
import { contentHash } from '../../src/server/analysis';
import type { RunStatus } from '../../src/messages/lsp';

test('start, snapshot, decide with a note, list, and resume a run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pe-runs-'));
  try {
    cpSync(join(__dirname, '..', '..', 'examples', 'bin-packing'), join(root, 'bp'), { recursive: true });
    const file = join(root, 'bp', 'heuristic.js');
    const code = readFileSync(file, 'utf8');
    const statuses: RunStatus[] = [];
    let ended!: () => void;
    const done = new Promise<void>((r) => (ended = r));
    const runs = new RunManager(() => [root], {
      event: () => undefined,
      status: (_id, status) => {
        statuses.push(status);
        if (status !== 'running') ended();
      },
      log: () => undefined,
    });
    const config = runConfigFor(file, code, parseSettings({ generator: 'mutate', concurrency: 1 }), root, { maxCandidates: 3 });
    const { runId, dir } = await runs.start(root, code, config);
    assert.ok(dir.startsWith(join(root, '.policy-evolver', 'runs')));
    assert.equal(runs.isLive(runId), true);
    await done;
    assert.deepEqual(statuses, ['running', 'ended']);
    const snap = runs.snapshot(runId);
    assert.equal(snap.status, 'ended');
    assert.equal(snap.candidates.length, 4);
    assert.ok(snap.initialScore !== null);
    const candidate = snap.candidates.find((c) => c.index > 0) as (typeof snap.candidates)[number];
    const source = runs.candidateSource(runId, candidate.id);
    assert.equal(source.base, code);
    assert.notEqual(planAccept(source.base, source.code, code).kind, 'refused');
    runs.decide(runId, candidate.id, 'rejected', '  prefers fuller bins  ');
    const after = runs.snapshot(runId);
    assert.equal(after.candidates.find((c) => c.id === candidate.id)?.decision, 'rejected');
    assert.deepEqual(after.notes, ['prefers fuller bins']);
    // The starting program's exact content is known to the journal: CodeLens needs no evaluation.
    assert.equal(runs.scoreOf(file, contentHash(code))?.candidateId, 'c0');
    assert.deepEqual(runs.list(file).map((r) => r.runId), [runId]);
    assert.throws(() => runs.decide(runId, 'c999', 'accepted'), /no candidate c999/);
    const resumed = new Promise<void>((r) => (ended = r));
    await runs.resume(runId, { maxCandidates: 5 });
    await resumed;
    const final = runs.snapshot(runId);
    assert.equal(final.candidates.length, 6);
    assert.deepEqual(final.notes, ['prefers fuller bins']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
