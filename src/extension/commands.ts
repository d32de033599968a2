// Command handlers. Each works on the active file unless given a target (CodeLens, menus, tree).
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { ServerClient } from './client';
import type { DomainCatalog } from './domains';
import type { SelfPlayTracker } from './selfplay';
import type { RunTracker } from './run-tracker';
import type { RunsTree, RunsNode } from './tree';
import { ReviewPanel } from './review/panel';
import { acceptCandidate, rejectCandidate } from './review/accept';
import { candidateUri } from './review/candidate-documents';
import { pickRunOptions } from './evolve-options';
import { setApiKey } from './secrets';
import { formatNumber } from './run-tracker';
import { LENS_COMMANDS, type CounterexampleArgs, type RunOverrides } from '../messages/lsp';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  client: ServerClient;
  tracker: RunTracker;
  tree: RunsTree;
  catalog: DomainCatalog;
  selfPlay: SelfPlayTracker;
}

function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  return vscode.window.activeTextEditor?.document.uri;
}

const RESTRICTED = 'Policy Evolver runs evaluator commands and candidate code, so it does not evaluate or evolve in an untrusted workspace. Run history, the review panel and diffs still work. Trust the workspace (Manage Workspace Trust) to enable evolution.';

function requireTrusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(RESTRICTED, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

async function fileTarget(arg: unknown): Promise<vscode.Uri | undefined> {
  const uri = targetUri(arg);
  if (!uri || uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('Open a policy or protocol file on disk first.');
    return undefined;
  }
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) await doc.save();
  return uri;
}

