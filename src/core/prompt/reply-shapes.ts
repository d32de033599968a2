// Reply shapes that are not what we asked for but say clearly what the model meant: a unified
// diff, a JSON object wrapping the code or the edits, a whole file sent without its EVOLVE-BLOCK
// markers. Each is turned into the patch it stands for, or rejected with the reason; nothing is
// guessed (a diff that does not parse, a JSON object without code, a file whose fixed part
// changed are errors, never code pasted into a block).

import { END_MARKER, parseBlocks, START_MARKER } from '../evolve-blocks';
import type { SearchReplaceEdit } from '../types';

/** Why a shape was recognised but cannot be used; the parser turns it into its own error. */
export class ShapeError extends Error {}

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/;

/** True when the text reads as a unified diff (a hunk header and -/+ lines), fenced or not. */
export function looksLikeUnifiedDiff(text: string): boolean {
  const lines = text.split('\n');
  return lines.some((l) => HUNK_HEADER.test(l)) && lines.some((l) => /^[-+](?![-+]{2}\s)/.test(l));
}

/**
 * A unified diff as SEARCH/REPLACE edits: each hunk's context and removed lines are what to find,
 * its context and added lines what to put there. Line numbers are ignored (models get them wrong);
 * the SEARCH text must still match exactly one place when applied.
 */
export function diffToEdits(text: string): SearchReplaceEdit[] {
  const edits: SearchReplaceEdit[] = [];
  let search: string[] | undefined;
  let replace: string[] = [];
  let changed = false;
  const flush = (): void => {
    if (search && changed) {
      // Blank context at the hunk's edges anchors nothing and may not exist in the parent.
      while (search.length && replace.length && search[search.length - 1]?.trim() === '' && replace[replace.length - 1]?.trim() === '') {
        search.pop();
        replace.pop();
      }
      if (!search.some((l) => l.trim() !== '')) throw new ShapeError('a hunk of the unified diff only adds lines and has no context lines to place them');
      edits.push({ search: search.join('\n'), replace: replace.join('\n') });
    }
    search = undefined;
    replace = [];
    changed = false;
  };
  for (const line of text.split('\n')) {
    if (HUNK_HEADER.test(line)) {
      flush();
      search = [];
      continue;
    }
    if (!search) continue;
    if (/^(---|\+\+\+) /.test(line) || /^diff --git /.test(line) || /^index [0-9a-f]/.test(line)) {
      flush();
      continue;
    }
    if (line.startsWith('\\')) continue; // "\ No newline at end of file"
    if (line.startsWith('-')) {
      search.push(line.slice(1));
      changed = true;
    } else if (line.startsWith('+')) {
      replace.push(line.slice(1));
      changed = true;
    } else if (line.startsWith(' ') || line === '') {
      search.push(line.slice(1));
      replace.push(line.slice(1));
    } else {
      flush();
    }
  }
  flush();
  if (!edits.length) throw new ShapeError('it contains a unified diff without any hunk that changes a line');
  return edits;
}

export interface JsonReply {
  code?: string;
  edits?: SearchReplaceEdit[];
  explanation?: string;
}

const CODE_KEYS = ['code', 'new_code', 'newCode', 'program', 'source', 'content', 'solution', 'block'];
const EDIT_KEYS = ['edits', 'changes', 'patches', 'replacements'];
const WHY_KEYS = ['explanation', 'reasoning', 'rationale', 'why', 'description'];

