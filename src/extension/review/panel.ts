// The review panel host. The webview is disposable and holds no truth: whenever it (re)announces
// itself with `ready`, or becomes visible again, the host sends a fresh snapshot from the server.
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import type { ServerClient } from '../client';
import type { RunSnapshot, SelfPlayView } from '../../messages/lsp';
import { HostMessage, parseWebviewMessage, PersistedViewState, WebviewMessage } from '../../messages/webview';
import { reviewHtml } from './html';
import { diffHunks } from './diff-hunks';
import { acceptCandidate, rejectCandidate } from './accept';
import { candidateUri } from './candidate-documents';

export const REVIEW_VIEW_TYPE = 'policyEvolver.review';

export class ReviewPanel implements vscode.Disposable {
  private static current: ReviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private snapshot: RunSnapshot | null = null;
  private selected: string | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Re-sent after the webview (re)announces itself, so a counterexample shown on open is not lost. */
  private pendingCounterexample: { title: string; text: string } | undefined;
  private pendingSelfPlay: SelfPlayView | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly client: ServerClient,
    extensionUri: vscode.Uri,
    private runId: string | undefined,
    private readonly onDecision: () => void,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    panel.webview.html = reviewHtml(panel.webview, extensionUri, vscode.Uri.joinPath);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (message) void this.handle(message).catch((err: unknown) => this.post({ type: 'notice', level: 'error', message: (err as Error).message }));
      }),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible) void this.refresh();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static show(client: ServerClient, extensionUri: vscode.Uri, runId: string | undefined, onDecision: () => void): ReviewPanel {
    const existing = ReviewPanel.current;
    if (existing) {
      if (runId) existing.runId = runId;
      existing.panel.reveal(undefined, false);
      void existing.refresh();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(REVIEW_VIEW_TYPE, 'Policy Evolver: Review', vscode.ViewColumn.Beside, { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')] });
    ReviewPanel.current = new ReviewPanel(panel, client, extensionUri, runId, onDecision);
    return ReviewPanel.current;
  }

  /** Restores a panel VS Code kept across a reload; the webview's saved state names the run. */
  static revive(panel: vscode.WebviewPanel, state: unknown, client: ServerClient, extensionUri: vscode.Uri, onDecision: () => void): void {
    const runId = typeof state === 'object' && state !== null && typeof (state as PersistedViewState).runId === 'string' ? (state as PersistedViewState).runId : undefined;
    ReviewPanel.current?.dispose();
    ReviewPanel.current = new ReviewPanel(panel, client, extensionUri, runId, onDecision);
  }

  static notifyRunChanged(runId: string): void {
    const p = ReviewPanel.current;
    if (!p) return;
    if (p.runId === undefined || p.runId === runId) {
      p.runId ??= runId;
      p.scheduleRefresh();
    }
  }

  /** A deleted run disappears from the panel; it shows the newest remaining run. */
  static notifyRunDeleted(runId: string): void {
    const p = ReviewPanel.current;
    if (!p) return;
    if (p.runId === runId) {
      p.runId = undefined;
      p.selected = undefined;
    }
    void p.refresh();
  }

  /** Self-play progress and results of a cluster policy, shown above the runs. */
  showSelfPlay(view: SelfPlayView): void {
    this.pendingSelfPlay = view;
    this.post({ type: 'selfplay', view });
  }

  showCounterexample(ce: { title: string; text: string }): void {
    this.panel.reveal(undefined, false);
    this.pendingCounterexample = ce;
    this.post({ type: 'counterexample', ...ce });
  }

  static get active(): ReviewPanel | undefined {
    return ReviewPanel.current;
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer || !this.panel.visible) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, 300);
  }

  async refresh(): Promise<void> {
    const runs = await this.client.request('policyEvolver/listRuns', {});
    if (!this.runId || !runs.some((r) => r.runId === this.runId)) this.runId = runs[0]?.runId;
    this.snapshot = this.runId ? await this.client.request('policyEvolver/snapshot', { runId: this.runId }) : null;
    this.panel.title = this.snapshot ? `Review: ${this.snapshot.fileName}` : 'Policy Evolver: Review';
    this.post({ type: 'snapshot', snapshot: this.snapshot, runs, trusted: vscode.workspace.isTrusted });
    if (this.selected && this.snapshot?.candidates.some((c) => c.id === this.selected)) await this.sendDetail(this.selected);
  }

  private currentText(file: string): string {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    if (open) return open.getText();
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  private async sendDetail(candidateId: string): Promise<void> {
    const snap = this.snapshot;
    if (!snap) return;
    try {
      const source = await this.client.request('policyEvolver/candidateSource', { runId: snap.runId, candidateId });
      const current = this.currentText(snap.file);
      // After Accept the file holds the candidate itself: that is not a change to warn about.
      const fileChanged = current !== source.base && current !== source.code;
      this.post({ type: 'detail', detail: { runId: snap.runId, candidateId, hunks: diffHunks(current, source.code), fileChanged, ...(source.decisions ? { decisions: source.decisions } : {}) } });
    } catch (err) {
      this.post({ type: 'detail-error', candidateId, message: (err as Error).message });
    }
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.refresh();
        if (this.pendingCounterexample) this.post({ type: 'counterexample', ...this.pendingCounterexample });
        if (this.pendingSelfPlay) this.post({ type: 'selfplay', view: this.pendingSelfPlay });
        return;
      case 'action': {
        const command = message.action === 'set-api-key' ? 'policyEvolver.setApiKey' : message.action === 'open-settings' ? 'workbench.action.openSettings' : 'policyEvolver.showLog';
        await vscode.commands.executeCommand(command, ...(message.action === 'open-settings' ? ['policyEvolver'] : []));
        return;
      }
      case 'select-run':
        this.runId = message.runId;
        this.selected = undefined;
        await this.refresh();
        return;
      case 'select':
        this.selected = message.candidateId;
        await this.sendDetail(message.candidateId);
        return;
      case 'open-diff': {
        const snap = this.snapshot;
        if (!snap) return;
        const right = candidateUri(snap.runId, message.candidateId, snap.fileName);
        await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(snap.file), right, `${snap.fileName} ↔ ${message.candidateId} (candidate)`, { preview: true, viewColumn: vscode.ViewColumn.One });
        return;
      }
      case 'accept': {
        const snap = this.snapshot;
        if (!snap) return;
        this.post({ type: 'busy', candidateId: message.candidateId, busy: true });
        try {
          const outcome = await acceptCandidate(this.client, snap.runId, message.candidateId, snap.file);
          if (outcome.ok) {
            this.post({ type: 'notice', level: 'info', message: `Applied ${message.candidateId}${outcome.rebased ? ' (rebased onto your edits outside the evolvable blocks)' : ''}. Ctrl+Z in the editor undoes it.` });
            this.onDecision();
          } else {
            this.post({ type: 'notice', level: 'error', message: outcome.message });
            void vscode.window.showWarningMessage(outcome.message);
          }
        } finally {
          this.post({ type: 'busy', candidateId: message.candidateId, busy: false });
        }
        await this.refresh();
        return;
      }
      case 'reject': {
        const snap = this.snapshot;
        if (!snap) return;
        await rejectCandidate(this.client, snap.runId, message.candidateId, message.note);
        this.post({ type: 'notice', level: 'info', message: `Rejected ${message.candidateId}${message.note.trim() ? '; your note will steer later prompts' : ''}.` });
        this.onDecision();
        await this.refresh();
        return;
      }
    }
  }

  dispose(): void {
    if (ReviewPanel.current === this) ReviewPanel.current = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
