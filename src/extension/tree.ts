// The "Runs" side panel: files -> runs -> candidates, with inline actions. Empty (so the welcome
// view shows) when the workspace has no runs.
import * as vscode from 'vscode';
import type { CandidateSummary, RunListEntry, RunStatus } from '../messages/lsp';
import type { ServerClient } from './client';
import { formatNumber } from './run-tracker';

export type RunsNode =
  | { kind: 'file'; file: string; runs: RunListEntry[] }
  | { kind: 'run'; run: RunListEntry }
  | { kind: 'candidate'; run: RunListEntry; candidate: CandidateSummary }
  | { kind: 'more'; run: RunListEntry; hidden: number }
  | { kind: 'starting'; file: string };

const CANDIDATES_SHOWN = 25;

export function groupByFile(runs: RunListEntry[]): { file: string; runs: RunListEntry[] }[] {
  const groups = new Map<string, RunListEntry[]>();
  for (const run of runs) groups.set(run.file, [...(groups.get(run.file) ?? []), run]);
  return [...groups].map(([file, list]) => ({ file, runs: list }));
}

/** Words and codicon per run state: each state looks different, and a failure says why. */
export const STATUS_VIEW: Record<RunStatus, { label: string; icon: string; color?: string }> = {
  running: { label: 'running', icon: 'sync~spin' },
  ended: { label: 'finished', icon: 'pass', color: 'testing.iconPassed' },
  cancelled: { label: 'cancelled', icon: 'circle-slash' },
  stopped: { label: 'interrupted', icon: 'debug-pause' },
  failed: { label: 'failed', icon: 'error', color: 'errorForeground' },
};

/** Markdown for a tooltip: candidate text is shown as text, never as HTML or command links. */
export function safeMarkdown(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text, false);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

export function runDescription(r: RunListEntry): string {
  const best = r.bestScore === null ? '–' : formatNumber(r.bestScore);
  const base = r.initialScore === null ? '–' : formatNumber(r.initialScore);
  const state = STATUS_VIEW[r.status].label;
  if (r.status === 'failed') return `${state}: ${r.failure?.message ?? r.endReason ?? 'see the log'}`;
  return `${state}${r.endReason && r.status === 'ended' ? ` (${r.endReason})` : ''} · ${r.evaluated} candidates · best ${best} (from ${base}) · seed ${r.seed}`;
}

function candidateLabel(c: CandidateSummary): string {
  if (c.pending) return `${c.id} · evaluating`;
  if (c.duplicateOf) return `${c.id} · duplicate of ${c.duplicateOf}`;
  if (!c.ok || c.score === null) return `${c.id} · failed`;
  return `${c.id} · ${formatNumber(c.score)}`;
}

export class RunsTree implements vscode.TreeDataProvider<RunsNode> {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  /** Files whose run is being started: shown at once so the view never says "No runs yet" meanwhile. */
  private readonly starting = new Set<string>();

  constructor(private readonly client: ServerClient) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  setStarting(file: string, starting: boolean): void {
    if (starting) this.starting.add(file);
    else this.starting.delete(file);
    this.refresh();
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    if (!node) {
      if (!vscode.workspace.workspaceFolders?.length) return [];
      const starting: RunsNode[] = [...this.starting].map((file) => ({ kind: 'starting', file }));
      const runs = await this.client.request('policyEvolver/listRuns', {});
      void vscode.commands.executeCommand('setContext', 'policyEvolver.hasRuns', runs.length > 0);
      return [...starting, ...groupByFile(runs).map((g): RunsNode => ({ kind: 'file', ...g }))];
    }
    if (node.kind === 'file') return node.runs.map((run) => ({ kind: 'run', run }));
    if (node.kind === 'run') {
      const snap = await this.client.request('policyEvolver/snapshot', { runId: node.run.runId });
      const shown: RunsNode[] = snap.candidates.filter((c) => c.index > 0).slice(0, CANDIDATES_SHOWN).map((candidate) => ({ kind: 'candidate', run: node.run, candidate }));
      const hidden = snap.candidates.length - 1 - CANDIDATES_SHOWN;
      if (hidden > 0) shown.push({ kind: 'more', run: node.run, hidden });
      return shown;
    }
    return [];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'file': {
        const item = new vscode.TreeItem(vscode.Uri.file(node.file), vscode.TreeItemCollapsibleState.Expanded);
        item.description = `${node.runs.length} run${node.runs.length === 1 ? '' : 's'}`;
        item.contextValue = 'file';
        return item;
      }
      case 'run': {
        const r = node.run;
        const item = new vscode.TreeItem(r.startedAt.replace('T', ' ').slice(0, 16), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `run:${r.runId}`;
        const view = STATUS_VIEW[r.status];
        item.description = runDescription(r);
        item.tooltip = `${r.runId} (${view.label}, seed ${r.seed})\n${r.file}${r.failure ? `\n\nFailed: ${r.failure.message}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(view.icon, view.color ? new vscode.ThemeColor(view.color) : undefined);
        item.contextValue = `run.${r.status}`;
        item.command = { command: 'policyEvolver.showReviewPanel', title: 'Show Review Panel', arguments: [r.runId] };
        return item;
      }
      case 'candidate': {
        const c = node.candidate;
        const item = new vscode.TreeItem(candidateLabel(c), vscode.TreeItemCollapsibleState.None);
        item.id = `cand:${node.run.runId}:${c.id}`;
        item.description = [c.decision, c.improvement ? 'improvement' : '', c.generator].filter(Boolean).join(' · ');
        item.tooltip = c.explanation ? safeMarkdown(c.explanation) : (c.error ?? c.id);
        item.iconPath = new vscode.ThemeIcon(
          c.decision === 'accepted' ? 'check' : c.decision === 'rejected' ? 'close' : c.pending ? 'loading~spin' : !c.ok ? 'warning' : c.improvement ? 'arrow-up' : 'circle-outline',
        );
        item.contextValue = c.ok && !c.duplicateOf ? 'candidate.ok' : 'candidate';
        item.command = { command: 'policyEvolver.openCandidateDiff', title: 'Open in Diff Editor', arguments: [node] };
        return item;
      }
      case 'more':
        return new vscode.TreeItem(`${node.hidden} more in the review panel`, vscode.TreeItemCollapsibleState.None);
      case 'starting': {
        const item = new vscode.TreeItem(`${node.file.split(/[\\/]/).pop() ?? node.file}: starting a run…`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        item.contextValue = 'starting';
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
