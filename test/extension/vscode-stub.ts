// A small, working stand-in for the `vscode` module, enough for the extension host code to run in
// node's test runner: documents hold real text and apply real edits, commands dispatch to their
// handlers, configuration reads from a map, and everything the code shows or asks the user is
// recorded (messages) or answered from queues the test fills (quick picks, input boxes).
// Loaded instead of `vscode` by ./use-vscode-stub.ts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';

type Listener<T> = (e: T) => unknown;

export class Disposable {
  constructor(private readonly onDispose: () => void = () => undefined) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.onDispose();
  }
}

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== listener)));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query: string,
    readonly fragment: string,
  ) {}
  static file(fsPath: string): Uri {
    return new Uri('file', '', fsPath, '', '');
  }
  static parse(value: string): Uri {
    const m = /^([a-z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/i.exec(value);
    if (!m) throw new Error(`cannot parse ${value} as a URI`);
    return new Uri(m[1] as string, m[2] ?? '', decodeURIComponent(m[3] ?? ''), m[4] ?? '', m[5] ?? '');
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '', c.query ?? '', c.fragment ?? '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return base.with({ path: posix.join(base.path, ...parts) });
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }
  toJSON(): { scheme: string; path: string } {
    return { scheme: this.scheme, path: this.path };
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}

export class WorkspaceEdit {
  readonly edits: { uri: Uri; range: Range; newText: string }[] = [];
  replace(uri: Uri, range: Range, newText: string): void {
    this.edits.push({ uri, range, newText });
  }
  insert(uri: Uri, position: Position, newText: string): void {
    this.edits.push({ uri, range: new Range(position, position), newText });
  }
  get size(): number {
    return new Set(this.edits.map((e) => e.uri.toString())).size;
  }
}

/** A text document over a file: edits change its text and version; save writes it back. */
export class TextDocument {
  version = 1;
  isDirty = false;
  saves = 0;
  constructor(
    readonly uri: Uri,
    private text: string,
  ) {}
  get fileName(): string {
    return this.uri.fsPath;
  }
  getText(): string {
    return this.text;
  }
  offsetAt(p: Position): number {
    const lines = this.text.split('\n');
    let offset = 0;
    for (let i = 0; i < p.line && i < lines.length; i++) offset += (lines[i] as string).length + 1;
    return Math.min(this.text.length, offset + p.character);
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, Math.max(0, Math.min(offset, this.text.length)));
    const lines = before.split('\n');
    return new Position(lines.length - 1, (lines[lines.length - 1] as string).length);
  }
  /** Applies edits given in this document's coordinates, all at once (as VS Code does). */
  applyEdits(edits: { range: Range; newText: string }[]): void {
    const spans = edits.map((e) => ({ start: this.offsetAt(e.range.start), end: this.offsetAt(e.range.end), text: e.newText })).sort((a, b) => b.start - a.start);
    for (const s of spans) this.text = this.text.slice(0, s.start) + s.text + this.text.slice(s.end);
    if (spans.length) {
      this.version++;
      this.isDirty = true;
    }
  }
  async save(): Promise<boolean> {
    writeFileSync(this.uri.fsPath, this.text);
    this.isDirty = false;
    this.saves++;
    return true;
  }
}

export class TreeItem {
  id?: string;
  description?: string | boolean;
  tooltip?: string;
  iconPath?: ThemeIcon | Uri;
  contextValue?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  label?: string;
  resourceUri?: Uri;
  constructor(
    labelOrUri: string | Uri,
    readonly collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None,
  ) {
    if (typeof labelOrUri === 'string') this.label = labelOrUri;
    else this.resourceUri = labelOrUri;
  }
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class MarkdownString {
  isTrusted: boolean | { enabledCommands: string[] } = false;
  supportHtml = false;
  constructor(
    public value = '',
    public supportThemeIcons = false,
  ) {}
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
}

export class Diagnostic {
  source?: string;
  code?: string | number;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: DiagnosticSeverity = DiagnosticSeverity.Error,
  ) {}
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
  Two = 2,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

// ---- what the code shows and asks: recorded, and answered from queues ----

export type MessageLevel = 'info' | 'warning' | 'error';

export interface ShownMessage {
  level: MessageLevel;
  text: string;
  actions: string[];
}

export interface ProgressRecord {
  title: string | undefined;
  location: ProgressLocation;
  reports: { message?: string; increment?: number }[];
  cancel(): void;
  done: boolean;
}

export class StatusBarItem {
  text = '';
  tooltip: string | undefined;
  name: string | undefined;
  command: string | undefined;
  visible = false;
  constructor(readonly id: string) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.visible = false;
  }
}

export class LogOutputChannel {
  readonly lines: { level: string; text: string }[] = [];
  constructor(readonly name: string) {}
  private add(level: string, text: string): void {
    this.lines.push({ level, text });
  }
  trace(text: string): void {
    this.add('trace', text);
  }
  debug(text: string): void {
    this.add('debug', text);
  }
  info(text: string): void {
    this.add('info', text);
  }
  warn(text: string): void {
    this.add('warn', text);
  }
  error(text: string | Error): void {
    this.add('error', String(text instanceof Error ? text.message : text));
  }
  append(text: string): void {
    this.add('info', text);
  }
  appendLine(text: string): void {
    this.add('info', text);
  }
  show(): void {}
  clear(): void {
    this.lines.length = 0;
  }
  dispose(): void {}
}

export class Webview {
  options: Record<string, unknown> = {};
  html = '';
  readonly cspSource = 'vscode-resource:';
  readonly posted: unknown[] = [];
  private readonly received = new EventEmitter<unknown>();
  private readonly postedEmitter = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  /** Fires for every message the host posts (a test waits on it instead of on a clock). */
  readonly onDidPost = this.postedEmitter.event;
  async postMessage(message: unknown): Promise<boolean> {
    this.posted.push(message);
    this.postedEmitter.fire(message);
    return true;
  }
  asWebviewUri(uri: Uri): Uri {
    return uri.with({ scheme: 'https' });
  }
  /** What the webview script would send. */
  sendFromWebview(message: unknown): void {
    this.received.fire(message);
  }
}

export class WebviewPanel {
  readonly webview = new Webview();
  visible = true;
  disposed = false;
  iconPath: Uri | undefined;
  reveals = 0;
  private readonly disposeEmitter = new EventEmitter<void>();
  private readonly viewStateEmitter = new EventEmitter<{ webviewPanel: WebviewPanel }>();
  readonly onDidDispose = this.disposeEmitter.event;
  readonly onDidChangeViewState = this.viewStateEmitter.event;
  constructor(
    readonly viewType: string,
    public title: string,
  ) {}
  reveal(): void {
    this.reveals++;
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.viewStateEmitter.fire({ webviewPanel: this });
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
}

export interface TreeViewStub<T> {
  id: string;
  provider: { getChildren(node?: T): unknown; getTreeItem(node: T): unknown };
  visible: boolean;
  onDidChangeVisibility: (l: Listener<{ visible: boolean }>) => Disposable;
  dispose(): void;
}

type Handler = (...args: unknown[]) => unknown;

/** Everything the stub records, and the answers it gives; reset() between tests. */
export const stub = {
  messages: [] as ShownMessage[],
  /** Answers for showInformation/Warning/ErrorMessage in order (default: dismissed). */
  messageAnswers: [] as (string | undefined)[],
  /** Answers for showQuickPick: a label to pick, or undefined to cancel. */
  quickPicks: [] as (string | undefined)[],
  quickPickTitles: [] as (string | undefined)[],
  /** Answers for showInputBox: the text typed, or undefined to cancel. */
  inputs: [] as (string | undefined)[],
  inputTitles: [] as (string | undefined)[],
  commands: new Map<string, Handler>(),
  executed: [] as { command: string; args: unknown[] }[],
  context: new Map<string, unknown>(),
  config: new Map<string, unknown>(),
  documents: [] as TextDocument[],
  shownDocuments: [] as TextDocument[],
  appliedEdits: [] as WorkspaceEdit[],
  /** Whether workspace.applyEdit succeeds (a read-only file refuses). */
  applyEditSucceeds: true,
  panels: [] as WebviewPanel[],
  statusBarItems: [] as StatusBarItem[],
  outputChannels: [] as LogOutputChannel[],
  progress: [] as ProgressRecord[],
  treeViews: [] as TreeViewStub<unknown>[],
  contentProviders: new Map<string, { provideTextDocumentContent(uri: Uri): unknown }>(),
  serializers: new Map<string, unknown>(),
  activeEditor: undefined as { document: TextDocument; viewColumn?: ViewColumn } | undefined,
  trusted: true,
  workspaceFolders: [] as { uri: Uri; name: string; index: number }[],
  onDidOpenTextDocument: new EventEmitter<TextDocument>(),
  onDidChangeActiveTextEditor: new EventEmitter<{ document: TextDocument } | undefined>(),
  onDidGrantWorkspaceTrust: new EventEmitter<void>(),
  onDidChangeConfiguration: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
  reset(): void {
    this.messages.length = 0;
    this.messageAnswers.length = 0;
    this.quickPicks.length = 0;
    this.quickPickTitles.length = 0;
    this.inputs.length = 0;
    this.inputTitles.length = 0;
    this.commands.clear();
    this.executed.length = 0;
    this.context.clear();
    this.config.clear();
    this.documents.length = 0;
    this.shownDocuments.length = 0;
    this.appliedEdits.length = 0;
    this.applyEditSucceeds = true;
    for (const p of this.panels) p.dispose();
    this.panels.length = 0;
    this.statusBarItems.length = 0;
    this.outputChannels.length = 0;
    this.progress.length = 0;
    this.treeViews.length = 0;
    this.contentProviders.clear();
    this.serializers.clear();
    this.activeEditor = undefined;
    this.trusted = true;
    this.workspaceFolders = [];
  },
  /** Opens (or returns) the document of a file, as if the user had it open in an editor. */
  open(fsPath: string, active = true): TextDocument {
    let doc = this.documents.find((d) => d.uri.fsPath === fsPath);
    if (!doc) {
      doc = new TextDocument(Uri.file(fsPath), existsSync(fsPath) ? readFileSync(fsPath, 'utf8') : '');
      this.documents.push(doc);
    }
    if (active) this.activeEditor = { document: doc, viewColumn: ViewColumn.One };
    return doc;
  },
  /** The messages shown at one level, as text. */
  shown(level?: MessageLevel): string[] {
    return this.messages.filter((m) => !level || m.level === level).map((m) => m.text);
  },
};

function show(level: MessageLevel) {
  return async (text: string, ...rest: unknown[]): Promise<string | undefined> => {
    const actions = rest.filter((r): r is string => typeof r === 'string');
    stub.messages.push({ level, text, actions });
    return stub.messageAnswers.shift();
  };
}

type PickItem = string | { label: string };

export const window = {
  get activeTextEditor() {
    return stub.activeEditor;
  },
  get visibleTextEditors() {
    return stub.activeEditor ? [stub.activeEditor] : [];
  },
  onDidChangeActiveTextEditor: stub.onDidChangeActiveTextEditor.event,
  showInformationMessage: show('info'),
  showWarningMessage: show('warning'),
  showErrorMessage: show('error'),
  async showQuickPick<T extends PickItem>(items: readonly T[] | Promise<readonly T[]>, options?: { title?: string }): Promise<T | undefined> {
    const list = await items;
    stub.quickPickTitles.push(options?.title);
    const answer = stub.quickPicks.shift();
    if (answer === undefined) return undefined;
    const found = list.find((i) => (typeof i === 'string' ? i : i.label) === answer);
    if (!found) throw new Error(`the test answered the quick pick "${options?.title}" with "${answer}", which is not among ${list.map((i) => (typeof i === 'string' ? i : i.label)).join(', ')}`);
    return found;
  },
  async showInputBox(options?: { title?: string; validateInput?: (v: string) => unknown }): Promise<string | undefined> {
    stub.inputTitles.push(options?.title);
    const answer = stub.inputs.shift();
    if (answer !== undefined && options?.validateInput) {
      const problem = await options.validateInput(answer);
      if (problem) throw new Error(`the test typed "${answer}" into "${options.title}", which it refuses: ${String(problem)}`);
    }
    return answer;
  },
  async withProgress<R>(options: { location: ProgressLocation; title?: string; cancellable?: boolean }, task: (progress: { report(v: { message?: string; increment?: number }): void }, token: CancellationTokenSource['token']) => PromiseLike<R>): Promise<R> {
    const source = new CancellationTokenSource();
    const record: ProgressRecord = { title: options.title, location: options.location, reports: [], cancel: () => source.cancel(), done: false };
    stub.progress.push(record);
    try {
      return await task({ report: (v) => record.reports.push(v) }, source.token);
    } finally {
      record.done = true;
    }
  },
  createOutputChannel(name: string): LogOutputChannel {
    const channel = new LogOutputChannel(name);
    stub.outputChannels.push(channel);
    return channel;
  },
  createStatusBarItem(id: string): StatusBarItem {
    const item = new StatusBarItem(id);
    stub.statusBarItems.push(item);
    return item;
  },
  createWebviewPanel(viewType: string, title: string): WebviewPanel {
    const panel = new WebviewPanel(viewType, title);
    stub.panels.push(panel);
    return panel;
  },
  createTreeView<T>(id: string, options: { treeDataProvider: TreeViewStub<T>['provider'] }): TreeViewStub<T> {
    const visibility = new EventEmitter<{ visible: boolean }>();
    const view: TreeViewStub<T> = { id, provider: options.treeDataProvider, visible: false, onDidChangeVisibility: visibility.event, dispose: () => visibility.dispose() };
    stub.treeViews.push(view as TreeViewStub<unknown>);
    return view;
  },
  registerWebviewPanelSerializer(viewType: string, serializer: unknown): Disposable {
    stub.serializers.set(viewType, serializer);
    return new Disposable(() => stub.serializers.delete(viewType));
  },
  async showTextDocument(docOrUri: TextDocument | Uri): Promise<{ document: TextDocument }> {
    const doc = docOrUri instanceof TextDocument ? docOrUri : stub.open(docOrUri.fsPath, false);
    stub.shownDocuments.push(doc);
    stub.activeEditor = { document: doc, viewColumn: ViewColumn.One };
    return { document: doc };
  },
};

function configuration(section?: string) {
  const key = (k: string): string => (section ? `${section}.${k}` : k);
  return {
    get<T>(k: string, fallback?: T): T | undefined {
      return stub.config.has(key(k)) ? (stub.config.get(key(k)) as T) : fallback;
    },
    has(k: string): boolean {
      return stub.config.has(key(k));
    },
    async update(k: string, value: unknown): Promise<void> {
      stub.config.set(key(k), value);
    },
  };
}

export const workspace = {
  get isTrusted() {
    return stub.trusted;
  },
  get workspaceFolders() {
    return stub.workspaceFolders.length ? stub.workspaceFolders : undefined;
  },
  get textDocuments() {
    return stub.documents;
  },
  getConfiguration: configuration,
  async openTextDocument(uri: Uri): Promise<TextDocument> {
    return stub.open(uri.fsPath, false);
  },
  async applyEdit(edit: WorkspaceEdit): Promise<boolean> {
    if (!stub.applyEditSucceeds) return false;
    stub.appliedEdits.push(edit);
    const byDoc = new Map<TextDocument, { range: Range; newText: string }[]>();
    for (const e of edit.edits) {
      const doc = stub.open(e.uri.fsPath, false);
      byDoc.set(doc, [...(byDoc.get(doc) ?? []), e]);
    }
    for (const [doc, edits] of byDoc) doc.applyEdits(edits);
    return true;
  },
  registerTextDocumentContentProvider(scheme: string, provider: { provideTextDocumentContent(uri: Uri): unknown }): Disposable {
    stub.contentProviders.set(scheme, provider);
    return new Disposable(() => stub.contentProviders.delete(scheme));
  },
  onDidOpenTextDocument: stub.onDidOpenTextDocument.event,
  onDidGrantWorkspaceTrust: stub.onDidGrantWorkspaceTrust.event,
  onDidChangeConfiguration: stub.onDidChangeConfiguration.event,
  onDidSaveTextDocument: new EventEmitter<TextDocument>().event,
  onDidCloseTextDocument: new EventEmitter<TextDocument>().event,
  onDidChangeTextDocument: new EventEmitter<unknown>().event,
};

export const commands = {
  registerCommand(id: string, handler: Handler): Disposable {
    if (stub.commands.has(id)) throw new Error(`command '${id}' already exists`);
    stub.commands.set(id, handler);
    return new Disposable(() => stub.commands.delete(id));
  },
  async executeCommand<T>(id: string, ...args: unknown[]): Promise<T> {
    stub.executed.push({ command: id, args });
    if (id === 'setContext') {
      stub.context.set(args[0] as string, args[1]);
      return undefined as T;
    }
    const handler = stub.commands.get(id);
    return (handler ? await handler(...args) : undefined) as T;
  },
};

export const languages = {
  createDiagnosticCollection(name: string) {
    const entries = new Map<string, Diagnostic[]>();
    return { name, set: (uri: Uri, d: Diagnostic[]) => entries.set(uri.toString(), d), get: (uri: Uri) => entries.get(uri.toString()), delete: (uri: Uri) => entries.delete(uri.toString()), clear: () => entries.clear(), dispose: () => entries.clear() };
  },
};

export const env = { clipboard: { writeText: async (_text: string) => undefined }, openExternal: async (_uri: Uri) => true };

export const version = '1.100.0';

// Base classes vscode-languageclient extends when it loads (the tests never start a real client).
export class CompletionItem {
  constructor(public label: unknown) {}
}
export class CodeLens {
  constructor(public range: Range) {}
}
export class CodeAction {
  constructor(public title: string) {}
}
export class DocumentLink {
  constructor(public range: Range) {}
}
export class InlayHint {
  constructor(
    public position: Position,
    public label: unknown,
  ) {}
}
export class SymbolInformation {
  constructor(public name: string) {}
}
export class CallHierarchyItem {
  constructor(public name: string) {}
}
export class TypeHierarchyItem {
  constructor(public name: string) {}
}
export class CancellationError extends Error {}
