// Self-play progress on the extension side: a cancellable notification per policy while the
// server's child runs (the server writes its lines to the log), and how it ended as a notification.
import * as vscode from 'vscode';
import type { SelfPlayView } from '../messages/lsp';

export class SelfPlayTracker implements vscode.Disposable {
  private readonly running = new Map<string, { report: (message: string) => void; done: () => void }>();

  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly stop: (file: string) => void,
  ) {}

  /** Shows a cancellable notification until the self-play of `file` reports its end. */
  begin(view: SelfPlayView): void {
    if (this.running.has(view.file)) return;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Self-play of ${view.fileName}`, cancellable: true }, (progress, token) => {
      return new Promise<void>((resolve) => {
        this.running.set(view.file, { report: (message) => progress.report({ message }), done: resolve });
        token.onCancellationRequested(() => this.stop(view.file));
      });
    });
  }

  onProgress(view: SelfPlayView): void {
    const entry = this.running.get(view.file);
    const last = view.lines[view.lines.length - 1];
    if (entry && last) entry.report(last.trim().slice(0, 120));
    if (view.running || !view.result) return;
    entry?.done();
    this.running.delete(view.file);
    if (view.result.ok) {
      this.output.info(`[self-play ${view.fileName}] ${view.result.message}`);
      void vscode.window.showInformationMessage(`Policy Evolver: ${view.fileName}: ${view.result.message}.`, 'Show Review Panel').then((choice) => {
        if (choice) void vscode.commands.executeCommand('policyEvolver.showSelfPlay', view.file);
      });
    } else {
      this.output.error(`[self-play ${view.fileName}] ${view.result.message}`);
      void vscode.window.showErrorMessage(`Policy Evolver: ${view.fileName}: ${view.result.message}`, 'Show Log').then((choice) => {
        if (choice) this.output.show(true);
      });
    }
  }

  dispose(): void {
    for (const r of this.running.values()) r.done();
    this.running.clear();
  }
}