/** The reply as one JSON object (bare, or alone in a ```json fence), or undefined when it is not one. */
export function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  let t = text.trim();
  const fenced = /^(`{3,}|~{3,})\s*json\s*\n([\s\S]*?)\n\s*\1\s*$/i.exec(t);
  if (fenced) t = (fenced[2] as string).trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What a JSON-wrapped reply carries; throws ShapeError naming its keys when it carries no code or edits. */
export function unwrapJson(obj: Record<string, unknown>): JsonReply {
  const pick = (keys: string[]): unknown => keys.map((k) => obj[k]).find((v) => v !== undefined);
  const code = pick(CODE_KEYS);
  const edits = pick(EDIT_KEYS);
  const why = pick(WHY_KEYS);
  const explanation = typeof why === 'string' && why.trim() ? why.trim() : undefined;
  if (typeof code === 'string' && code.trim()) return { code, ...(explanation ? { explanation } : {}) };
  if (Array.isArray(edits) && edits.length) {
    const out = edits.map((e, i) => {
      const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
      const search = o.search ?? o.old ?? o.find ?? o.original;
      const replace = o.replace ?? o.new ?? o.replacement ?? o.updated;
      if (typeof search !== 'string' || typeof replace !== 'string' || !search.trim()) {
        throw new ShapeError(`edit ${i + 1} of the JSON reply needs string "search" and "replace" fields`);
      }
      return { search, replace };
    });
    return { edits: out, ...(explanation ? { explanation } : {}) };
  }
  const keys = Object.keys(obj).slice(0, 8).join(', ') || 'none';
  throw new ShapeError(`it is a JSON object without code or edits (its keys: ${keys}); expected SEARCH/REPLACE edits or a code block`);
}

const isMarkerLine = (line: string): boolean => line.includes(START_MARKER) || line.includes(END_MARKER);

/** Non-blank lines of a fixed segment, markers dropped, trimmed for comparison. */
function anchorLines(segment: string): string[] {
  return segment
    .split('\n')
    .filter((l) => l.trim() !== '' && !isMarkerLine(l))
    .map((l) => l.trim());
}

/**
 * Whether `code` is the whole file rather than a block: it repeats a line of the parent that lies
 * outside every block (and that no block contains).
 */
export function repeatsFixedCode(code: string, parent: string): boolean {
  const layout = parseBlocks(parent);
  if (!layout.marked) return false;
  const inBlocks = new Set(layout.blocks.flatMap((b) => parent.slice(b.start, b.end).split('\n').map((l) => l.trim())));
  const fixed = new Set<string>();
  let cursor = 0;
  for (const b of [...layout.blocks, { start: parent.length, end: parent.length }]) {
    for (const l of anchorLines(parent.slice(cursor, b.start))) if (l.length >= 8 && !inBlocks.has(l)) fixed.add(l);
    cursor = b.end;
  }
  return code.split('\n').some((l) => fixed.has(l.trim()));
}

/**
 * Maps a whole file sent without EVOLVE-BLOCK markers onto the blocks: the code outside the blocks
 * must be there unchanged (blank lines and indentation aside), in order, and what lies between
 * is each block's new content. Throws ShapeError naming the first fixed line that differs.
 */
export function mapUnmarkedFile(code: string, parent: string): string[] {
  const layout = parseBlocks(parent);
  const segments: string[] = [];
  let cursor = 0;
  for (const b of layout.blocks) {
    segments.push(parent.slice(cursor, b.start));
    cursor = b.end;
  }
  segments.push(parent.slice(cursor));
  const lines = code.split('\n');
  const anchors = segments.map(anchorLines);
  const changed = (expected: string): never => {
    throw new ShapeError(`it rewrites the whole file without the EVOLVE-BLOCK markers and changes code outside the evolvable block${layout.blocks.length > 1 ? 's' : ''} (expected the line "${expected.slice(0, 80)}"); send only the block's new content`);
  };
  /** Index after matching `want` line by line from `at`, skipping blank lines; -1 when it does not match there. */
  const matchAt = (at: number, want: string[]): number => {
    let i = at;
    for (const w of want) {
      while (i < lines.length && (lines[i] as string).trim() === '') i++;
      if (i >= lines.length || (lines[i] as string).trim() !== w) return -1;
      i++;
    }
    return i;
  };
  let pos = matchAt(0, anchors[0] as string[]);
  if (pos < 0) {
    const prefix = anchors[0] as string[];
    const k = prefix.findIndex((_, n) => matchAt(0, prefix.slice(0, n + 1)) < 0);
    changed(prefix[k] ?? '');
  }
  // The suffix is matched from the end, so a block may contain anything, even text like the suffix.
  const suffix = anchors[anchors.length - 1] as string[];
  let end = lines.length;
  for (let k = suffix.length - 1; k >= 0; k--) {
    while (end > pos && (lines[end - 1] as string).trim() === '') end--;
    if (end <= pos || (lines[end - 1] as string).trim() !== suffix[k]) changed(suffix[k] as string);
    end--;
  }
  const blocks: string[] = [];
  for (let s = 1; s < segments.length - 1; s++) {
    const want = anchors[s] as string[];
    if (!want.length) throw new ShapeError('it rewrites the whole file without the EVOLVE-BLOCK markers, and two blocks are not separated by any fixed code, so their contents cannot be told apart; send each block in its own code block');
    const starts: number[] = [];
    for (let i = pos; i < end; i++) if ((lines[i] as string).trim() === want[0] && matchAt(i, want) >= 0 && matchAt(i, want) <= end) starts.push(i);
    if (starts.length === 0) changed(want[0] as string);
    if (starts.length > 1) throw new ShapeError(`it rewrites the whole file without the EVOLVE-BLOCK markers, and the fixed code "${(want[0] as string).slice(0, 60)}" appears ${starts.length} times, so the blocks cannot be placed; send each block in its own code block`);
    blocks.push(lines.slice(pos, starts[0]).join('\n'));
    pos = matchAt(starts[0] as number, want);
  }
  blocks.push(lines.slice(pos, end).join('\n'));
  return blocks;
}
