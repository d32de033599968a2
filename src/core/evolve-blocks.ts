// EVOLVE-BLOCK rules: which parts of a file a candidate may change. A marker is a comment line
// (any of //, #, --, /* */, ;, %, <!-- -->) containing EVOLVE-BLOCK-START or EVOLVE-BLOCK-END;
// the evolvable text is the lines strictly between a START line and its END line.

export const START_MARKER = 'EVOLVE-BLOCK-START';
export const END_MARKER = 'EVOLVE-BLOCK-END';

export interface EvolveBlock {
  /** 0-based block index in file order. */
  index: number;
  /** Offset of the first character of the block's content (just after the START line). */
  start: number;
  /** Offset just past the block's content (the beginning of the END line). */
  end: number;
  /** 1-based line of the START marker, or 0 when the whole file is evolvable. */
  startLine: number;
  /** 1-based line of the END marker, or 0 when the whole file is evolvable. */
  endLine: number;
}

export interface BlockLayout {
  /** True when the file has markers; false means the whole file is one block. */
  marked: boolean;
  blocks: EvolveBlock[];
}

export class BlockError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'BlockError';
  }
}

const COMMENT_OPENERS = ['//', '#', '--', '/*', ';', '%', '<!--', '*'];

function markerIn(line: string): 'start' | 'end' | undefined {
  const hasStart = line.includes(START_MARKER);
  const hasEnd = line.includes(END_MARKER);
  if (!hasStart && !hasEnd) return undefined;
  const trimmed = line.trimStart();
  if (!COMMENT_OPENERS.some((opener) => trimmed.startsWith(opener))) return undefined;
  if (hasStart && hasEnd) return undefined;
  return hasStart ? 'start' : 'end';
}

interface Line {
  text: string;
  offset: number;
  /** Offset just past the line including its newline. */
  next: number;
}

function splitLines(code: string): Line[] {
  const lines: Line[] = [];
  let offset = 0;
  while (offset < code.length) {
    const nl = code.indexOf('\n', offset);
    const next = nl < 0 ? code.length : nl + 1;
    lines.push({ text: code.slice(offset, nl < 0 ? code.length : nl), offset, next });
    offset = next;
  }
  return lines;
}

/** Finds the evolvable blocks of a file; throws BlockError for unbalanced markers. */
export function parseBlocks(code: string): BlockLayout {
  const blocks: EvolveBlock[] = [];
  let open: { start: number; line: number } | undefined;
  const lines = splitLines(code);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as Line;
    const kind = markerIn(line.text);
    if (kind === 'start') {
      if (open) throw new BlockError(`EVOLVE-BLOCK-START at line ${i + 1} opens a block inside the block started at line ${open.line}`, i + 1);
      open = { start: line.next, line: i + 1 };
    } else if (kind === 'end') {
      if (!open) throw new BlockError(`EVOLVE-BLOCK-END at line ${i + 1} has no matching EVOLVE-BLOCK-START`, i + 1);
      blocks.push({ index: blocks.length, start: open.start, end: line.offset, startLine: open.line, endLine: i + 1 });
      open = undefined;
    }
  }
  if (open) throw new BlockError(`EVOLVE-BLOCK-START at line ${open.line} is never closed by EVOLVE-BLOCK-END`, open.line);
  if (blocks.length === 0) return { marked: false, blocks: [{ index: 0, start: 0, end: code.length, startLine: 0, endLine: 0 }] };
  return { marked: true, blocks };
}

export function blockTexts(code: string, layout: BlockLayout): string[] {
  return layout.blocks.map((b) => code.slice(b.start, b.end));
}

/** The text outside the blocks, as the segments before, between and after them. */
function outsideSegments(code: string, layout: BlockLayout): string[] {
  const segments: string[] = [];
  let cursor = 0;
  for (const b of layout.blocks) {
    segments.push(code.slice(cursor, b.start));
    cursor = b.end;
  }
  segments.push(code.slice(cursor));
  return segments;
}

