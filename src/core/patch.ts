// Applying a generator's patch to the parent file. Every result passes `enforceBlocks`, so no
// patch format can change text outside the EVOLVE-BLOCKs or break a marker.
import { BlockError, EvolveBlock, blockTexts, enforceBlocks, parseBlocks, spliceBlocks } from './evolve-blocks';
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

/** Exact match first; otherwise line-by-line ignoring leading/trailing whitespace and blank lines at the edges. */
function findMatch(haystack: string, edit: SearchReplaceEdit, from: number, to: number): Match | undefined {
  const exact = haystack.indexOf(edit.search, from);
  if (exact >= 0 && exact + edit.search.length <= to) {
    return { start: exact, end: exact + edit.search.length, replacement: edit.replace };
  }
  const searchLines = edit.search.split('\n');
  while (searchLines.length && searchLines[0]?.trim() === '') searchLines.shift();
  while (searchLines.length && searchLines[searchLines.length - 1]?.trim() === '') searchLines.pop();
  if (searchLines.length === 0) return undefined;
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
    return { start, end, replacement: reindented.join('\n') };
  }
  return undefined;
}

function applySearchReplace(code: string, edits: readonly SearchReplaceEdit[]): string {
  if (edits.length === 0) throw new PatchError('the patch has no SEARCH/REPLACE edits');
  let current = code;
  edits.forEach((edit, i) => {
    if (edit.search.trim() === '') throw new PatchError(`edit ${i + 1} has an empty SEARCH section`);
    const layout = parseBlocks(current);
    let match: Match | undefined;
    let block: EvolveBlock | undefined;
    for (const b of layout.blocks) {
      match = findMatch(current, edit, b.start, b.end);
      if (match) {
        block = b;
        break;
      }
    }
    if (!match || !block) {
      const anywhere = findMatch(current, edit, 0, current.length);
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
