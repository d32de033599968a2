// Scores: a verified setting always outranks an unverified one, and among verified ones fewer
// messages and fewer communication steps win. UNKNOWN earns a little (it is not a known
// violation) but never as much as VERIFIED.
import type { LockstepSummary } from './verify';
import type { SettingCheck } from './verdict';

export const VERDICT_SCORE = { VERIFIED: 1, UNKNOWN: 0.2, VIOLATED: 0, INVALID: 0 } as const;

/** In (0, 0.5]: halves as the worst-case message count grows past N^2. */
export function messageBonus(messagesWorst: number, n: number): number {
  return (0.5 * n * n) / (n * n + Math.max(0, messagesWorst));
}

export function stepBonus(steps: number | undefined): number {
  return steps === undefined ? 0 : 0.1 / Math.max(1, steps);
}

/**
 * One setting's score. The message cost is the failure-free worst case over all schedules at the
 * same N when known (the paper's cost), else this setting's own worst case.
 */
export function settingScore(check: SettingCheck, n: number, ffMessagesWorst: number | undefined, lock: LockstepSummary | undefined): number {
  if (check.skipped) return 0;
  const base = VERDICT_SCORE[check.verdict];
  if (check.verdict !== 'VERIFIED') return base;
  const msgs = ffMessagesWorst ?? check.metrics?.messagesWorst ?? lock?.messages;
  return base + (msgs !== undefined ? messageBonus(msgs, n) : 0) + stepBonus(lock?.steps);
}