function errorText(err: unknown): string {
  return (err as Error).message?.replace(/^Request policyEvolver\/\w+ failed with message: /, '') ?? String(err);
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { client, tracker, tree, context } = deps;
  const showPanel = (runId?: string): ReviewPanel => ReviewPanel.show(client, context.extensionUri, runId, () => tree.refresh());

  const runFor = async (arg: unknown, statuses: string[]): Promise<string | undefined> => {
    if (typeof arg === 'string' && !arg.includes(':')) return arg;
    const node = arg as RunsNode | undefined;
    if (node && typeof node === 'object' && 'kind' in node && node.kind === 'run') return node.run.runId;
    const file = vscode.window.activeTextEditor?.document.uri.fsPath;
    const runs = (await client.request('policyEvolver/listRuns', {})).filter((r) => statuses.includes(r.status));
    const mine = runs.filter((r) => r.file === file);
    const choices = mine.length === 1 ? mine : runs;
    if (choices.length === 1) return choices[0]?.runId;
    if (choices.length === 0) {
      void vscode.window.showInformationMessage(`No ${statuses.join(' or ')} runs.`);
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      choices.map((r) => ({ label: r.fileName, description: `${r.startedAt.slice(0, 16)} · ${r.evaluated} candidates · best ${r.bestScore === null ? '–' : formatNumber(r.bestScore)}`, runId: r.runId })),
      { title: 'Which run?' },
    );
    return pick?.runId;
  };

  const reg = (id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        client.output.error(`${id}: ${errorText(err)}`);
        void vscode.window.showErrorMessage(`Policy Evolver: ${errorText(err)}`);
        return undefined;
      }
    });

  return [
    reg('policyEvolver.evolve', async (arg, seedArg) => {
      if (!requireTrusted()) return;
      const uri = await fileTarget(arg);
      if (!uri) return;
      const resolved = await client.request('policyEvolver/resolve', { uri: uri.toString() });
      deps.catalog.update(await client.request('policyEvolver/domains', {}));
      const picked = await pickRunOptions(deps.catalog, uri.fsPath, !resolved.evolvable, resolved.reason);
      if (!picked) return;
      const overrides: RunOverrides = typeof seedArg === 'number' ? { ...picked, seed: seedArg } : picked;
      tree.setStarting(uri.fsPath, true);
      let started;
      try {
        started = await client.request('policyEvolver/evolve', { uri: uri.toString(), overrides });
      } finally {
        tree.setStarting(uri.fsPath, false);
      }
      tracker.onStatus({ runId: started.runId, status: 'running', file: uri.fsPath });
      tracker.showProgress(started.runId, uri.fsPath);
      tree.refresh();
      if (vscode.workspace.getConfiguration('policyEvolver').get<boolean>('openPanelOnStart', true)) showPanel(started.runId);
      return started.runId;
    }),
    reg('policyEvolver.evolveWithSeed', async (arg) => {
      const runId = await runFor(arg, ['running', 'stopped', 'cancelled', 'ended', 'failed']);
      if (!runId) return;
      const snap = await client.request('policyEvolver/snapshot', { runId });
      return vscode.commands.executeCommand('policyEvolver.evolve', vscode.Uri.file(snap.file), snap.seed);
    }),
    reg('policyEvolver.deleteRun', async (arg) => {
      const runId = await runFor(arg, ['stopped', 'cancelled', 'ended', 'failed']);
      if (!runId) return;
      const snap = await client.request('policyEvolver/snapshot', { runId });
      const choice = await vscode.window.showWarningMessage(
        `Delete the run of ${snap.fileName} started ${snap.startedAt.slice(0, 16).replace('T', ' ')}? Its journal and candidate sources are removed from ${snap.dir}.`,
        { modal: true },
        'Delete Run',
      );
      if (choice !== 'Delete Run') return;
      await client.request('policyEvolver/deleteRun', { runId });
      tree.refresh();
      ReviewPanel.notifyRunDeleted(runId);
    }),
    reg('policyEvolver.showLog', () => client.output.show(true)),
    reg('policyEvolver.startSelfPlay', async (arg) => {
      if (!requireTrusted()) return;
      const uri = await fileTarget(arg);
      if (!uri) return;
      const resolved = await client.request('policyEvolver/resolve', { uri: uri.toString() });
      const domain = deps.catalog.all().find((d) => d.id === resolved.evaluator);
      const name = uri.fsPath.split(/[\\/]/).pop() ?? uri.fsPath;
      if (!domain?.selfPlay) {
        const selfPlayDomains = deps.catalog.all().filter((d) => d.selfPlay).map((d) => d.label);
        void vscode.window.showWarningMessage(`Self-play hardens ${selfPlayDomains.join(', ') || 'cluster'} policies; ${name} is ${resolved.evaluator ? `scored by '${resolved.evaluator}'` : `not one (${resolved.reason ?? 'no evaluator'})`}.`);
        return;
      }
      const rounds = await vscode.window.showInputBox({
        title: `Self-play of ${name}: rounds`,
        prompt: 'Each round the attacker proposes harder scenarios and the defender evolves the policy against them',
        value: '3',
        ignoreFocusOut: true,
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 100 ? undefined : 'a whole number from 1 to 100'),
      });
      if (!rounds) return;
      const view = await client.request('policyEvolver/selfPlay', { uri: uri.toString(), rounds: Number(rounds) });
      deps.selfPlay.begin(view);
      showPanel().showSelfPlay(view);
    }),
    reg('policyEvolver.showSelfPlay', async (arg) => {
      const file = typeof arg === 'string' ? arg : vscode.window.activeTextEditor?.document.uri.fsPath;
      if (!file) return;
      const view = await client.request('policyEvolver/selfPlayView', { file });
      if (!view) {
        void vscode.window.showInformationMessage('No self-play of this policy yet: run "Policy Evolver: Start Self-Play".');
        return;
      }
      showPanel().showSelfPlay(view);
    }),
    reg(LENS_COMMANDS.counterexample, (arg) => {
      const ce = arg as CounterexampleArgs | undefined;
      if (!ce || typeof ce.text !== 'string') return;
      showPanel().showCounterexample({ title: String(ce.title ?? 'Counterexample'), text: ce.text });
    }),
    reg('policyEvolver.evaluate', async (arg) => {
      if (!requireTrusted()) return;
      const uri = await fileTarget(arg);
      if (!uri) return;
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Evaluating policy' }, () => client.request('policyEvolver/evaluate', { uri: uri.toString() }));
      if (result.ok && result.score !== null) {
        const key = result.keyMetric ?? Object.keys(result.metrics)[0];
        const metric = key !== undefined && result.metrics[key] !== undefined ? `, ${key} ${formatNumber(result.metrics[key] as number)}` : '';
        void vscode.window.showInformationMessage(`Score ${formatNumber(result.score)}${metric}${result.cached ? ' (cached)' : ''}`);
      } else {
        void vscode.window.showErrorMessage(`Evaluation failed: ${result.error ?? 'no score'} (see Problems)`);
      }
      return result;
    }),
    reg('policyEvolver.stop', async (arg) => {
      const runId = await runFor(arg, ['running']);
      if (runId) await client.request('policyEvolver/stop', { runId });
    }),
    reg('policyEvolver.resume', async (arg) => {
      if (!requireTrusted()) return;
      const runId = await runFor(arg, ['stopped', 'cancelled', 'ended', 'failed']);
      if (!runId) return;
      const more = await vscode.window.showInputBox({ title: 'Resume: total candidate budget (empty keeps the run’s budget)', ignoreFocusOut: true, validateInput: (v) => (v === '' || /^\d+$/.test(v) ? undefined : 'a whole number') });
      if (more === undefined) return;
      const started = await client.request('policyEvolver/resume', { runId, ...(more ? { overrides: { maxCandidates: Number(more) } } : {}) });
      const snap = await client.request('policyEvolver/snapshot', { runId });
      tracker.onStatus({ runId: started.runId, status: 'running', file: snap.file });
      tracker.showProgress(started.runId, snap.file);
      tree.refresh();
    }),
    reg('policyEvolver.showReviewPanel', (arg) => {
      showPanel(typeof arg === 'string' ? arg : undefined);
    }),
    reg('policyEvolver.showHistory', async (arg) => {
      const uri = targetUri(arg);
      const runs = await client.request('policyEvolver/listRuns', uri ? { file: uri.fsPath } : {});
      await vscode.commands.executeCommand('policyEvolver.runs.focus');
      showPanel(runs[0]?.runId);
    }),
    reg('policyEvolver.setApiKey', () => setApiKey(client, context.secrets)),
    reg('policyEvolver.testConnection', async () => {
      if (!requireTrusted()) return;
      const config = vscode.workspace.getConfiguration('policyEvolver');
      const result = await client.request('policyEvolver/testConnection', { generator: config.get<string>('generator') || 'llm', models: config.get<string[]>('models') ?? [], baseUrl: config.get<string>('baseUrl') ?? '' });
      if (result.ok) void vscode.window.showInformationMessage(result.message);
      else void vscode.window.showErrorMessage(result.message);
    }),
    reg('policyEvolver.openJournal', async (arg) => {
      const runId = await runFor(arg, ['running', 'stopped', 'cancelled', 'ended', 'failed']);
      if (!runId) return;
      const snap = await client.request('policyEvolver/snapshot', { runId });
      await vscode.window.showTextDocument(vscode.Uri.file(join(snap.dir, 'journal.jsonl')), { preview: true });
    }),
    reg('policyEvolver.explainRestricted', () => void vscode.window.showInformationMessage(RESTRICTED)),
    reg('policyEvolver.refreshRuns', () => tree.refresh()),
    reg('policyEvolver.openCandidateDiff', async (node) => {
      const n = node as RunsNode;
      if (n?.kind !== 'candidate') return;
      await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(n.run.file), candidateUri(n.run.runId, n.candidate.id, n.run.fileName), `${n.run.fileName} ↔ ${n.candidate.id} (candidate)`);
    }),
    reg('policyEvolver.acceptCandidate', async (node) => {
      const n = node as RunsNode;
      if (n?.kind !== 'candidate') return;
      const outcome = await acceptCandidate(client, n.run.runId, n.candidate.id, n.run.file);
      if (!outcome.ok) void vscode.window.showWarningMessage(outcome.message);
      tree.refresh();
      ReviewPanel.notifyRunChanged(n.run.runId);
    }),
    reg('policyEvolver.rejectCandidate', async (node) => {
      const n = node as RunsNode;
      if (n?.kind !== 'candidate') return;
      const note = await vscode.window.showInputBox({ title: `Reject ${n.candidate.id}`, prompt: 'Optional reason: it is recorded and steers later prompts', ignoreFocusOut: true });
      if (note === undefined) return;
      await rejectCandidate(client, n.run.runId, n.candidate.id, note);
      tree.refresh();
      ReviewPanel.notifyRunChanged(n.run.runId);
    }),
  ];
}
