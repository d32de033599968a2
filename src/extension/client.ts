// The language client, started lazily (activation stays cheap) and restarted after a crash up to
// a cap. After a restart the runs that were in progress resume from their journals.
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, State, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import type { ClientNotificationMethod, ClientNotifications, ServerInitOptions, ServerRequestMethod, ServerRequests } from '../messages/lsp';

import { allowRestart, MAX_RESTARTS, RESTART_WINDOW_MS } from './restart-policy';

type Handler<M extends ClientNotificationMethod> = (params: ClientNotifications[M]) => void;

export class ServerClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly crashes: number[] = [];
  private readonly handlers: { method: ClientNotificationMethod; handler: (params: unknown) => void }[] = [];
  private readonly restartedEmitter = new vscode.EventEmitter<void>();
  /** Fires after the server came back from a crash. */
  readonly onDidRestart = this.restartedEmitter.event;
  private everRunning = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
    /** Languages of the files the domains score (from the domain descriptors). */
    private readonly languageIds: string[],
  ) {}

  get started(): boolean {
    return this.client !== undefined;
  }

  onNotification<M extends ClientNotificationMethod>(method: M, handler: Handler<M>): void {
    const generic = handler as (params: unknown) => void;
    this.handlers.push({ method, handler: generic });
    this.client?.onNotification(method, generic);
  }

  async request<M extends ServerRequestMethod>(method: M, params: ServerRequests[M]['params']): Promise<ServerRequests[M]['result']> {
    const client = await this.ready();
    return client.sendRequest<ServerRequests[M]['result']>(method, params);
  }

  ready(): Promise<LanguageClient> {
    this.starting ??= this.start().catch((err: unknown) => {
      this.starting = undefined;
      this.client = undefined;
      throw err;
    });
    return this.starting;
  }

  private async start(): Promise<LanguageClient> {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const init: ServerInitOptions = { trusted: vscode.workspace.isTrusted, grammarsDir: this.context.asAbsolutePath('dist/grammars') };
    const clientOptions: LanguageClientOptions = {
      documentSelector: this.languageIds.map((language) => ({ scheme: 'file', language })),
      synchronize: { configurationSection: 'policyEvolver' },
      outputChannel: this.output,
      initializationOptions: init,
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => {
          if (allowRestart(this.crashes, Date.now())) {
            this.output.warn('the Policy Evolver server stopped unexpectedly; restarting it');
            return { action: CloseAction.Restart };
          }
          const message = `The Policy Evolver server crashed ${MAX_RESTARTS} times in ${RESTART_WINDOW_MS / 60000} minutes and will not be restarted. See the "Policy Evolver" output for details; reload the window to try again.`;
          return { action: CloseAction.DoNotRestart, message };
        },
      },
    };
    const client = new LanguageClient('policyEvolver', 'Policy Evolver', serverOptions, clientOptions);
    for (const { method, handler } of this.handlers) client.onNotification(method, handler);
    client.onDidChangeState((e) => {
      if (e.newState !== State.Running) return;
      if (this.everRunning) this.restartedEmitter.fire();
      this.everRunning = true;
    });
    this.client = client;
    await client.start();
    return client;
  }

  async dispose(): Promise<void> {
    this.restartedEmitter.dispose();
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    if (client) await client.stop(5000).catch(() => undefined);
  }
}
