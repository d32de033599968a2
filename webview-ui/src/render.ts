// Renders the view state into DOM nodes (textContent only: candidate text never becomes HTML).
// Layout: header and failure banner, the candidate list and the selected candidate's detail (one
// column when narrow), the score history, then rejected proposals, Pareto front and leaderboard.
// Accept and Reject live in a bar pinned to the bottom of the panel, so they are always in view.
import type { CandidateSummary, CheckView, FailureKind, RunSnapshot } from '../../src/messages/lsp';
import type { FailureAction, WebviewMessage } from '../../src/messages/webview';
import { renderChart } from './chart';
import { renderMarkdown } from './markdown-dom';
import { fmt, judge, metricDirection, scoreMeaning, signed, type Verdict } from './rules';
import { ViewState, visibleCandidates } from './state';

export { fmt } from './rules';

export interface Actions {
  post(message: WebviewMessage): void;
  select(candidateId: string): void;
  draft(candidateId: string, text: string): void;
  key(event: KeyboardEvent): void;
  counterexample(value: { title: string; text: string } | undefined): void;
  /** Show the reason of another decision. */
  decision(subject: string): void;
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

const icon = (name: string): HTMLElement => h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });

/** A difference with its meaning: colour and words say better or worse, not the sign. */
function delta(value: number | undefined, verdict: Verdict): HTMLElement {
  if (value === undefined || !Number.isFinite(value)) return h('span', { class: 'delta' }, '');
  return h('span', { class: `delta ${verdict}`, title: verdict === 'same' ? 'unchanged' : `${verdict} than the starting program` }, signed(value));
}

const STATUS_LABEL: Record<RunSnapshot['status'], string> = { running: 'running', ended: 'finished', cancelled: 'cancelled', stopped: 'interrupted', failed: 'failed' };

const ACTIONS_FOR: Record<FailureKind, { action: FailureAction; label: string }[]> = {
  auth: [
    { action: 'set-api-key', label: 'Set API Key' },
    { action: 'open-settings', label: 'Open Settings' },
    { action: 'show-log', label: 'Show Log' },
  ],
  endpoint: [
    { action: 'open-settings', label: 'Open Settings' },
    { action: 'show-log', label: 'Show Log' },
  ],
  'rate-limit': [
    { action: 'open-settings', label: 'Open Settings' },
    { action: 'show-log', label: 'Show Log' },
  ],
  config: [
    { action: 'open-settings', label: 'Open Settings' },
    { action: 'show-log', label: 'Show Log' },
  ],
  'no-candidates': [
    { action: 'open-settings', label: 'Open Settings' },
    { action: 'show-log', label: 'Show Log' },
  ],
  'starting-program': [{ action: 'show-log', label: 'Show Log' }],
  error: [{ action: 'show-log', label: 'Show Log' }],
};

function failureBanner(snap: RunSnapshot, actions: Actions): HTMLElement | null {
  if (!snap.failure) return null;
  const buttons = ACTIONS_FOR[snap.failure.kind].map((a) => {
    const b = h('button', { class: 'secondary', 'data-action': a.action }, a.label);
    b.addEventListener('click', () => actions.post({ type: 'action', action: a.action }));
    return b;
  });
  return h('div', { class: 'banner error', role: 'alert', id: 'failure' }, icon('error'), h('div', { class: 'banner-text' }, h('strong', {}, 'This run failed: '), snap.failure.message), h('div', { class: 'banner-actions' }, ...buttons));
}

