// Extension entry. Activation only registers things; the language server starts on the first
// command, when the runs view opens, or when an evolvable file is opened.
import * as vscode from 'vscode';
import { ServerClient } from './client';
import { registerCommands } from './commands';
import { SelfPlayTracker } from './selfplay';
import { RunTracker } from './run-tracker';
import { RunsTree } from './tree';
import { CandidateDocuments, CANDIDATE_SCHEME } from './review/candidate-documents';
import { REVIEW_VIEW_TYPE, ReviewPanel } from './review/panel';
import { pushSecrets } from './secrets';
import { DomainCatalog, readBuiltDomains } from './domains';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Policy Evolver', { log: true });
  const built = readBuiltDomains(context.asAbsolutePath('dist/domains.json'));
  if (built.error) output.error(built.error);
  const catalog = new DomainCatalog(built.domains);
  const client = new ServerClient(context, output, catalog.languageIds());
  const tracker = new RunTracker(output, (runId) => void client.request('policyEvolver/stop', { runId }).catch(() => undefined));
  const tree = new RunsTree(client);
  const view = vscode.window.createTreeView('policyEvolver.runs', { treeDataProvider: tree, showCollapseAll: true });

  const selfPlay = new SelfPlayTracker(output, (file) => void client.request('policyEvolver/stopSelfPlay', { file }).catch(() => undefined));
  client.onNotification('policyEvolver/selfPlayProgress', (view) => {
    selfPlay.onProgress(view);
    ReviewPanel.active?.showSelfPlay(view);
  });
  client.onNotification('policyEvolver/runEvent', (params) => {
    tracker.onEvent(params);
    ReviewPanel.notifyRunChanged(params.runId);
  });
  client.onNotification('policyEvolver/runStatus', (params) => {
    tracker.onStatus(params);
    tree.refresh();
    ReviewPanel.notifyRunChanged(params.runId);
  });
  client.onDidRestart(async () => {
    await client.request('policyEvolver/setTrust', { trusted: vscode.workspace.isTrusted });
    await pushSecrets(client, context.secrets);
    // Runs that were in progress when the server died continue from their journals.
    for (const run of tracker.running()) {
      output.warn(`resuming run ${run.runId} after a server restart`);
      try {
        await client.request('policyEvolver/resume', { runId: run.runId });
      } catch (err) {
        output.error(`could not resume ${run.runId}: ${(err as Error).message}`);
        tracker.onStatus({ runId: run.runId, status: 'stopped', file: run.file });
      }
    }
    tree.refresh();
  });

  let secretsPushed: Promise<void> | undefined;
  const ensureServer = (): void => {
    secretsPushed ??= client.ready().then(
      async () => {
        catalog.update(await client.request('policyEvolver/domains', {}));
        await pushSecrets(client, context.secrets);
      },
      (err: unknown) => output.error(`the Policy Evolver server did not start: ${(err as Error).message}`),
    );
  };
  const consider = (doc: vscode.TextDocument): void => {
    if (doc.uri.scheme === 'file' && catalog.looksEvolvable(doc.fileName, doc.getText())) ensureServer();
  };
  const updateContext = (editor: vscode.TextEditor | undefined): void => {
    const doc = editor?.document;
    void vscode.commands.executeCommand('setContext', 'policyEvolver.evolvableFile', doc !== undefined && doc.uri.scheme === 'file' && catalog.hasEvolvableExtension(doc.fileName));
  };
  // package.json menus test `resourceExtname in policyEvolver.evolvableExtensions`.
  const updateExtensions = (): void => void vscode.commands.executeCommand('setContext', 'policyEvolver.evolvableExtensions', catalog.dottedExtensions());
  catalog.onDidChange(() => {
    updateExtensions();
    updateContext(vscode.window.activeTextEditor);
  });

  context.subscriptions.push(
    output,
    tracker,
    selfPlay,
    view,
    tree,
    { dispose: () => void client.dispose() },
    vscode.workspace.registerTextDocumentContentProvider(CANDIDATE_SCHEME, new CandidateDocuments(client)),
    vscode.window.registerWebviewPanelSerializer(REVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        ensureServer();
        ReviewPanel.revive(panel, state, client, context.extensionUri, () => tree.refresh());
      },
    }),
    ...registerCommands({ context, client, tracker, tree, catalog, selfPlay }),
    vscode.workspace.onDidOpenTextDocument(consider),
    vscode.window.onDidChangeActiveTextEditor(updateContext),
    view.onDidChangeVisibility((e) => {
      if (e.visible) ensureServer();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (client.started) void client.request('policyEvolver/setTrust', { trusted: true });
    }),
  );
  void vscode.commands.executeCommand('setContext', 'policyEvolver.trusted', vscode.workspace.isTrusted);
  updateExtensions();
  updateContext(vscode.window.activeTextEditor);
  for (const doc of vscode.workspace.textDocuments) consider(doc);
  if (view.visible) ensureServer();
}

export function deactivate(): void {
  // The client is disposed through context.subscriptions; the server stops its runs on shutdown,
  // and their journals let them resume next time.
}
