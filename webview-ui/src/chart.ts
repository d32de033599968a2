// Score history: every evaluated candidate (filled dot, coloured by island), its validation score
// (hollow ring), failures (cross on the floor) and the best-so-far step line. Colours come from
// the theme's --vscode-charts-* variables through CSS classes.
import type { RunSnapshot } from '../../src/messages/lsp';

const NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export function renderChart(snapshot: RunSnapshot, selectedId: string | undefined, width = 560, height = 180): SVGSVGElement {
  const pad = { left: 48, right: 12, top: 10, bottom: 22 };
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
  const points = snapshot.history;
  const values = points.flatMap((p) => [p.score, p.validation]).filter((v): v is number => v !== null && Number.isFinite(v));
  const title = el('title', {});
  title.textContent = `Score history: ${points.length} evaluated candidates, best ${snapshot.bestScore ?? 'none'}`;
  svg.append(title);
  if (values.length === 0) {
    const t = el('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-empty' });
    t.textContent = 'No scores yet';
    svg.append(t);
    return svg;
  }
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    hi += Math.abs(hi) * 0.05 || 1;
    lo -= Math.abs(lo) * 0.05 || 1;
  }
  const maxIndex = Math.max(1, ...points.map((p) => p.index));
  const x = (i: number): number => pad.left + (i / maxIndex) * (width - pad.left - pad.right);
  const y = (v: number): number => pad.top + (1 - (v - lo) / (hi - lo)) * (height - pad.top - pad.bottom);
  svg.append(el('line', { x1: pad.left, y1: height - pad.bottom, x2: width - pad.right, y2: height - pad.bottom, class: 'axis' }));
  svg.append(el('line', { x1: pad.left, y1: pad.top, x2: pad.left, y2: height - pad.bottom, class: 'axis' }));
  for (const [v, anchor] of [
    [hi, pad.top + 4],
    [lo, height - pad.bottom],
  ] as const) {
    const label = el('text', { x: pad.left - 4, y: anchor, 'text-anchor': 'end', class: 'tick' });
    label.textContent = Number(v.toPrecision(4)).toString();
    svg.append(label);
  }
  const xLabel = el('text', { x: width - pad.right, y: height - 6, 'text-anchor': 'end', class: 'tick' });
  xLabel.textContent = `candidate #${maxIndex}`;
  svg.append(xLabel);
  // Best so far as a step line over the whole run.
  let best: number | null = null;
  let d = '';
  for (const p of points) {
    if (p.ok && p.score !== null && (best === null || p.score > best)) {
      d += best === null ? `M${x(p.index)},${y(p.score)}` : `H${x(p.index)}V${y(p.score)}`;
      best = p.score;
    }
  }
  if (best !== null) d += `H${x(maxIndex)}`;
  if (d) svg.append(el('path', { d, class: 'best-line' }));
  for (const p of points) {
    const cls = `island-${p.island % 6}`;
    if (!p.ok || p.score === null) {
      const cx = x(p.index);
      const cy = height - pad.bottom - 4;
      svg.append(el('path', { d: `M${cx - 3},${cy - 3}L${cx + 3},${cy + 3}M${cx - 3},${cy + 3}L${cx + 3},${cy - 3}`, class: 'failed' }));
      continue;
    }
    const dot = el('circle', { cx: x(p.index), cy: y(p.score), r: p.id === selectedId ? 5 : 3, class: `point ${cls}${p.id === selectedId ? ' selected' : ''}` });
    const tip = el('title', {});
    tip.textContent = `${p.id} (island ${p.island}): search ${p.score}${p.validation !== null ? `, validation ${p.validation}` : ''}`;
    dot.append(tip);
    svg.append(dot);
    if (p.validation !== null) svg.append(el('circle', { cx: x(p.index), cy: y(p.validation), r: 4, class: `validation ${cls}` }));
  }
  return svg;
}