function candidateRow(c: CandidateSummary, state: ViewState, bestId: string, actions: Actions): HTMLElement {
  const selected = c.id === state.selectedId;
  const score = c.ok && c.score !== null ? fmt(c.score) : c.pending ? 'evaluating…' : c.duplicateOf ? `= ${c.duplicateOf}` : 'failed';
  const diff = c.ok && c.score !== null && c.baselineScore !== null ? c.score - c.baselineScore : undefined;
  const violated = c.checks.some((k) => k.status === 'violated');
  const row = h(
    'li',
    {
      role: 'option',
      id: `cand-${c.id}`,
      'aria-selected': selected ? 'true' : 'false',
      class: `candidate${selected ? ' selected' : ''}${c.pending ? ' pending' : !c.ok ? ' failed' : ''}`,
      'data-id': c.id,
      title: c.cascadeStopped ? `scored on ${c.workloadsScored} workload(s) only (the cascade stopped it early); compared with the starting program on the same ones` : '',
    },
    h('span', { class: 'cand-id' }, c.id),
    h('span', { class: 'cand-score' }, c.pending ? icon('loading codicon-modifier-spin') : null, score, c.cascadeStopped ? h('span', { class: 'subset' }, ` (${c.workloadsScored})`) : null),
    delta(diff, diff === undefined ? 'same' : judge(diff, 'higher')),
    h(
      'span',
      { class: 'badges' },
      c.id === bestId ? h('span', { class: 'badge best', title: 'the run’s best: highest search score that also beat its parent on validation' }, 'best') : null,
      violated ? h('span', { class: 'badge violated', title: c.concerns.join('; ') }, 'violated') : null,
      c.decision ? h('span', { class: `badge ${c.decision}` }, c.decision) : null,
      c.improvement && c.id !== bestId ? h('span', { class: 'badge improvement', title: 'beat its parent on search and validation' }, 'improved') : null,
    ),
  );
  row.addEventListener('click', () => actions.select(c.id));
  return row;
}

function scroller(table: HTMLElement, label: string): HTMLElement {
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': label, tabindex: '0' }, table);
}

/** Search, validation and holdout of the starting program, the best and the selected candidate. */
function scoresTable(c: CandidateSummary, snap: RunSnapshot): HTMLElement {
  const start = snap.candidates.find((x) => x.index === 0);
  const best = snap.candidates.find((x) => x.id === snap.bestId && x.index > 0 && x.id !== c.id);
  const columns = [{ label: 'start', cand: start }, ...(best ? [{ label: `best ${best.id}`, cand: best }] : []), { label: c.id, cand: c }];
  const cell = (value: number | null | undefined, base: number | null | undefined, isStart: boolean): HTMLElement => {
    if (value === undefined) return h('td', { class: 'na', title: 'not scored on this set' }, '–');
    const d = !isStart && value !== null && base !== null && base !== undefined ? value - base : undefined;
    return h('td', {}, fmt(value), d !== undefined ? h('span', { class: 'cell-delta' }, delta(d, judge(d, 'higher'))) : null);
  };
  const rows: [string, (x: CandidateSummary) => number | null | undefined, (x: CandidateSummary) => number | null | undefined][] = [
    ['search', (x) => (x.ok ? x.score : null), (x) => x.baselineScore],
    ['validation', (x) => x.validation, () => start?.validation],
    ['holdout', (x) => x.holdout, () => start?.holdout],
  ];
  return scroller(
    h(
      'table',
      { class: 'scores-table', id: 'scores' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), ...columns.map((col) => h('th', { scope: 'col' }, col.label)))),
      h(
        'tbody',
        {},
        ...rows.map(([name, get, base]) =>
          h('tr', { 'data-set': name }, h('th', { scope: 'row' }, name), ...columns.map((col) => (col.cand ? cell(get(col.cand), base(col.cand), col.cand.index === 0) : h('td', {}, '–')))),
        ),
      ),
    ),
    'Scores on the search, validation and holdout sets',
  );
}

function metricsTable(c: CandidateSummary, snap: RunSnapshot): HTMLElement {
  const rows = Object.entries(c.metrics).map(([k, v]) => {
    const d = c.deltas[k];
    const direction = metricDirection(k, snap.lowerIsBetter);
    return h('tr', {}, h('th', { scope: 'row', title: `${direction} is better` }, k), h('td', {}, fmt(v)), h('td', {}, d === undefined ? '' : delta(d, judge(d, direction))));
  });
  const note = c.index > 0 && Object.keys(c.deltas).length === 0 && c.workloadsScored < snap.searchWorkloads ? `scored on ${c.workloadsScored} of ${snap.searchWorkloads} workloads: totals not comparable` : 'vs start';
  return scroller(h('table', { class: 'metrics' }, h('thead', {}, h('tr', {}, h('th', {}, 'metric'), h('th', {}, 'value'), h('th', {}, note))), h('tbody', {}, ...rows)), 'Metrics');
}

