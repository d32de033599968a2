// Deciding how "Accept" changes the user's file. A candidate was derived from the file as it was
// when its run started (the base). When the file is still the base, the candidate's evolvable
// blocks replace the current ones; when only text outside the blocks changed, the candidate's
// blocks are rebased onto the current file; when the blocks themselves changed, accepting would
// silently drop the user's edits, so it is refused.
import { blockTexts, parseBlocks, spliceBlocks } from '../core/evolve-blocks';
import type { BlockLayout } from '../core/evolve-blocks';
import type { AcceptPlan, TextEditSpec } from '../messages/lsp';

function layoutOf(text: string, what: string): BlockLayout | string {
  try {
    return parseBlocks(text);
  } catch (err) {
    return `the ${what} has unbalanced EVOLVE-BLOCK markers: ${(err as Error).message}`;
  }
}

/** One edit covering the span where `from` and `to` differ, so the change is one undo step. */
export function minimalEdit(from: string, to: string): TextEditSpec {
  let start = 0;
  const max = Math.min(from.length, to.length);
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let endFrom = from.length;
  let endTo = to.length;
  while (endFrom > start && endTo > start && from.charCodeAt(endFrom - 1) === to.charCodeAt(endTo - 1)) {
    endFrom--;
    endTo--;
  }
  return { start, end: endFrom, newText: to.slice(start, endTo) };
}

export function planAccept(base: string, candidate: string, current: string): AcceptPlan {
  if (current === candidate) return { kind: 'unchanged' };
  const baseLayout = layoutOf(base, 'file the run started from');
  const currentLayout = layoutOf(current, 'current file');
  const candidateLayout = layoutOf(candidate, 'candidate');
  for (const l of [baseLayout, currentLayout, candidateLayout]) if (typeof l === 'string') return { kind: 'refused', reason: l };
  const b = baseLayout as BlockLayout;
  const cur = currentLayout as BlockLayout;
  const cand = candidateLayout as BlockLayout;
  const candidateBlocks = blockTexts(candidate, cand);
  let target: string;
  let rebased = false;
  if (current === base) {
    target = b.marked ? spliceBlocks(current, cur, candidateBlocks) : candidate;
  } else {
    if (!b.marked) return { kind: 'refused', reason: 'the file changed since this run started and it has no EVOLVE-BLOCK markers, so the candidate cannot be merged with your edits; re-run or copy from the diff' };
    if (!cur.marked || cur.blocks.length !== b.blocks.length) {
      return { kind: 'refused', reason: `the file's EVOLVE-BLOCK markers changed since this run started (${b.blocks.length} block(s) then, ${cur.marked ? cur.blocks.length : 0} now)` };
    }
    const baseBlocks = blockTexts(base, b);
    const currentBlocks = blockTexts(current, cur);
    const edited = currentBlocks.findIndex((text, i) => text !== baseBlocks[i]);
    if (edited >= 0) {
      const block = cur.blocks[edited];
      return { kind: 'refused', reason: `you edited evolvable block ${edited + 1}${block ? ` (line ${block.startLine})` : ''} since this run started; accepting would overwrite your change` };
    }
    target = spliceBlocks(current, cur, candidateBlocks);
    rebased = true;
  }
  if (target === current) return { kind: 'unchanged' };
  return { kind: 'apply', edits: [minimalEdit(current, target)], rebased };
}

/** The text `edits` make of `text` (edits do not overlap; applied from the end so offsets hold). */
export function applyEdits(text: string, edits: readonly TextEditSpec[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/**
 * What accepting a candidate writes into a file whose current text is `current` (for front ends
 * that write the file themselves, like the CLI's `apply`): the same plan the editor applies.
 */
export function acceptedText(base: string, candidate: string, current: string): { kind: 'write'; text: string; rebased: boolean } | { kind: 'unchanged' } | { kind: 'refused'; reason: string } {
  const plan = planAccept(base, candidate, current);
  if (plan.kind !== 'apply') return plan;
  return { kind: 'write', text: applyEdits(current, plan.edits), rebased: plan.rebased };
}
