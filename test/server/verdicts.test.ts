// Verdicts on the code: the CodeLens reads VIOLATED / GUARDRAIL BROKEN / UNKNOWN (why) / VERIFIED
// (settings covered) before any score and says what scores are relative to; a violated property
// is one error diagnostic carrying its counterexample for the "Show Counterexample" quick fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreTitle, verdictTitle } from '../../src/server/lenses';
import { diagnosticsFor, type ViolationData } from '../../src/server/documents';
import type { EvalCheck } from '../../src/core/types';

const verified: EvalCheck = { kind: 'safety', name: 'all properties', status: 'verified', scope: 'none:3, none:4, crash:3' };
const violated: EvalCheck = { kind: 'safety', name: 'RB-Agreement', status: 'violated', scope: 'byz-sender:4', detail: 'byz-sender:4: VIOLATED RB-Agreement — a correct process never delivers', evidence: 'p1 delivers 0\np2 never delivers', line: 16 };
const unknown: EvalCheck = { kind: 'safety', name: 'all properties', status: 'unknown', scope: 'byz:7', detail: 'state budget of 2000000 reached' };
const starved: EvalCheck = { kind: 'guardrail', name: 'completion rate INTERACTIVE', status: 'violated', scope: 'trace-b' };

const summary = (checks: EvalCheck[]) => ({ ok: true, score: 0.8468, metrics: { messagesWorst: 20 }, features: {}, perWorkload: [], feedback: '', checks });

test('the verdict comes before the score', () => {
  assert.equal(verdictTitle([verified, violated]), '$(error) VIOLATED RB-Agreement at byz-sender:4');
  assert.match(verdictTitle([verified, unknown]) ?? '', /^\$\(question\) UNKNOWN at byz:7: state budget/);
  assert.equal(verdictTitle([verified]), '$(pass) VERIFIED (none:3, none:4, crash:3)');
  assert.match(verdictTitle([verified, starved]) ?? '', /GUARDRAIL BROKEN: completion rate INTERACTIVE on trace-b/);
  assert.equal(verdictTitle(undefined), undefined);
  const title = scoreTitle({ kind: 'scored', result: summary([verified, violated]), keyMetric: 'messagesWorst', source: 'cache' });
  assert.match(title, /^\$\(error\) VIOLATED RB-Agreement at byz-sender:4 · Score 0\.8468/);
  assert.match(scoreTitle({ kind: 'scored', result: { ...summary([]), score: 0 }, relativeTo: "Eudoxia's priority policy", source: 'cache' }), /Score 0 \(0 = Eudoxia's priority policy\)/);
});

test('a violated property is an error diagnostic at its line, carrying the counterexample', () => {
  const analysis = { syntax: [], regions: [{ range: { startLine: 11 } }] } as unknown as Parameters<typeof diagnosticsFor>[0];
  // The evaluator's own located diagnostic for the same violation is not shown twice.
  const evaluation = { ...summary([verified, violated, starved]), diagnostics: [{ line: 16, severity: 'error' as const, message: `${violated.detail}\n${violated.evidence}` }] };
  const diagnostics = diagnosticsFor(analysis, evaluation, 'figure3.rbp', 30);
  assert.equal(diagnostics.length, 2);
  const [property, guardrail] = diagnostics;
  assert.equal(property?.code, 'violation');
  assert.equal(property?.severity, 1);
  assert.equal(property?.range.start.line, 15);
  assert.match(property?.message ?? '', /^RB-Agreement VIOLATED at byz-sender:4/);
  assert.equal((property?.data as ViolationData).evidence, violated.evidence);
  assert.equal(guardrail?.code, 'guardrail');
  assert.match(guardrail?.message ?? '', /guardrail broken: completion rate INTERACTIVE on trace-b/);
});