function workloadTable(c: CandidateSummary, snap: RunSnapshot): HTMLElement | null {
  if (!c.workloads.length) return null;
  const best = snap.candidates.find((x) => x.id === snap.bestId && x.index > 0 && x.id !== c.id);
  const bestBy = new Map((best?.workloads ?? []).map((w) => [w.id, w]));
  return h(
    'details',
    { class: 'workloads', open: true },
    h('summary', {}, `Per workload (${c.workloads.length})`),
    scroller(
      h(
        'table',
        { id: 'per-workload' },
        h('thead', {}, h('tr', {}, h('th', {}, 'workload'), h('th', {}, 'start'), best ? h('th', {}, `best ${best.id}`) : null, h('th', {}, c.id))),
        h(
          'tbody',
          {},
          ...c.workloads.map((w) => {
            const d = w.score !== null && w.baseline !== null ? w.score - w.baseline : undefined;
            const b = bestBy.get(w.id);
            return h(
              'tr',
              { class: w.ok ? '' : 'failed', title: w.error ?? '' },
              h('th', { scope: 'row' }, w.id),
              h('td', {}, fmt(w.baseline)),
              best ? h('td', {}, b ? fmt(b.score) : '–') : null,
              h('td', {}, w.ok ? fmt(w.score) : 'failed', d !== undefined && w.ok ? h('span', { class: 'cell-delta' }, delta(d, judge(d, 'higher'))) : null),
            );
          }),
        ),
      ),
      'Scores per workload',
    ),
  );
}

