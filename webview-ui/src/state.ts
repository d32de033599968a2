// The review panel's view state as a pure reducer over host messages, so it can be tested
// without a browser. The host's snapshot is the truth; the view adds selection and note drafts.
import type { CandidateSummary, RunListEntry, RunSnapshot, SelfPlayView } from '../../src/messages/lsp';
import type { CandidateDetail, HostMessage, PersistedViewState } from '../../src/messages/webview';

export interface ViewState {
  snapshot: RunSnapshot | null;
  runs: RunListEntry[];
  trusted: boolean;
  selectedId: string | undefined;
  /** The person chose the selection; until then it follows the run's best as results arrive. */
  pinned: boolean;
  detail: CandidateDetail | undefined;
  detailError: string | undefined;
  busy: string[];
  notice: { level: 'info' | 'error'; message: string } | undefined;
  drafts: Record<string, string>;
  /** A counterexample the user asked to see (from a diagnostic or a verdict in the panel). */
  counterexample: { title: string; text: string } | undefined;
  /** Self-play of a cluster policy (live progress, or its latest report). */
  selfPlay: SelfPlayView | undefined;
  /** The decision whose reason is shown (a task of the selected candidate's explained workload). */
  decisionSubject: string | undefined;
}

export function initialState(persisted?: PersistedViewState): ViewState {
  return {
    snapshot: null,
    runs: [],
    trusted: true,
    selectedId: persisted?.selectedId,
    pinned: persisted?.selectedId !== undefined,
    detail: undefined,
    detailError: undefined,
    busy: [],
    notice: undefined,
    drafts: { ...(persisted?.drafts ?? {}) },
    counterexample: undefined,
    selfPlay: undefined,
    decisionSubject: undefined,
  };
}

/** Candidates the list shows: everything but the starting program, in the host's ranking. */
export function visibleCandidates(state: ViewState): CandidateSummary[] {
  return state.snapshot?.candidates.filter((c) => c.index > 0) ?? [];
}

/** The run's best (as the header names it) when it is a candidate, else the first scored one. */
function defaultSelection(list: CandidateSummary[], bestId: string | undefined): string | undefined {
  return (list.find((c) => c.id === bestId) ?? list.find((c) => c.ok && !c.duplicateOf) ?? list[0])?.id;
}

export function reduce(state: ViewState, message: HostMessage): ViewState {
  switch (message.type) {
    case 'snapshot': {
      const runChanged = state.snapshot?.runId !== message.snapshot?.runId && state.snapshot !== null;
      const next: ViewState = { ...state, snapshot: message.snapshot, runs: message.runs, trusted: message.trusted };
      const list = visibleCandidates(next);
      const keep = !runChanged && state.pinned && state.selectedId !== undefined && list.some((c) => c.id === state.selectedId);
      next.selectedId = keep ? state.selectedId : defaultSelection(list, message.snapshot?.bestId);
      next.pinned = keep;
      if (next.selectedId !== state.selectedId || runChanged) {
        next.detail = undefined;
        next.detailError = undefined;
      }
      return next;
    }
    case 'detail':
      if (message.detail.candidateId !== state.selectedId || message.detail.runId !== state.snapshot?.runId) return state;
      // Another candidate's decisions: start from its first one; a refresh of the same keeps the pick.
      return { ...state, detail: message.detail, detailError: undefined, decisionSubject: state.detail?.candidateId === message.detail.candidateId ? state.decisionSubject : undefined };
    case 'detail-error':
      return message.candidateId === state.selectedId ? { ...state, detail: undefined, detailError: message.message } : state;
    case 'busy':
      return { ...state, busy: message.busy ? [...new Set([...state.busy, message.candidateId])] : state.busy.filter((id) => id !== message.candidateId) };
    case 'notice':
      return { ...state, notice: { level: message.level, message: message.message } };
    case 'counterexample':
      return { ...state, counterexample: { title: message.title, text: message.text } };
    case 'selfplay':
      return { ...state, selfPlay: message.view };
  }
}

export function showCounterexample(state: ViewState, counterexample: { title: string; text: string } | undefined): ViewState {
  return { ...state, counterexample };
}

export function select(state: ViewState, candidateId: string): ViewState {
  if (state.selectedId === candidateId) return state.pinned ? state : { ...state, pinned: true };
  return { ...state, selectedId: candidateId, pinned: true, detail: undefined, detailError: undefined };
}

/** Keyboard navigation in the candidate list. */
export function moveSelection(state: ViewState, key: 'ArrowUp' | 'ArrowDown' | 'Home' | 'End'): string | undefined {
  const list = visibleCandidates(state);
  if (list.length === 0) return undefined;
  const at = list.findIndex((c) => c.id === state.selectedId);
  const index = key === 'Home' ? 0 : key === 'End' ? list.length - 1 : key === 'ArrowUp' ? Math.max(0, at - 1) : Math.min(list.length - 1, at < 0 ? 0 : at + 1);
  return list[index]?.id;
}

export function chooseDecision(state: ViewState, subject: string): ViewState {
  return { ...state, decisionSubject: subject };
}

export function setDraft(state: ViewState, candidateId: string, text: string): ViewState {
  const drafts = { ...state.drafts };
  if (text) drafts[candidateId] = text;
  else delete drafts[candidateId];
  return { ...state, drafts };
}

export function persisted(state: ViewState): PersistedViewState {
  return { ...(state.snapshot ? { runId: state.snapshot.runId } : {}), ...(state.selectedId ? { selectedId: state.selectedId } : {}), drafts: state.drafts };
}
