// Renders the view state into DOM nodes (textContent only: candidate text never becomes HTML).
import type { CandidateSummary } from '../../src/messages/lsp';
import type { WebviewMessage } from '../../src/messages/webview';
import { renderChart } from './chart';
import { ViewState, visibleCandidates } from './state';

export interface Actions {
  post(message: WebviewMessage): void;
  select(candidateId: string): void;
  draft(candidateId: string, text: string): void;
  key(event: KeyboardEvent): void;
}

type Child = Node | string | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false) continue;
    node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

export function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  return abs !== 0 && (abs >= 1e5 || abs < 1e-3) ? n.toExponential(3) : Number(n.toFixed(4)).toString();
}

function signed(n: number): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${fmt(Math.abs(n))}`;
}

function candidateRow(c: CandidateSummary, state: ViewState, baseline: number | null, actions: Actions): HTMLElement {
  const selected = c.id === state.selectedId;
  const score = c.ok && c.score !== null ? fmt(c.score) : c.pending ? 'evaluating' : c.duplicateOf ? `= ${c.duplicateOf}` : 'failed';
  const delta = c.ok && c.score !== null && baseline !== null ? signed(c.score - baseline) : '';
  const row = h(
    'li',
    { role: 'option', id: `cand-${c.id}`, 'aria-selected': selected ? 'true' : 'false', class: `candidate${selected ? ' selected' : ''}${c.ok ? '' : ' failed'}`, 'data-id': c.id },
    h('span', { class: 'cand-id' }, c.id),
    h('span', { class: 'cand-score' }, score),
    h('span', { class: `cand-delta${delta.startsWith('+') ? ' up' : delta.startsWith('−') ? ' down' : ''}` }, delta),
    c.decision ? h('span', { class: `badge ${c.decision}` }, c.decision) : null,
    c.improvement ? h('span', { class: 'badge improvement', title: 'beat its parent on search and validation' }, 'improved') : null,
  );
  row.addEventListener('click', () => actions.select(c.id));
  return row;
}

function metricsTable(c: CandidateSummary): HTMLElement {
  const rows = Object.entries(c.metrics).map(([k, v]) => {
    const d = c.deltas[k];
    return h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, fmt(v)), h('td', { class: `delta${d === undefined ? '' : d > 0 ? ' up' : d < 0 ? ' down' : ''}` }, d === undefined ? '' : signed(d)));
  });
  return h('table', { class: 'metrics' }, h('thead', {}, h('tr', {}, h('th', {}, 'metric'), h('th', {}, 'value'), h('th', {}, 'vs baseline'))), h('tbody', {}, ...rows));
}

function diffView(state: ViewState): HTMLElement {
  if (state.detailError) return h('p', { class: 'error' }, state.detailError);
  const detail = state.detail;
  if (!detail) return h('p', { class: 'muted' }, 'Loading diff…');
  if (detail.hunks.length === 0) return h('p', { class: 'muted' }, 'Identical to the current file.');
  const lines: HTMLElement[] = [];
  for (const hunk of detail.hunks) {
    lines.push(h('div', { class: 'hunk' }, hunk.header));
    for (const l of hunk.lines) {
      const sign = l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' ';
      lines.push(h('div', { class: `line ${l.kind}` }, h('span', { class: 'ln' }, String(l.oldLine ?? '')), h('span', { class: 'ln' }, String(l.newLine ?? '')), `${sign} ${l.text}`));
    }
  }
  return h('div', { class: 'diff', role: 'region', 'aria-label': 'Diff against the current file', tabindex: '0' }, ...lines);
}

function detailPane(c: CandidateSummary, state: ViewState, actions: Actions): HTMLElement {
  const busy = state.busy.includes(c.id);
  const canAccept = c.ok && !c.pending && c.decision !== 'accepted';
  const note = h('textarea', { id: `note-${c.id}`, class: 'note', rows: '2', placeholder: 'Why reject it? (optional; steers later prompts)', 'aria-label': `Reason for rejecting ${c.id}` });
  note.value = state.drafts[c.id] ?? '';
  note.addEventListener('input', () => actions.draft(c.id, note.value));
  const icon = (name: string): HTMLElement => h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
  const accept = h('button', { id: 'accept', class: 'primary', disabled: !canAccept || busy }, icon('check'), busy ? ' Applying…' : ' Accept');
  accept.addEventListener('click', () => actions.post({ type: 'accept', candidateId: c.id }));
  const openDiff = h('button', { id: 'open-diff', class: 'secondary' }, icon('diff'), ' Open in Diff Editor');
  openDiff.addEventListener('click', () => actions.post({ type: 'open-diff', candidateId: c.id }));
  const reject = h('button', { id: 'reject', class: 'secondary', disabled: c.decision === 'rejected' || busy }, icon('close'), ' Reject');
  reject.addEventListener('click', () => {
    actions.post({ type: 'reject', candidateId: c.id, note: note.value });
    actions.draft(c.id, '');
  });
  return h(
    'section',
    { class: 'detail', 'aria-label': `Candidate ${c.id}` },
    h('h2', {}, `${c.id} `, h('span', { class: 'muted' }, `from ${c.parentIds[0] ?? 'start'} · ${c.generator} · island ${c.island}`)),
    c.error ? h('p', { class: 'error' }, c.error) : null,
    c.note ? h('p', { class: 'muted' }, `Rejected: ${c.note}`) : null,
    h('div', { class: 'scores' }, `search ${fmt(c.score)}`, c.validation !== undefined ? ` · validation ${fmt(c.validation)}` : ''),
    Object.keys(c.metrics).length ? metricsTable(c) : null,
    c.explanation ? h('blockquote', { class: 'explanation' }, c.explanation) : null,
    state.detail?.fileChanged ? h('p', { class: 'warning' }, 'The file changed since this run started: Accept rebases onto your edits outside the evolvable blocks, or refuses.') : null,
    h('div', { class: 'actions' }, accept, openDiff),
    h('div', { class: 'reject' }, note, reject),
    diffView(state),
  );
}

export function render(root: HTMLElement, state: ViewState, actions: Actions): void {
  const focusedId = (document.activeElement as HTMLElement | null)?.id;
  const focusedSel = document.activeElement instanceof HTMLTextAreaElement ? document.activeElement.selectionStart : undefined;
  root.replaceChildren();
  const snap = state.snapshot;
  if (!state.trusted) root.append(h('p', { class: 'warning' }, 'Restricted mode: this workspace is not trusted, so nothing is evaluated or evolved. History, diffs and decisions still work.'));
  if (!snap) {
    root.append(h('div', { class: 'empty' }, h('h1', {}, 'No runs yet'), h('p', {}, 'Open a policy file and run “Policy Evolver: Evolve This Policy”.')));
    return;
  }
  const runPicker = h('select', { id: 'run', 'aria-label': 'Run' }, ...state.runs.map((r) => h('option', { value: r.runId, selected: r.runId === snap.runId }, `${r.fileName} · ${r.startedAt.slice(0, 16).replace('T', ' ')} · ${r.status}`)));
  runPicker.addEventListener('change', () => actions.post({ type: 'select-run', runId: runPicker.value }));
  const progress = `${snap.evaluated}${snap.target !== undefined ? `/${snap.target}` : ''} candidates · best ${fmt(snap.bestScore)} (start ${fmt(snap.initialScore)}) · $${snap.spendUsd.toFixed(2)}${snap.workers ? ` · ${snap.workers.evaluators} remote evaluator(s)` : ''}`;
  root.append(
    h('header', {}, h('h1', {}, snap.fileName), runPicker, h('span', { class: `status ${snap.status}`, id: 'run-status' }, snap.status), h('span', { class: 'muted', id: 'progress' }, progress)),
    h('div', { class: `notice ${state.notice?.level ?? ''}`, role: 'status', 'aria-live': 'polite', id: 'notice' }, state.notice?.message ?? ''),
  );
  const list = visibleCandidates(state);
  const listbox = h('ul', { role: 'listbox', id: 'candidates', tabindex: '0', 'aria-label': 'Candidates ranked by score', ...(state.selectedId ? { 'aria-activedescendant': `cand-${state.selectedId}` } : {}) }, ...list.map((c) => candidateRow(c, state, snap.initialScore, actions)));
  listbox.addEventListener('keydown', (e) => actions.key(e));
  const selected = list.find((c) => c.id === state.selectedId);
  root.append(
    h(
      'main',
      {},
      h('nav', {}, list.length ? listbox : h('p', { class: 'muted' }, snap.status === 'running' ? 'Waiting for the first candidates…' : 'This run has no candidates.')),
      selected ? detailPane(selected, state, actions) : h('section', { class: 'detail muted' }, 'Select a candidate.'),
    ),
    h('section', { class: 'history', 'aria-label': 'Score history' }, h('h2', {}, 'Score history'), renderChart(snap, state.selectedId), h('p', { class: 'legend muted' }, 'dots: search score by island · rings: validation · line: best so far · ×: failed')),
  );
  if (snap.pareto?.members.length) {
    const pareto = snap.pareto;
    root.append(
      h(
        'section',
        { class: 'pareto', id: 'pareto', 'aria-label': 'Pareto front' },
        h('h2', {}, `Pareto front (${pareto.members.length})`),
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'candidate'), h('th', {}, 'score'), ...pareto.objectives.map((o) => h('th', {}, o)))),
          h('tbody', {}, ...pareto.members.map((m) => h('tr', {}, h('td', {}, m.id), h('td', {}, fmt(m.score)), ...m.values.map((v) => h('td', {}, v.toFixed(3)))))),
        ),
      ),
    );
  }
  if (snap.leaderboard?.length) {
    root.append(
      h(
        'section',
        { class: 'leaderboard', id: 'leaderboard', 'aria-label': 'ELO leaderboard' },
        h('h2', {}, 'Self-play ELO leaderboard'),
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'ELO'), h('th', {}, 'policy'), h('th', {}, 'round'), h('th', {}, 'level'), h('th', {}, 'reward'))),
          h('tbody', {}, ...snap.leaderboard.map((r) => h('tr', {}, h('td', {}, r.rating.toFixed(0)), h('td', {}, r.id), h('td', {}, String(r.round)), h('td', {}, r.level), h('td', {}, fmt(r.reward))))),
        ),
      ),
    );
  }
  if (focusedId) {
    const again = document.getElementById(focusedId);
    if (again) {
      again.focus();
      if (again instanceof HTMLTextAreaElement && focusedSel !== undefined && focusedSel !== null) again.setSelectionRange(focusedSel, focusedSel);
    }
  }
}
