// CodeLens titles for one document: the score and key metric against the baseline, then
// "Evolve" and "History". Pure, so the latency benchmark and the tests call it directly.
import type { CodeLens } from 'vscode-languageserver';
import type { EvalSummary } from '../core/journal-events';
import type { EvalCheck } from '../core/types';
import { LENS_COMMANDS } from '../messages/lsp';
import type { Analysis } from './analysis';

export type ScoreState =
  | { kind: 'scored'; result: EvalSummary; keyMetric?: string; relativeTo?: string; baseline?: EvalSummary; source: string }
  | { kind: 'evaluating' }
  | { kind: 'unscored'; reason?: string }
  | { kind: 'restricted' }
  | { kind: 'running'; runId: string; best: number | null };

export function formatScore(n: number): string {
  const abs = Math.abs(n);
  return abs !== 0 && (abs >= 1e5 || abs < 1e-3) ? n.toExponential(3) : Number(n.toFixed(4)).toString();
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : '−'}${formatScore(Math.abs(n))}`;
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The verdict a person must read before any score: a violated property or broken guardrail, else an
 * inconclusive check (with why), else what was verified (with the settings covered).
 */
export function verdictTitle(checks: readonly EvalCheck[] | undefined): string | undefined {
  if (!checks?.length) return undefined;
  const violated = checks.filter((c) => c.status === 'violated');
  const property = violated.find((c) => c.kind !== 'guardrail');
  if (property) return `$(error) VIOLATED ${property.name} at ${property.scope}${violated.length > 1 ? ` (+${violated.length - 1} more)` : ''}`;
  const guardrail = violated[0];
  if (guardrail) return `$(error) GUARDRAIL BROKEN: ${guardrail.name} on ${guardrail.scope}${violated.length > 1 ? ` (+${violated.length - 1} more)` : ''}`;
  const unknown = checks.find((c) => c.status === 'unknown');
  if (unknown) return `$(question) UNKNOWN at ${unknown.scope}: ${clip(unknown.detail ?? 'inconclusive', 60)}`;
  const scopes = checks.filter((c) => c.status === 'verified').map((c) => c.scope);
  return `$(pass) VERIFIED (${clip(scopes.join(', '), 60)})`;
}

export function scoreTitle(state: ScoreState): string {
  switch (state.kind) {
    case 'evaluating':
      return '$(sync~spin) Evaluating…';
    case 'restricted':
      return '$(shield) Restricted mode: evaluation disabled';
    case 'unscored':
      return state.reason ? `Not scored: ${state.reason}` : 'Not scored: Evaluate';
    case 'running':
      return `$(pulse) Evolving: best ${state.best === null ? '–' : formatScore(state.best)}`;
    case 'scored': {
      const r = state.result;
      if (!r.ok || r.score === null) return `$(error) Evaluation failed: ${(r.error ?? 'no score').split('\n')[0]?.slice(0, 80)}`;
      const verdict = verdictTitle(r.checks);
      let title = `${verdict ? `${verdict} · ` : ''}Score ${formatScore(r.score)}${state.relativeTo ? ` (0 = ${state.relativeTo})` : ''}`;
      const base = state.baseline;
      if (base?.ok && base.score !== null && base.score !== r.score) title += ` (${signed(r.score - base.score)} vs baseline)`;
      const key = state.keyMetric ?? Object.keys(r.metrics)[0];
      const value = key !== undefined ? r.metrics[key] : undefined;
      if (key !== undefined && value !== undefined) {
        title += ` · ${key} ${formatScore(value)}`;
        const baseValue = base?.metrics[key];
        if (baseValue !== undefined && baseValue !== value) title += ` (${signed(value - baseValue)})`;
      }
      return title;
    }
  }
}

export function buildLenses(uri: string, analysis: Analysis, state: ScoreState): CodeLens[] {
  const lenses: CodeLens[] = [];
  if (analysis.blockError) return lenses;
  const scoreCommand =
    state.kind === 'restricted'
      ? { title: scoreTitle(state), command: LENS_COMMANDS.restricted, arguments: [] }
      : state.kind === 'scored' || state.kind === 'running'
        ? { title: scoreTitle(state), command: LENS_COMMANDS.history, arguments: [uri] }
        : { title: scoreTitle(state), command: state.kind === 'evaluating' ? '' : LENS_COMMANDS.evaluate, arguments: [uri] };
  for (const region of analysis.regions) {
    const range = { start: { line: region.range.startLine, character: 0 }, end: { line: region.range.startLine, character: 0 } };
    lenses.push({ range, command: scoreCommand });
    if (state.kind !== 'restricted') lenses.push({ range, command: { title: state.kind === 'running' ? 'Stop' : 'Evolve', command: state.kind === 'running' ? 'policyEvolver.stop' : LENS_COMMANDS.evolve, arguments: [uri] } });
    lenses.push({ range, command: { title: 'History', command: LENS_COMMANDS.history, arguments: [uri] } });
  }
  return lenses;
}
