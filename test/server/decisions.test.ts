// The reasons a cluster policy gives for its decisions travel from the evaluator through the
// journal to the server's candidate source (what the review panel's detail shows), bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunManager } from '../../src/server/runs';
import { parseSettings, runConfigFor } from '../../src/server/settings';
import { summarize } from '../../src/core/engine';
import type { RunStatus } from '../../src/messages/lsp';

test('a cluster run keeps each candidate\'s reasons on its first scenario, and the server hands them out', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pe-decisions-'));
  try {
    mkdirSync(join(root, 'cluster'));
    for (const f of ['first-fit.ts', 'policy-api.d.ts']) copyFileSync(join(__dirname, '..', '..', 'examples', 'cluster', f), join(root, 'cluster', f));
    const file = join(root, 'cluster', 'first-fit.ts');
    const code = readFileSync(file, 'utf8');
    let ended!: () => void;
    const done = new Promise<void>((r) => (ended = r));
    const runs = new RunManager(() => [root], {
      event: () => undefined,
      status: (_id: string, status: RunStatus) => {
        if (status !== 'running') ended();
      },
      log: () => undefined,
    });
    const settings = parseSettings({ generator: 'mutate', concurrency: 1, files: [{ pattern: '**/*.ts', evaluator: 'cluster', options: { levels: ['easy'] } }] });
    const { runId } = await runs.start(root, code, runConfigFor(file, code, settings, root, { maxCandidates: 1 }));
    await done;
    const snap = runs.snapshot(runId);
    assert.equal(snap.status, 'ended', snap.failure?.message);
    const source = runs.candidateSource(runId, 'c0');
    assert.equal(source.decisions?.workload, 'easy-01');
    const notes = source.decisions?.notes ?? [];
    assert.ok(notes.length > 0 && notes.length <= 40, `${notes.length} notes`);
    assert.match(notes[0]?.reason ?? '', /^served 1 of \d+ waiting .* nodes with room$/);
    assert.ok(notes.every((n) => typeof n.subject === 'string' && typeof n.choice === 'string' && Number.isFinite(n.time)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('what the journal keeps of the reasons is bounded', () => {
  const long = 'x'.repeat(5000);
  const notes = Array.from({ length: 80 }, (_, i) => ({ subject: `t${i}`, choice: 'n1', time: i, reason: long }));
  const kept = summarize({ ok: true, score: 1, metrics: {}, features: {}, perWorkload: [], feedback: '', decisions: { workload: 'w', notes } });
  assert.equal(kept.decisions?.notes.length, 50);
  assert.ok((kept.decisions?.notes[0]?.reason.length ?? 0) < 700);
  assert.equal(summarize({ ok: true, score: 1, metrics: {}, features: {}, perWorkload: [], feedback: '', decisions: { workload: 'w', notes: [] } }).decisions, undefined);
});