function checksView(checks: CheckView[], actions: Actions): HTMLElement | null {
  if (!checks.length) return null;
  const order = { violated: 0, unknown: 1, verified: 2 } as const;
  const sorted = [...checks].sort((a, b) => order[a.status] - order[b.status]);
  return h(
    'ul',
    { class: 'checks', id: 'checks', 'aria-label': 'Verdicts' },
    ...sorted.map((c) => {
      const label = c.status === 'violated' ? (c.kind === 'guardrail' ? 'GUARDRAIL BROKEN' : 'VIOLATED') : c.status === 'unknown' ? 'UNKNOWN' : 'VERIFIED';
      const show = c.evidence ? h('button', { class: 'link' }, 'Show Counterexample') : null;
      show?.addEventListener('click', () => actions.counterexample({ title: `${c.name} at ${c.scope}`, text: c.evidence as string }));
      return h(
        'li',
        { class: `check ${c.status}` },
        icon(c.status === 'violated' ? 'error' : c.status === 'unknown' ? 'question' : 'pass'),
        h('span', {}, h('strong', {}, `${label} `), c.status === 'verified' ? `${c.name} (${c.scope})` : `${c.name} at ${c.scope}`, c.detail && c.status !== 'verified' ? h('span', { class: 'muted' }, ` — ${c.detail}`) : null),
        show,
      );
    }),
  );
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

function detailPane(c: CandidateSummary, snap: RunSnapshot, state: ViewState, actions: Actions): HTMLElement {
  const note = h('textarea', { id: `note-${c.id}`, class: 'note', rows: '2', placeholder: 'Why reject it? (optional; steers later prompts)', 'aria-label': `Reason for rejecting ${c.id}` });
  note.value = state.drafts[c.id] ?? '';
  note.addEventListener('input', () => actions.draft(c.id, note.value));
  const pendingOrFailed = c.pending ? h('p', { class: 'muted' }, icon('loading codicon-modifier-spin'), ' Still being evaluated.') : c.error ? h('p', { class: 'error' }, c.error.split('\n')[0] ?? c.error) : null;
  return h(
    'section',
    { class: 'detail', 'aria-label': `Candidate ${c.id}` },
    h('h2', {}, `${c.id} `, h('span', { class: 'muted' }, `from ${c.parentIds[0] ?? 'start'} · ${c.generator} · island ${c.island}`)),
    pendingOrFailed,
    c.concerns.length ? h('div', { class: 'concerns warning', id: 'concerns' }, h('strong', {}, 'Accepting needs a confirmation: '), c.concerns.join('; '), '.') : null,
    checksView(c.checks, actions),
    c.note ? h('p', { class: 'muted' }, `Rejected: ${c.note}`) : null,
    scoresTable(c, snap),
    workloadTable(c, snap),
    Object.keys(c.metrics).length ? metricsTable(c, snap) : null,
    c.explanation ? h('div', { class: 'explanation', id: 'explanation' }, renderMarkdown(c.explanation)) : null,
    decisionsView(state, actions),
    state.detail?.fileChanged ? h('p', { class: 'warning' }, 'The file changed since this run started: Accept rebases onto your edits outside the evolvable blocks, or refuses.') : null,
    h('label', { class: 'note-label', for: `note-${c.id}` }, 'Reason for rejecting (optional)'),
    note,
    diffView(state),
  );
}

/** The reasons the candidate gave, one decision at a time: pick a task, read why it went where it went. */
function decisionsView(state: ViewState, actions: Actions): HTMLElement | null {
  const trace = state.detail?.decisions;
  const first = trace?.notes[0];
  if (!trace || !first) return null;
  const chosen = trace.notes.find((n) => n.subject === state.decisionSubject) ?? first;
  const picker = h('select', { id: 'decision-task' }, ...trace.notes.map((n) => h('option', { value: n.subject, selected: n === chosen }, n.subject)));
  picker.addEventListener('change', () => actions.decision(picker.value));
  return h(
    'section',
    { class: 'decisions', id: 'decisions', 'aria-label': 'Decisions' },
    h('h3', {}, 'Decisions ', h('span', { class: 'muted' }, `on ${trace.workload} (first ${trace.notes.length} with a reason)`)),
    h('label', { for: 'decision-task' }, 'Task '),
    picker,
    h('p', { id: 'decision-reason', 'aria-live': 'polite' }, h('strong', {}, `${chosen.subject} → ${chosen.choice}`), h('span', { class: 'muted' }, ` at ${fmt(chosen.time)} s`), `: ${chosen.reason}`),
  );
}

/** The bar pinned to the bottom: the selected candidate's Accept, Reject and diff, always in view. */
function actionBar(c: CandidateSummary, state: ViewState, actions: Actions): HTMLElement {
  const busy = state.busy.includes(c.id);
  const canAccept = c.ok && !c.pending && c.decision !== 'accepted';
  const accept = h('button', { id: 'accept', class: 'primary', disabled: !canAccept || busy, title: c.concerns.length ? `Needs a confirmation: ${c.concerns.join('; ')}` : `Write ${c.id} into the file (Ctrl+Z undoes it)` }, icon(c.concerns.length ? 'warning' : 'check'), busy ? ' Applying…' : ' Accept');
  accept.addEventListener('click', () => actions.post({ type: 'accept', candidateId: c.id }));
  const reject = h('button', { id: 'reject', class: 'secondary', disabled: c.decision === 'rejected' || busy }, icon('close'), ' Reject');
  reject.addEventListener('click', () => {
    // The note box lives in the detail pane; its text is newer than any rendered state.
    const note = document.getElementById(`note-${c.id}`);
    actions.post({ type: 'reject', candidateId: c.id, note: note instanceof HTMLTextAreaElement ? note.value : (state.drafts[c.id] ?? '') });
    actions.draft(c.id, '');
  });
  const openDiff = h('button', { id: 'open-diff', class: 'secondary', title: 'Open in Diff Editor' }, icon('diff'), h('span', { class: 'wide-only' }, ' Diff'));
  openDiff.addEventListener('click', () => actions.post({ type: 'open-diff', candidateId: c.id }));
  const score = c.ok && c.score !== null ? fmt(c.score) : c.pending ? 'evaluating' : 'failed';
  return h('div', { class: 'action-bar', id: 'action-bar', role: 'toolbar', 'aria-label': `Decide on ${c.id}` }, h('span', { class: 'bar-label' }, h('strong', {}, c.id), ` ${score}`), accept, reject, openDiff);
}

function rejectedSection(snap: RunSnapshot): HTMLElement | null {
  if (!snap.rejected.length) return null;
  const total = snap.failed - snap.candidates.filter((c) => c.index > 0 && !c.ok && !c.pending).length;
  return h(
    'details',
    { class: 'rejected', id: 'rejected', open: snap.evaluated === 0 },
    h('summary', {}, `Rejected before evaluation (${Math.max(total, snap.rejected.length)})`),
    h('ul', {}, ...snap.rejected.map((r) => h('li', {}, h('span', { class: 'cand-id' }, `#${r.index}`), ' ', r.error))),
  );
}

function leaderboardTable(rows: NonNullable<RunSnapshot['leaderboard']>): HTMLElement {
  return scroller(
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'ELO'), h('th', {}, 'policy'), h('th', {}, 'round'), h('th', {}, 'level'), h('th', {}, 'reward'))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, h('td', {}, r.rating.toFixed(0)), h('td', {}, r.id), h('td', {}, String(r.round)), h('td', {}, r.level), h('td', {}, fmt(r.reward))))),
    ),
    'ELO leaderboard',
  );
}

