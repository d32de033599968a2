// What the editor knows about runs in progress: fed by server notifications, shown in the status
// bar and a cancellable progress notification, and remembered so a crashed server can resume them.
import * as vscode from 'vscode';
import type { ClientNotifications, FailureKind, RunFailure, RunStatus } from '../messages/lsp';
import type { RunProgress } from '../messages/progress';

export interface TrackedRun {
  runId: string;
  file: string;
  status: RunStatus;
  progress?: RunProgress;
}

export function statusText(run: TrackedRun): string {
  const p = run.progress;
  if (!p) return `$(beaker) ${basename(run.file)}: starting…`;
  const count = p.target !== undefined ? `${p.done}/${p.target}` : `${p.done}`;
  const best = p.bestScore === null ? '–' : formatNumber(p.bestScore);
  const workers = p.workers ? ` · ${p.workers.evaluators} remote` : '';
  return `$(beaker) ${count} candidates · best ${best} · $${p.spendUsd.toFixed(2)}${workers}`;
}

export function formatNumber(n: number): string {
  const abs = Math.abs(n);
  return abs !== 0 && (abs >= 1e5 || abs < 1e-3) ? n.toExponential(3) : Number(n.toFixed(4)).toString();
}

const basename = (file: string): string => file.split(/[\\/]/).pop() ?? file;

/** The action that fixes a failure of this kind, as a notification button and its command. */
export function failureActions(kind: FailureKind): { title: string; command: string; args?: unknown[] }[] {
  const showLog = { title: 'Show Log', command: 'policyEvolver.showLog' };
  const settings = { title: 'Open Settings', command: 'workbench.action.openSettings', args: ['policyEvolver'] };
  switch (kind) {
    case 'auth':
      return [{ title: 'Set API Key', command: 'policyEvolver.setApiKey' }, settings, showLog];
    case 'endpoint':
    case 'rate-limit':
    case 'config':
    case 'no-candidates':
      return [settings, showLog];
    default:
      return [showLog];
  }
}

/** The failure a notification shows: the typed one when the server sent it, else its message. */
export function failureOf(params: ClientNotifications['policyEvolver/runStatus']): RunFailure {
  return params.failure ?? { kind: 'error', message: params.message ?? 'see the Policy Evolver log' };
}

export class RunTracker implements vscode.Disposable {
  readonly runs = new Map<string, TrackedRun>();
  private readonly item: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<{ runId: string; candidates: boolean }>();
  readonly onDidChange = this.changed.event;
  private readonly progressResolvers = new Map<string, { report: (text: string, increment?: number) => void; done: () => void; last: number }>();

  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly stop: (runId: string) => void,
  ) {
    this.item = vscode.window.createStatusBarItem('policyEvolver.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Policy Evolver';
    this.item.command = 'policyEvolver.showReviewPanel';
  }

  running(): TrackedRun[] {
    return [...this.runs.values()].filter((r) => r.status === 'running');
  }

  onEvent(params: ClientNotifications['policyEvolver/runEvent']): void {
    const run = this.runs.get(params.runId) ?? { runId: params.runId, file: '', status: 'running' as const };
    this.runs.set(params.runId, run);
    const e = params.event;
    if (e.kind === 'progress') {
      run.progress = e.progress;
      const progress = this.progressResolvers.get(params.runId);
      if (progress) {
        const total = e.progress.target;
        const pct = total ? Math.min(100, (e.progress.done / total) * 100) : undefined;
        progress.report(statusText(run).replace('$(beaker) ', ''), pct !== undefined ? pct - progress.last : undefined);
        if (pct !== undefined) progress.last = pct;
      }
    } else if (e.kind === 'log') {
      if (e.level === 'warn') this.output.warn(`[${params.runId}] ${e.message}`);
      else this.output.info(`[${params.runId}] ${e.message}`);
    } else if (e.kind === 'new-best') {
      this.output.info(`[${params.runId}] new best ${e.id}: ${formatNumber(e.score)}${e.previous !== null ? ` (was ${formatNumber(e.previous)})` : ''}`);
    } else if (e.kind === 'candidate' && !e.outcome.ok && e.outcome.error) {
      this.output.debug(`[${params.runId}] ${e.outcome.id} failed: ${e.outcome.error}`);
    }
    this.render();
    this.changed.fire({ runId: params.runId, candidates: e.kind !== 'log' });
  }

  onStatus(params: ClientNotifications['policyEvolver/runStatus']): void {
    const run = this.runs.get(params.runId) ?? { runId: params.runId, file: params.file, status: params.status };
    run.file = params.file;
    run.status = params.status;
    this.runs.set(params.runId, run);
    if (params.status !== 'running') {
      this.progressResolvers.get(params.runId)?.done();
      this.progressResolvers.delete(params.runId);
      const reason = params.reason ? ` (${params.reason})` : '';
      if (params.status === 'failed') {
        const failure = failureOf(params);
        this.output.error(`run ${params.runId} failed: ${failure.message}`);
        const actions = failureActions(failure.kind);
        void vscode.window.showErrorMessage(`Policy Evolver: the run on ${basename(params.file)} failed: ${failure.message}`, ...actions.map((a) => a.title)).then((choice) => {
          const action = actions.find((a) => a.title === choice);
          if (action) void vscode.commands.executeCommand(action.command, ...(action.args ?? []));
        });
      } else {
        this.output.info(`run ${params.runId} ${params.status}${reason}`);
      }
    }
    this.render();
    this.changed.fire({ runId: params.runId, candidates: true });
  }

  /** A cancellable notification for a run; cancelling stops the run (its journal keeps everything). */
  showProgress(runId: string, file: string): void {
    if (this.progressResolvers.has(runId)) return;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Evolving ${basename(file)}`, cancellable: true }, (progress, token) => {
      return new Promise<void>((resolve) => {
        const entry = {
          last: 0,
          report: (message: string, increment?: number) => progress.report({ message, ...(increment !== undefined && increment > 0 ? { increment } : {}) }),
          done: () => resolve(),
        };
        this.progressResolvers.set(runId, entry);
        token.onCancellationRequested(() => {
          this.stop(runId);
          resolve();
        });
      });
    });
  }

  private render(): void {
    const running = this.running();
    void vscode.commands.executeCommand('setContext', 'policyEvolver.runActive', running.length > 0);
    const run = running[0];
    if (!run) {
      this.item.hide();
      return;
    }
    this.item.text = statusText(run) + (running.length > 1 ? ` (+${running.length - 1})` : '');
    this.item.tooltip = `Policy Evolver: ${basename(run.file)} (run ${run.runId}). Click for the review panel.`;
    this.item.show();
  }

  dispose(): void {
    for (const p of this.progressResolvers.values()) p.done();
    this.item.dispose();
    this.changed.dispose();
  }
}
