import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDecision, initialState, moveSelection, persisted, reduce, select, setDraft, visibleCandidates } from '../../webview-ui/src/state';
import type { CandidateSummary, RunSnapshot } from '../../src/messages/lsp';

function cand(id: string, index: number, score: number | null, extra: Partial<CandidateSummary> = {}): CandidateSummary {
  return { id, index, island: index % 2, parentIds: ['c0'], generator: 'mutate', ok: score !== null, score, metrics: {}, deltas: {}, baselineScore: 1, workloadsScored: 1, workloads: [], checks: [], concerns: [], improvement: false, admitted: true, sourceHash: 'h' + id, pending: false, ...extra };
}

function snap(runId: string, candidates: CandidateSummary[]): RunSnapshot {
  return { runId, dir: '/r', file: '/w/p.js', fileName: 'p.js', evaluator: 'command', generator: 'mutate', domain: 'generic', status: 'running', startedAt: '2026-01-01T00:00:00Z', seed: 7, lowerIsBetter: [], rejected: [], searchWorkloads: 1, proposed: candidates.length, evaluated: candidates.length, failed: 0, duplicates: 0, spendUsd: 0, bestId: 'c2', bestScore: 3, initialScore: 1, islands: 2, candidates, history: [], bestHistory: [], notes: [] };
}

const list = [cand('c0', 0, 1), cand('c2', 2, 3), cand('c1', 1, 2), cand('c3', 3, null, { error: 'boom' })];

test('a first snapshot selects the best candidate, never the starting program', () => {
  const s = reduce(initialState(), { type: 'snapshot', snapshot: snap('r1', list), runs: [], trusted: true });
  assert.equal(s.selectedId, 'c2');
  assert.deepEqual(visibleCandidates(s).map((c) => c.id), ['c2', 'c1', 'c3']);
});

test('a new snapshot of the same run keeps the selection and its detail', () => {
  let s = reduce(initialState(), { type: 'snapshot', snapshot: snap('r1', list), runs: [], trusted: true });
  s = select(s, 'c1');
  s = reduce(s, { type: 'detail', detail: { runId: 'r1', candidateId: 'c1', hunks: [], fileChanged: false } });
  s = reduce(s, { type: 'snapshot', snapshot: snap('r1', [...list, cand('c4', 4, 5)]), runs: [], trusted: true });
  assert.equal(s.selectedId, 'c1');
  assert.ok(s.detail);
});

test('switching runs resets selection and detail', () => {
  let s = reduce(initialState(), { type: 'snapshot', snapshot: snap('r1', list), runs: [], trusted: true });
  s = reduce(s, { type: 'detail', detail: { runId: 'r1', candidateId: 'c2', hunks: [], fileChanged: false } });
  s = reduce(s, { type: 'snapshot', snapshot: snap('r2', [cand('c0', 0, 1), cand('c1', 1, 9)]), runs: [], trusted: true });
  assert.equal(s.selectedId, 'c1');
  assert.equal(s.detail, undefined);
});

test('a detail for a candidate no longer selected is ignored', () => {
  let s = reduce(initialState(), { type: 'snapshot', snapshot: snap('r1', list), runs: [], trusted: true });
  s = select(s, 'c1');
  s = reduce(s, { type: 'detail', detail: { runId: 'r1', candidateId: 'c2', hunks: [], fileChanged: false } });
  assert.equal(s.detail, undefined);
});

test('keyboard navigation moves through the ranked list and stops at the ends', () => {
  let s = reduce(initialState(), { type: 'snapshot', snapshot: snap('r1', list), runs: [], trusted: true });
  assert.equal(moveSelection(s, 'ArrowDown'), 'c1');
  assert.equal(moveSelection(s, 'ArrowUp'), 'c2');
  assert.equal(moveSelection(s, 'End'), 'c3');
  s = select(s, 'c3');
  assert.equal(moveSelection(s, 'ArrowDown'), 'c3');
  assert.equal(moveSelection(s, 'Home'), 'c2');
});

test('busy flags, notices and drafts; persisted state restores selection and drafts', () => {
  let s = reduce(initialState(), { type: 'snapshot', snapshot: snap('r1', list), runs: [], trusted: false });
  s = reduce(s, { type: 'busy', candidateId: 'c2', busy: true });
  assert.deepEqual(s.busy, ['c2']);
  s = reduce(s, { type: 'busy', candidateId: 'c2', busy: false });
  assert.deepEqual(s.busy, []);
  s = reduce(s, { type: 'notice', level: 'error', message: 'nope' });
  assert.equal(s.notice?.message, 'nope');
  s = setDraft(s, 'c2', 'too slow');
  const saved = persisted(s);
  assert.deepEqual(saved, { runId: 'r1', selectedId: 'c2', drafts: { c2: 'too slow' } });
  const restored = initialState(saved);
  assert.equal(restored.selectedId, 'c2');
  assert.equal(restored.drafts.c2, 'too slow');
  assert.deepEqual(setDraft(restored, 'c2', '').drafts, {});
});

test('until the person picks one, the selection follows the run’s best as results arrive', () => {
  let s = reduce(initialState(), { type: 'snapshot', snapshot: { ...snap('r1', [cand('c0', 0, 1), cand('c1', 1, 2)]), bestId: 'c1' }, runs: [], trusted: true });
  assert.equal(s.selectedId, 'c1');
  s = reduce(s, { type: 'snapshot', snapshot: { ...snap('r1', [cand('c0', 0, 1), cand('c2', 2, 5), cand('c1', 1, 2)]), bestId: 'c2' }, runs: [], trusted: true });
  assert.equal(s.selectedId, 'c2', 'an automatic selection moves to the new best');
  s = select(s, 'c1');
  s = reduce(s, { type: 'snapshot', snapshot: { ...snap('r1', [cand('c0', 0, 1), cand('c3', 3, 9), cand('c2', 2, 5), cand('c1', 1, 2)]), bestId: 'c3' }, runs: [], trusted: true });
  assert.equal(s.selectedId, 'c1', 'a chosen candidate stays selected');
});

test('the chosen decision survives a refresh of the same candidate and starts over for another', () => {
  const decisions = { workload: 'easy-01', notes: [{ subject: 't1', choice: 'n1', time: 0, reason: 'a' }, { subject: 't2', choice: 'n2', time: 1, reason: 'b' }] };
  let s = reduce(initialState(), { type: 'snapshot', snapshot: snap('r1', list), runs: [], trusted: true });
  s = reduce(s, { type: 'detail', detail: { runId: 'r1', candidateId: 'c2', hunks: [], fileChanged: false, decisions } });
  s = chooseDecision(s, 't2');
  s = reduce(s, { type: 'detail', detail: { runId: 'r1', candidateId: 'c2', hunks: [], fileChanged: false, decisions } });
  assert.equal(s.decisionSubject, 't2');
  s = select(s, 'c1');
  s = reduce(s, { type: 'detail', detail: { runId: 'r1', candidateId: 'c1', hunks: [], fileChanged: false, decisions } });
  assert.equal(s.decisionSubject, undefined);
});
