// Applying a generator's patch to the parent file. Every result passes `enforceBlocks`, so no
// patch format can change text outside the EVOLVE-BLOCKs or break a marker.
import { BlockError, blockTexts, enforceBlocks, parseBlocks, spliceBlocks } from './evolve-blocks';
import type { Patch, SearchReplaceEdit } from './types';

export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}

function excerpt(text: string): string {
  const lines = text.trim().split('\n');
  const head = lines.slice(0, 3).join('\n');
  return lines.length > 3 ? `${head}\n... (${lines.length - 3} more lines)` : head;
}

const indentOf = (line: string): string => /^[ \t]*/.exec(line)?.[0] ?? '';

interface Match {
  start: number;
  end: number;
  /** Replacement text adjusted to the matched indentation. */
  replacement: string;
}

/** Every exact occurrence of the SEARCH text inside [from, to). */
function exactMatches(haystack: string, edit: SearchReplaceEdit, from: number, to: number): Match[] {
  const out: Match[] = [];
  for (let at = haystack.indexOf(edit.search, from); at >= 0 && at + edit.search.length <= to; at = haystack.indexOf(edit.search, at + 1)) {
    out.push({ start: at, end: at + edit.search.length, replacement: edit.replace });
  }
  return out;
}

/** Line-by-line matches ignoring leading/trailing whitespace and blank lines at the edges. */
function looseMatches(haystack: string, edit: SearchReplaceEdit, from: number, to: number): Match[] {
  const out: Match[] = [];
  const searchLines = edit.search.split('\n');
  while (searchLines.length && searchLines[0]?.trim() === '') searchLines.shift();
  while (searchLines.length && searchLines[searchLines.length - 1]?.trim() === '') searchLines.pop();
  if (searchLines.length === 0) return out;
  const wanted = searchLines.map((l) => l.trim());
  // Line starts inside [from, to).
  const starts: number[] = [];
  let p = from;
  if (p > 0 && haystack[p - 1] !== '\n') p = haystack.indexOf('\n', p) + 1 || to;
  while (p < to) {
    starts.push(p);
    const nl = haystack.indexOf('\n', p);
    if (nl < 0 || nl + 1 > to) break;
    p = nl + 1;
  }
  const lineAt = (s: number): string => {
    const nl = haystack.indexOf('\n', s);
    return haystack.slice(s, nl < 0 || nl > to ? to : nl);
  };
  for (let i = 0; i + wanted.length <= starts.length; i++) {
    let ok = true;
    for (let j = 0; j < wanted.length; j++) {
      if (lineAt(starts[i + j] as number).trim() !== wanted[j]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const start = starts[i] as number;
    const lastStart = starts[i + wanted.length - 1] as number;
    const end = lastStart + lineAt(lastStart).length;
    // Re-indent the replacement by the difference between the SEARCH text's indentation and the file's.
    const actualIndent = indentOf(lineAt(start));
    const givenIndent = indentOf(searchLines[0] as string);
    const replaceLines = edit.replace.split('\n');
    while (replaceLines.length && replaceLines[replaceLines.length - 1]?.trim() === '') replaceLines.pop();
    const reindented = replaceLines.map((line) => {
      if (line.trim() === '') return '';
      if (givenIndent && line.startsWith(givenIndent)) return actualIndent + line.slice(givenIndent.length);
      return givenIndent === '' ? actualIndent + line : line;
    });
    out.push({ start, end, replacement: reindented.join('\n') });
  }
  return out;
}

/**
 * The one place an edit applies: exact matches first, then whitespace-insensitive ones, each over
 * the regions given. Several places is an error naming the count: applying at the first would
 * silently change code the model may not have meant.
 */
function findUnique(haystack: string, edit: SearchReplaceEdit, regions: readonly { start: number; end: number }[], n: number): Match | undefined {
  for (const find of [exactMatches, looseMatches]) {
    const all = regions.flatMap((r) => find(haystack, edit, r.start, r.end));
    if (all.length > 1) {
      throw new PatchError(`edit ${n}: the SEARCH text matches ${all.length} places in the evolvable code; include more of the surrounding lines so it matches exactly one:\n${excerpt(edit.search)}`);
    }
    if (all.length === 1) return all[0];
  }
  return undefined;
}

function applySearchReplace(code: string, edits: readonly SearchReplaceEdit[]): string {
  if (edits.length === 0) throw new PatchError('the patch has no SEARCH/REPLACE edits');
  let current = code;
  edits.forEach((edit, i) => {
    if (edit.search.trim() === '') throw new PatchError(`edit ${i + 1} has an empty SEARCH section`);
    const layout = parseBlocks(current);
    const match = findUnique(current, edit, layout.blocks, i + 1);
    if (!match) {
      const anywhere = exactMatches(current, edit, 0, current.length).length + looseMatches(current, edit, 0, current.length).length > 0;
      throw new PatchError(
        anywhere
          ? `edit ${i + 1}: the SEARCH text is outside the evolvable blocks:\n${excerpt(edit.search)}`
          : `edit ${i + 1}: the SEARCH text did not match the parent:\n${excerpt(edit.search)}`,
      );
    }
    current = current.slice(0, match.start) + match.replacement + current.slice(match.end);
  });
  return current;
}

/** Returns the candidate file, or throws PatchError / BlockError with a message for the generator. */
export function applyPatch(parent: string, patch: Patch): string {
  let candidate: string;
  switch (patch.kind) {
    case 'block': {
      const layout = parseBlocks(parent);
      if (!Number.isInteger(patch.index) || patch.index < 0 || patch.index >= layout.blocks.length) {
        throw new PatchError(`block ${patch.index + 1} does not exist: the file has ${layout.blocks.length} evolvable block(s)`);
      }
      const contents = blockTexts(parent, layout);
      contents[patch.index] = patch.code;
      candidate = spliceBlocks(parent, layout, contents);
      break;
    }
    case 'search-replace':
      candidate = applySearchReplace(parent, patch.edits);
      break;
    case 'full':
      candidate = patch.code;
      break;
  }
  return enforceBlocks(parent, candidate);
}

export { BlockError };
