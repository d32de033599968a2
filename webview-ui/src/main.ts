// Review panel bootstrap: restores view state, announces itself to the host (which answers with a
// snapshot), and re-renders on every host message.
import { isHostMessage, PersistedViewState, WebviewMessage } from '../../src/messages/webview';
import { render } from './render';
import { chooseDecision, initialState, moveSelection, persisted, reduce, select, setDraft, showCounterexample, ViewState } from './state';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PersistedViewState | undefined;
  setState(state: PersistedViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') as HTMLElement;
let state: ViewState = initialState(vscode.getState());

function update(next: ViewState): void {
  const selectionChanged = next.selectedId !== state.selectedId || next.snapshot?.runId !== state.snapshot?.runId;
  state = next;
  vscode.setState(persisted(state));
  if (selectionChanged && state.selectedId && !state.detail) vscode.postMessage({ type: 'select', candidateId: state.selectedId });
  render(root, state, actions);
}

const actions = {
  post: (message: WebviewMessage) => vscode.postMessage(message),
  select: (candidateId: string) => {
    update(select(state, candidateId));
    document.getElementById('candidates')?.focus();
  },
  counterexample: (value: { title: string; text: string } | undefined) => {
    state = showCounterexample(state, value);
    render(root, state, actions);
    if (value) document.getElementById('counterexample')?.scrollIntoView({ block: 'start' });
  },
  decision: (subject: string) => {
    state = chooseDecision(state, subject);
    render(root, state, actions);
    document.getElementById('decision-task')?.focus();
  },
  draft: (candidateId: string, text: string) => {
    state = setDraft(state, candidateId, text);
    vscode.setState(persisted(state));
  },
  key: (e: KeyboardEvent) => {
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown' || e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const id = moveSelection(state, e.key);
      if (id) actions.select(id);
    } else if (e.key === 'Enter' && state.selectedId) {
      e.preventDefault();
      vscode.postMessage({ type: 'open-diff', candidateId: state.selectedId });
    }
  },
};

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) update(reduce(state, event.data));
});

// The chart is drawn at the panel's width; redraw when the panel is resized.
let lastWidth = root.clientWidth;
new ResizeObserver(() => {
  if (Math.abs(root.clientWidth - lastWidth) < 8) return;
  lastWidth = root.clientWidth;
  render(root, state, actions);
}).observe(root);

render(root, state, actions);
vscode.postMessage({ type: 'ready' });