/** Self-play: where the curriculum is, the ELO leaderboard, and the latest progress lines. */
function selfPlayView(state: ViewState): HTMLElement | null {
  const sp = state.selfPlay;
  if (!sp) return null;
  const status = sp.running ? 'running' : sp.result ? (sp.result.ok ? 'finished' : 'failed') : 'latest report';
  const steps = sp.curriculum ?? [];
  return h(
    'section',
    { class: 'selfplay', id: 'selfplay', 'aria-label': `Self-play of ${sp.fileName}` },
    h('div', { class: 'section-head' }, h('h2', {}, `Self-play of ${sp.fileName}`), h('span', { class: `status ${sp.running ? 'running' : sp.result && !sp.result.ok ? 'failed' : 'ended'}` }, status)),
    sp.result ? h('p', { class: sp.result.ok ? 'muted' : 'error' }, sp.result.message) : null,
    steps.length
      ? h(
          'div',
          { id: 'curriculum' },
          h('h3', {}, `Curriculum${sp.levelReached ? `: reached ${sp.levelReached}` : ''}`),
          h(
            'ol',
            { class: 'curriculum' },
            ...steps.map((s) => h('li', { class: s.advanced ? 'advanced' : '' }, `round ${s.round} · ${s.level} · ${s.successes}/${s.total} scenarios won (${Math.round(s.rate * 100)}%)`, s.advanced ? h('strong', {}, ' → next level') : null)),
          ),
        )
      : null,
    sp.leaderboard?.length ? h('div', { id: 'selfplay-leaderboard' }, h('h3', {}, 'ELO leaderboard'), leaderboardTable(sp.leaderboard)) : null,
    sp.lines.length ? h('pre', { class: 'selfplay-log', 'aria-label': 'Latest progress' }, sp.lines.slice(-8).join('\n')) : null,
  );
}

function counterexampleView(state: ViewState, actions: Actions): HTMLElement | null {
  const ce = state.counterexample;
  if (!ce) return null;
  const close = h('button', { class: 'secondary', 'aria-label': 'Close the counterexample' }, icon('close'));
  close.addEventListener('click', () => actions.counterexample(undefined));
  return h('section', { class: 'counterexample', id: 'counterexample', 'aria-label': 'Counterexample' }, h('div', { class: 'section-head' }, h('h2', {}, `Counterexample: ${ce.title}`), close), h('pre', {}, ce.text));
}

