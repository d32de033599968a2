// The candidate's diff against the file as it is now, in the plain form the webview renders.
import { structuredPatch } from 'diff';
import type { DiffHunk, DiffLine } from '../../messages/webview';

export function diffHunks(current: string, candidate: string, context = 3): DiffHunk[] {
  const patch = structuredPatch('current', 'candidate', current, candidate, '', '', { context });
  return patch.hunks.map((h) => {
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      const mark = raw[0];
      const text = raw.slice(1);
      if (mark === '\\') continue;
      if (mark === '+') lines.push({ kind: 'add', text, newLine: newLine++ });
      else if (mark === '-') lines.push({ kind: 'del', text, oldLine: oldLine++ });
      else lines.push({ kind: 'context', text, oldLine: oldLine++, newLine: newLine++ });
    }
    return { header: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, lines };
  });
}
