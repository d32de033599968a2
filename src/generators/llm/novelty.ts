// Near-duplicate proposals: a reply whose program is, once normalised (comments and layout
// aside), the same as its parent or nearly the same as a program the prompt already showed (an
// inspiration, a recent failure) would spend an evaluation to learn nothing. It is rejected before
// evaluation, and the repair turn asks for a different change.
import { diffArrays } from 'diff';
import { normalizeCode } from '../../core/normalize';
import type { GenerationRequest } from '../../core/types';

/**
 * Share of tokens two normalised programs have in common (0 to 1), or 0 as soon as they differ by
 * more than `atLeast` allows (the diff stops early, so very different programs cost little).
 */
export function similarity(a: string, b: string, atLeast = 0): number {
  const ta = a.split(' ').filter(Boolean);
  const tb = b.split(' ').filter(Boolean);
  const total = ta.length + tb.length;
  if (total === 0) return 1;
  const maxEditLength = Math.ceil((1 - atLeast) * total) + 1;
  const parts = diffArrays(ta, tb, { maxEditLength });
  if (!parts) return 0;
  let common = 0;
  for (const part of parts) if (!part.added && !part.removed) common += part.value.length;
  return (2 * common) / total;
}

/** Why the candidate is a near-duplicate, or undefined when it is new enough. */
export function duplicateProblem(code: string, request: GenerationRequest, threshold: number): string | undefined {
  const norm = (text: string): string => normalizeCode(text, request.fileName);
  const mine = norm(code);
  if (mine === norm(request.parent.code)) return 'the change leaves the program as it was (only comments or layout differ); propose a change to what the program does';
  if (threshold >= 1) return undefined;
  const shown = [
    ...request.inspirations.map((p) => ({ what: `${p.id}, a program shown above`, code: p.code })),
    ...request.recentFailures.flatMap((f, i) => (f.code !== undefined ? [{ what: `failed attempt ${i + 1}`, code: f.code }] : [])),
  ];
  for (const s of shown) {
    const sim = similarity(mine, norm(s.code), threshold);
    if (sim >= threshold) return `the program is nearly the same as ${s.what} (${(sim * 100).toFixed(1)}% of its code in common); propose a different change`;
  }
  return undefined;
}