export function render(root: HTMLElement, state: ViewState, actions: Actions): void {
  const focusedId = (document.activeElement as HTMLElement | null)?.id;
  const focusedSel = document.activeElement instanceof HTMLTextAreaElement ? document.activeElement.selectionStart : undefined;
  root.replaceChildren();
  const snap = state.snapshot;
  if (!state.trusted) root.append(h('p', { class: 'warning' }, 'Restricted mode: this workspace is not trusted, so nothing is evaluated or evolved. History, diffs and decisions still work.'));
  const ce = counterexampleView(state, actions);
  const selfPlay = selfPlayView(state);
  if (!snap) {
    if (ce) root.append(ce);
    if (selfPlay) {
      root.append(selfPlay);
      return;
    }
    root.append(h('div', { class: 'empty' }, h('h1', {}, 'No runs yet'), h('p', {}, 'Open a policy file and run “Policy Evolver: Evolve This Policy”.')));
    return;
  }
  const runPicker = h('select', { id: 'run', 'aria-label': 'Run' }, ...state.runs.map((r) => h('option', { value: r.runId, selected: r.runId === snap.runId }, `${r.fileName} · ${r.startedAt.slice(0, 16).replace('T', ' ')} · ${STATUS_LABEL[r.status]}`)));
  runPicker.addEventListener('change', () => actions.post({ type: 'select-run', runId: runPicker.value }));
  const best = snap.candidates.find((c) => c.id === snap.bestId);
  // The best is the champion: it had to beat its parent on search and validation. When none did,
  // the starting program is still the best, and the header says so rather than naming a row.
  const bestText = best && best.index > 0 ? `best ${best.id} ${fmt(snap.bestScore)} (start ${fmt(snap.initialScore)})` : `best: still the starting program (${fmt(snap.initialScore)}); no candidate beat it on search and validation`;
  const progress = `${snap.evaluated}${snap.target !== undefined ? `/${snap.target}` : ''} candidates · ${bestText} · $${snap.spendUsd.toFixed(2)} · seed ${snap.seed}${snap.workers ? ` · ${snap.workers.evaluators} remote evaluator(s)` : ''}`;
  root.append(
    h('header', {}, h('h1', {}, snap.fileName), h('span', { class: `status ${snap.status}`, id: 'run-status' }, STATUS_LABEL[snap.status]), runPicker, h('span', { class: 'muted', id: 'progress' }, progress)),
    h('p', { class: 'muted meaning', id: 'meaning' }, scoreMeaning(snap.relativeTo, snap.initialScore)),
  );
  const banner = failureBanner(snap, actions);
  if (banner) root.append(banner);
  root.append(h('div', { class: `notice ${state.notice?.level ?? ''}`, role: 'status', 'aria-live': 'polite', id: 'notice' }, state.notice?.message ?? ''));
  if (ce) root.append(ce);
  if (selfPlay) root.append(selfPlay);
  const list = visibleCandidates(state);
  const listbox = h('ul', { role: 'listbox', id: 'candidates', tabindex: '0', 'aria-label': 'Candidates, best first', ...(state.selectedId ? { 'aria-activedescendant': `cand-${state.selectedId}` } : {}) }, ...list.map((c) => candidateRow(c, state, snap.bestId, actions)));
  listbox.addEventListener('keydown', (e) => actions.key(e));
  const selected = list.find((c) => c.id === state.selectedId);
  const empty = snap.status === 'running' ? 'Waiting for the first candidates…' : snap.failure ? 'No candidate was evaluated.' : 'This run has no candidates.';
  const width = Math.max(260, Math.min(900, (root.clientWidth || 560) - 4));
  root.append(
    h('main', {}, h('nav', { 'aria-label': 'Candidates' }, list.length ? listbox : h('p', { class: 'muted' }, empty)), selected ? detailPane(selected, snap, state, actions) : h('section', { class: 'detail muted' }, list.length ? 'Select a candidate.' : '')),
    h('section', { class: 'history', 'aria-label': 'Score history' }, h('h2', {}, 'Score history'), renderChart(snap, state.selectedId, width), h('p', { class: 'legend muted' }, 'dots: search score by island · rings: validation · line: best so far · dashed: start · ▼: below the scale · ×: failed · ✓/✕: accepted/rejected')),
  );
  const rejected = rejectedSection(snap);
  if (rejected) root.append(rejected);
  if (snap.pareto?.members.length) {
    const pareto = snap.pareto;
    root.append(
      h(
        'section',
        { class: 'pareto', id: 'pareto', 'aria-label': 'Pareto front' },
        h('h2', {}, `Pareto front (${pareto.members.length})`),
        scroller(
          h(
            'table',
            {},
            h('thead', {}, h('tr', {}, h('th', {}, 'candidate'), h('th', {}, 'score'), ...pareto.objectives.map((o) => h('th', {}, o)))),
            h('tbody', {}, ...pareto.members.map((m) => h('tr', {}, h('td', {}, m.id), h('td', {}, fmt(m.score)), ...m.values.map((v) => h('td', {}, v.toFixed(3)))))),
          ),
          'Pareto front',
        ),
      ),
    );
  }
  if (snap.leaderboard?.length && state.selfPlay?.file !== snap.file) {
    root.append(h('section', { class: 'leaderboard', id: 'leaderboard', 'aria-label': 'ELO leaderboard' }, h('h2', {}, 'Self-play ELO leaderboard'), leaderboardTable(snap.leaderboard)));
  }
  if (selected) root.append(actionBar(selected, state, actions));
  if (focusedId) {
    const again = document.getElementById(focusedId);
    if (again) {
      again.focus();
      if (again instanceof HTMLTextAreaElement && focusedSel !== undefined && focusedSel !== null) again.setSelectionRange(focusedSel, focusedSel);
    }
  }
}
