// Text-level edits. Mutations never re-print the file: they replace byte ranges of the original,
// so formatting and comments outside the touched nodes survive untouched.
import type * as TS from 'typescript';
import { ts } from '../../core/typescript-lazy';
import type { Region } from './regions';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** A node plus the comments that belong to it, as one movable range. */
export interface Piece {
  start: number;
  end: number;
  /** The range ends in a `//` comment, so whatever follows it must start on a new line. */
  endsWithLineComment: boolean;
}

export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((x, y) => x.start - y.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw new Error(`internal error: overlapping mutate edits at offset ${e.start}`);
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

export function overlapsAny(existing: readonly Edit[], added: readonly Edit[]): boolean {
  for (const x of added) for (const y of existing) if (x.start < y.end && y.start < x.end) return true;
  return false;
}

/** Own comments are those on the lines just before the node and on its last line after it; never outside the region. */
export function pieceOf(sf: TS.SourceFile, node: TS.Node, region: Region): Piece {
  const text = sf.text;
  let start = node.getStart(sf);
  for (const c of ts.getLeadingCommentRanges(text, node.pos) ?? []) {
    if (c.pos >= region.start && c.pos < start) {
      start = c.pos;
      break;
    }
  }
  let end = node.end;
  let endsWithLineComment = false;
  for (const c of ts.getTrailingCommentRanges(text, node.end) ?? []) {
    if (c.end > region.end) break;
    end = c.end;
    endsWithLineComment = c.kind === ts.SyntaxKind.SingleLineCommentTrivia;
  }
  return { start, end, endsWithLineComment };
}

function followedByLineBreak(text: string, at: number): boolean {
  return /^[ \t]*(?:\r?\n|$)/.test(text.slice(at, at + 200));
}

/** Edits exchanging two disjoint pieces, or undefined when a moved `//` comment would swallow code. */
export function swapPieces(text: string, p: Piece, q: Piece): Edit[] | undefined {
  const [first, second] = p.start < q.start ? [p, q] : [q, p];
  if (second.endsWithLineComment && !followedByLineBreak(text, first.end)) return undefined;
  if (first.endsWithLineComment && !followedByLineBreak(text, second.end)) return undefined;
  return [
    { start: first.start, end: first.end, text: text.slice(second.start, second.end) },
    { start: second.start, end: second.end, text: text.slice(first.start, first.end) },
  ];
}

/** Moves a multi-line snippet from one indentation level to another, line by line. */
export function reindent(snippet: string, from: string, to: string): string {
  if (from === to || !snippet.includes('\n') || snippet.includes('`')) return snippet;
  return snippet
    .split('\n')
    .map((line, i) => (i > 0 && line.startsWith(from) ? to + line.slice(from.length) : line))
    .join('\n');
}