/** Replaces the content of every block with `contents[i]`, keeping the outside text. */
export function spliceBlocks(code: string, layout: BlockLayout, contents: readonly string[]): string {
  const outside = outsideSegments(code, layout);
  let result = outside[0] as string;
  for (let i = 0; i < layout.blocks.length; i++) {
    let content = contents[i] ?? '';
    // The END marker must stay on its own line.
    if (layout.marked && content.length > 0 && !content.endsWith('\n')) content += '\n';
    result += content + (outside[i + 1] as string);
  }
  return result;
}

function lineOf(code: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < code.length; i++) if (code.charCodeAt(i) === 10) line++;
  return line;
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return n;
}

const trimLineEnds = (text: string): string => text.replace(/[ \t\r]+$/gm, '');

/**
 * Checks that `candidate` changes only the evolvable blocks of `original`, and returns the
 * candidate rebuilt on the original's outside text (so trailing-whitespace noise outside the
 * blocks is dropped). Throws BlockError naming the block and line otherwise.
 */
export function enforceBlocks(original: string, candidate: string): string {
  const layout = parseBlocks(original);
  if (!layout.marked) return candidate;
  let candidateLayout: BlockLayout;
  try {
    candidateLayout = parseBlocks(candidate);
  } catch (err) {
    throw new BlockError(`candidate breaks an EVOLVE-BLOCK marker: ${(err as Error).message}`, (err as BlockError).line);
  }
  if (!candidateLayout.marked) {
    throw new BlockError('candidate removed the EVOLVE-BLOCK markers', 1);
  }
  if (candidateLayout.blocks.length !== layout.blocks.length) {
    const missing = candidateLayout.blocks.length < layout.blocks.length;
    // The first block whose START line differs from the candidate's is the one that changed.
    const startLine = (code: string, b: EvolveBlock): string => code.slice(code.lastIndexOf('\n', b.start - 2) + 1, b.start).trim();
    let changed = Math.min(candidateLayout.blocks.length, layout.blocks.length - 1);
    for (let i = 0; i < Math.min(candidateLayout.blocks.length, layout.blocks.length); i++) {
      if (startLine(original, layout.blocks[i] as EvolveBlock) !== startLine(candidate, candidateLayout.blocks[i] as EvolveBlock)) {
        changed = i;
        break;
      }
    }
    const b = layout.blocks[changed] as EvolveBlock;
    throw new BlockError(
      missing
        ? `candidate removed markers: the original has ${layout.blocks.length} EVOLVE-BLOCKs, the candidate ${candidateLayout.blocks.length} (block ${b.index + 1}, START at line ${b.startLine}, is gone)`
        : `candidate added markers: the original has ${layout.blocks.length} EVOLVE-BLOCKs, the candidate ${candidateLayout.blocks.length}`,
      b.startLine,
    );
  }
  const before = outsideSegments(original, layout);
  const after = outsideSegments(candidate, candidateLayout);
  for (let i = 0; i < before.length; i++) {
    const a = before[i] as string;
    const c = after[i] as string;
    if (a === c || trimLineEnds(a) === trimLineEnds(c)) continue;
    const segmentStart = i === 0 ? 0 : (layout.blocks[i - 1] as EvolveBlock).end;
    const candidateSegmentStart = i === 0 ? 0 : (candidateLayout.blocks[i - 1] as EvolveBlock).end;
    const diffAt = firstDifference(a, c);
    const where =
      i === 0
        ? `before block 1 (START at line ${(layout.blocks[0] as EvolveBlock).startLine})`
        : i === layout.blocks.length
          ? `after block ${i} (END at line ${(layout.blocks[i - 1] as EvolveBlock).endLine})`
          : `between block ${i} and block ${i + 1}`;
    throw new BlockError(
      `candidate edits outside the evolvable blocks, ${where}: line ${lineOf(candidate, candidateSegmentStart + diffAt)} of the candidate differs from line ${lineOf(original, segmentStart + diffAt)} of the original`,
      lineOf(candidate, candidateSegmentStart + diffAt),
    );
  }
  return spliceBlocks(original, layout, blockTexts(candidate, candidateLayout));
}
