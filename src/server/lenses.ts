// CodeLens titles for one document: the score and key metric against the baseline, then
// "Evolve" and "History". Pure, so the latency benchmark and the tests call it directly.
import type { CodeLens } from 'vscode-languageserver';
import type { EvalSummary } from '../core/journal-events';
import { LENS_COMMANDS } from '../messages/lsp';
import type { Analysis } from './analysis';

export type ScoreState =
  | { kind: 'scored'; result: EvalSummary; keyMetric?: string; baseline?: EvalSummary; source: string }
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
      let title = `Score ${formatScore(r.score)}`;
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
