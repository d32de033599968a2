// Text that evaluators pass on from candidates (thrown messages, printed output, feedback) is
// bounded before it reaches the journal: a 2 MB thrown message must not become a 4 MB journal
// line, nor a prompt that no longer fits. The start and the end are kept; errors say what went
// wrong first, logs often say it last.
import type { EvalResult } from './types';

export const TEXT_LIMITS = Object.freeze({ error: 4000, feedback: 16_000, workloadError: 2000, decisions: 50, decisionReason: 500, decisionLabel: 200 });

export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.75);
  const tail = max - head;
  return `${text.slice(0, head)}\n... (${text.length - max} characters left out) ...\n${text.slice(-tail)}`;
}

/** The result with its error, feedback, per-workload errors and decision reasons clipped. */
export function boundedResult(result: EvalResult): EvalResult {
  const perWorkload = result.perWorkload.map((w) => (w.error !== undefined && w.error.length > TEXT_LIMITS.workloadError ? { ...w, error: clipText(w.error, TEXT_LIMITS.workloadError) } : w));
  return {
    ...result,
    feedback: clipText(result.feedback, TEXT_LIMITS.feedback),
    ...(result.error !== undefined ? { error: clipText(result.error, TEXT_LIMITS.error) } : {}),
    perWorkload,
    ...(result.decisions
      ? {
          decisions: {
            workload: clipText(result.decisions.workload, TEXT_LIMITS.decisionLabel),
            notes: result.decisions.notes.slice(0, TEXT_LIMITS.decisions).map((n) => ({ subject: clipText(n.subject, TEXT_LIMITS.decisionLabel), choice: clipText(n.choice, TEXT_LIMITS.decisionLabel), time: n.time, reason: clipText(n.reason, TEXT_LIMITS.decisionReason) })),
          },
        }
      : {}),
  };
}
