// Per-document state the server keeps between requests: resolved run config, last evaluation,
// and the diagnostics it implies.
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { EvalSummary } from '../core/journal-events';
import type { Analysis } from './analysis';
import { errorLocation } from '../app/evaluate-once';

export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Carried by a violation diagnostic so the "Show Counterexample" quick fix needs no second evaluation. */
export interface ViolationData {
  name: string;
  scope: string;
  evidence?: string;
}

const range = (startLine: number, startCol: number, endLine: number, endCol: number): Diagnostic['range'] => ({ start: { line: startLine, character: startCol }, end: { line: endLine, character: endCol } });

/** Syntax errors, broken markers and the current content's evaluation error, each at its range. */
export function diagnosticsFor(analysis: Analysis, evaluation: EvalSummary | undefined, fileName: string, lineCount: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of analysis.syntax) {
    out.push({ range: range(p.range.startLine, p.range.startCol, p.range.endLine, p.range.endCol), message: p.message, severity: DiagnosticSeverity.Error, source: 'policy-evolver' });
  }
  if (analysis.blockError) {
    const line = Math.max(0, analysis.blockError.line - 1);
    out.push({ range: range(line, 0, line, 1000), message: analysis.blockError.message, severity: DiagnosticSeverity.Error, source: 'policy-evolver' });
  }
  const violated = (evaluation?.checks ?? []).filter((c) => c.status === 'violated');
  const fallbackLine = analysis.regions[0]?.range.startLine ?? 0;
  for (const c of violated) {
    const line = Math.min(Math.max(0, (c.line ?? fallbackLine + 1) - 1), Math.max(0, lineCount - 1));
    const what = c.kind === 'guardrail' ? `guardrail broken: ${c.name} on ${c.scope}` : `${c.name} VIOLATED at ${c.scope}`;
    const data: ViolationData = { name: c.name, scope: c.scope, ...(c.evidence ? { evidence: c.evidence.slice(0, 20_000) } : {}) };
    out.push({
      range: range(line, 0, line, 1000),
      message: `${what}${c.detail ? `: ${c.detail}` : ''}${c.evidence ? ' (Show Counterexample in the quick fixes)' : ''}`.slice(0, 2000),
      severity: c.kind === 'guardrail' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
      source: 'policy-evolver',
      code: c.kind === 'guardrail' ? 'guardrail' : 'violation',
      data,
    });
  }
  // The evaluator's own located problems, minus the violations already shown from its verdicts.
  const shown = violated.map((c) => c.detail).filter((d): d is string => !!d);
  for (const d of (evaluation?.diagnostics ?? []).filter((x) => !shown.some((s) => x.message.startsWith(s)))) {
    const line = Math.min(Math.max(0, d.line - 1), Math.max(0, lineCount - 1));
    const severity = d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
    out.push({ range: range(line, Math.max(0, (d.column ?? 1) - 1), line, 1000), message: d.message.slice(0, 4000), severity, source: 'policy-evolver' });
  }
  if (evaluation && !evaluation.ok) {
    const message = evaluation.error ?? 'evaluation failed';
    const detail = [message, evaluation.feedback && evaluation.feedback !== message ? evaluation.feedback : ''].filter(Boolean).join('\n');
    const at = errorLocation(`${message}\n${evaluation.feedback}`, fileName);
    const fallback = analysis.regions[0]?.range;
    const line = Math.min(at?.line ?? fallback?.startLine ?? 0, Math.max(0, lineCount - 1));
    out.push({ range: range(line, at?.col ?? 0, line, 1000), message: `evaluation: ${detail.slice(0, 2000)}`, severity: at ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, source: 'policy-evolver' });
  }
  return out;
}
