// Score history: every evaluated candidate (filled dot, coloured by island), its validation score
// (hollow ring), the best-so-far step line, accepted (ringed, ✓) and rejected (ringed, ✕)
// candidates. Failures sit in a strip under the axis and scores far below the rest on the floor
// (▼), so neither flattens the scale. Drawn at the panel's width so text keeps its size.
import type { RunSnapshot } from '../../src/messages/lsp';
import { chartScale, fmt, ticks } from './rules';

const NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function renderChart(snapshot: RunSnapshot, selectedId: string | undefined, width = 560, height = 200): SVGSVGElement {
  const pad = { left: 52, right: 12, top: 10, bottom: 50 };
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'chart', role: 'img' });
  const points = snapshot.history;
  const values = points.flatMap((p) => (p.ok ? [p.score, p.validation] : [])).filter((v): v is number => v !== null && Number.isFinite(v));
  const failures = points.filter((p) => !p.ok || p.score === null).length;
  svg.append(el('title', {}, `Score history: ${points.length} evaluated candidates (${failures} failed), best ${fmt(snapshot.bestScore)}`));
  const scale = chartScale(values);
  if (!scale) {
    svg.append(el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-empty' }, failures ? `${failures} candidate(s) failed; no scores yet` : 'No scores yet'));
    return svg;
  }
  const { lo, hi } = scale;
  const plotBottom = height - pad.bottom;
  const maxIndex = Math.max(1, ...points.map((p) => p.index));
  const x = (i: number): number => pad.left + (i / maxIndex) * (width - pad.left - pad.right);
  const y = (v: number): number => (v < lo ? plotBottom : pad.top + (1 - (v - lo) / (hi - lo)) * (plotBottom - pad.top));
  // Axes with ticks and titles.
  svg.append(el('line', { x1: pad.left, y1: plotBottom, x2: width - pad.right, y2: plotBottom, class: 'axis' }));
  svg.append(el('line', { x1: pad.left, y1: pad.top, x2: pad.left, y2: plotBottom, class: 'axis' }));
  for (const v of ticks(lo, hi, 4)) {
    svg.append(el('line', { x1: pad.left - 3, y1: y(v), x2: width - pad.right, y2: y(v), class: 'grid' }));
    svg.append(el('text', { x: pad.left - 5, y: y(v) + 3, 'text-anchor': 'end', class: 'tick' }, fmt(v)));
  }
  for (const i of ticks(0, maxIndex, Math.max(2, Math.floor((width - pad.left) / 70))).filter((t) => Number.isInteger(t))) {
    svg.append(el('line', { x1: x(i), y1: plotBottom, x2: x(i), y2: plotBottom + 3, class: 'axis' }));
    svg.append(el('text', { x: x(i), y: plotBottom + 13, 'text-anchor': 'middle', class: 'tick' }, String(i)));
  }
  svg.append(el('text', { x: (pad.left + width - pad.right) / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-title' }, 'candidate #'));
  svg.append(el('text', { x: 10, y: (pad.top + plotBottom) / 2, 'text-anchor': 'middle', class: 'axis-title', transform: `rotate(-90 10 ${(pad.top + plotBottom) / 2})` }, 'score'));
  if (snapshot.initialScore !== null && snapshot.initialScore >= lo) {
    svg.append(el('line', { x1: pad.left, y1: y(snapshot.initialScore), x2: width - pad.right, y2: y(snapshot.initialScore), class: 'start-line' }));
  }
  // Best so far as a step line over the whole run.
  let best: number | null = null;
  let d = '';
  for (const p of snapshot.bestHistory) {
    d += best === null ? `M${x(p.index)},${y(p.score)}` : `H${x(p.index)}V${y(p.score)}`;
    best = p.score;
  }
  if (best !== null) d += `H${x(maxIndex)}`;
  if (d) svg.append(el('path', { d, class: 'best-line' }));
  for (const p of points) {
    const cls = `island-${p.island % 6}`;
    const cx = x(p.index);
    if (!p.ok || p.score === null) {
      const cy = plotBottom + 26;
      svg.append(el('path', { d: `M${cx - 3},${cy - 3}L${cx + 3},${cy + 3}M${cx - 3},${cy + 3}L${cx + 3},${cy - 3}`, class: 'failed' }));
      continue;
    }
    const below = p.score < lo;
    const cy = y(p.score);
    const mark = below
      ? el('path', { d: `M${cx - 4},${cy - 7}L${cx + 4},${cy - 7}L${cx},${cy - 1}Z`, class: `point below ${cls}` })
      : el('circle', { cx, cy, r: p.id === selectedId ? 5 : 3, class: `point ${cls}${p.id === selectedId ? ' selected' : ''}` });
    mark.append(el('title', {}, `${p.id} (island ${p.island}): search ${fmt(p.score)}${p.validation !== null ? `, validation ${fmt(p.validation)}` : ''}${below ? ' (below the scale)' : ''}${p.decision ? `, ${p.decision}` : ''}`));
    svg.append(mark);
    if (p.validation !== null && p.validation >= lo) svg.append(el('circle', { cx, cy: y(p.validation), r: 4, class: `validation ${cls}` }));
    if (p.decision) {
      svg.append(el('circle', { cx, cy, r: 7, class: `decision ${p.decision}` }));
      svg.append(el('text', { x: cx, y: cy - 10, 'text-anchor': 'middle', class: `decision-mark ${p.decision}` }, p.decision === 'accepted' ? '✓' : '✕'));
    }
  }
  if (failures) svg.append(el('text', { x: pad.left - 5, y: plotBottom + 29, 'text-anchor': 'end', class: 'tick' }, `failed ${failures}`));
  return svg;
}
