// The evolvable regions of a file, as the engine's block rules define them: the text strictly
// between the marker lines, so no edit can ever touch a marker.
import { parseBlocks } from '../../core/evolve-blocks';

export interface Region {
  /** Offset of the first character after the START marker line. */
  start: number;
  /** Offset of the first character of the END marker line. */
  end: number;
  /** 1-based block number for explanations; 0 when the file has no markers. */
  block: number;
}

/** Throws on unbalanced or nested markers; with no markers the whole file is one region. */
export function findRegions(text: string): Region[] {
  const layout = parseBlocks(text);
  return layout.blocks.map((b) => ({ start: b.start, end: b.end, block: layout.marked ? b.index + 1 : 0 }));
}

/** The region holding [start, end) entirely, or undefined. */
export function regionOf(regions: readonly Region[], start: number, end: number): Region | undefined {
  for (const r of regions) if (start >= r.start && end <= r.end) return r;
  return undefined;
}

export function intersectsAnyRegion(regions: readonly Region[], start: number, end: number): boolean {
  for (const r of regions) if (start < r.end && end > r.start) return true;
  return false;
}
