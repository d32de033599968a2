// The language server process: hosts the engine, analyses documents with tree-sitter, and owns
// CodeLens, diagnostics and run control. The extension talks to it over LSP plus the custom
// messages typed in src/messages/lsp.ts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomInt } from 'node:crypto';
import { CodeActionKind, createConnection, ProposedFeatures, ResponseError, ErrorCodes, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { CodeAction } from 'vscode-languageserver/node';
import type { InitializeParams } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { contentHash, DocumentAnalyzer } from './analysis';
import { findGrammarsDir, GrammarSet } from './grammars';
import { buildLenses, ScoreState } from './lenses';
import { diagnosticsFor, filePathOf, type ViolationData } from './documents';
import { EvaluationCache, toEvaluateResult } from '../app/evaluate-once';
import { planAccept } from '../app/accept-plan';
import { RunManager } from './runs';
import { configFileFor, DEFAULT_SETTINGS, EvolverSettings, matchRule, parseSettings, runConfigFor } from './settings';
import { applySecrets, SECRET_NAMES, secretLookup, testConnection } from './secrets';
import { SelfPlayRunner } from './selfplay';
import { describeDomains } from './domains';
import type { RunConfig } from '../core/journal-events';
import { LENS_COMMANDS } from '../messages/lsp';
import type { ClientNotificationMethod, ClientNotifications, CounterexampleArgs, RunOverrides, ServerInitOptions, ServerRequestMethod, ServerRequests } from '../messages/lsp';
import { scrubSecrets, scrubValue } from '../core/secrets';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

let roots: string[] = [];
let trusted = false;
let lensRefresh = false;
let analyzer: DocumentAnalyzer;
// Evaluator warnings (e.g. an objective that rewards starvation) reach the log channel.
const evaluations = new EvaluationCache((message) => log(message));
const settingsCache = new Map<string, Promise<EvolverSettings>>();
const configErrors = new Map<string, string>();
const shutdown = new AbortController();

// Everything sent to the editor (its log, notifications, error replies) is scrubbed of known secrets.
const log = (message: string): void => connection.console.log(scrubSecrets(message));

function notify<M extends ClientNotificationMethod>(method: M, params: ClientNotifications[M]): void {
  void connection.sendNotification(method, scrubValue(params));
}

function handle<M extends ServerRequestMethod>(method: M, handler: (params: ServerRequests[M]['params']) => Promise<ServerRequests[M]['result']> | ServerRequests[M]['result']): void {
  connection.onRequest(method, async (params: ServerRequests[M]['params']) => {
    try {
      return await handler(params);
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      log(`${method}: ${message}`);
      return new ResponseError(ErrorCodes.InvalidRequest, scrubSecrets(message));
    }
  });
}

const runs = new RunManager(() => roots, {
  event(runId, event) {
    notify('policyEvolver/runEvent', { runId, event });
    if (event.kind === 'new-best') refreshLenses();
  },
  status(runId, status, file, detail) {
    notify('policyEvolver/runStatus', { runId, status, file, ...(detail?.reason ? { reason: detail.reason } : {}), ...(detail?.message ? { message: detail.message } : {}), ...(detail?.failure ? { failure: detail.failure } : {}) });
    refreshLenses();
  },
  log,
});

/** Keys the editor stored, for the self-play child (the CLI reads keys from its environment). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SECRET_NAMES) {
    const value = secretLookup(name);
    if (value) env[name] = value;
  }
  return env;
}

const selfPlay = new SelfPlayRunner(join(__dirname, 'cli.js'), childEnv, (view) => notify('policyEvolver/selfPlayProgress', view), log);

function refreshLenses(): void {
  if (lensRefresh) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
}

function rootOf(file: string): string {
  const matching = roots.filter((r) => file === r || file.startsWith(r.endsWith('/') ? r : `${r}/`)).sort((a, b) => b.length - a.length);
  return matching[0] ?? dirname(file);
}

async function settingsFor(uri: string): Promise<EvolverSettings> {
  const key = rootOf(filePathOf(uri) ?? '');
  let s = settingsCache.get(key);
  if (!s) {
    s = Promise.resolve(connection.workspace.getConfiguration({ scopeUri: uri, section: 'policyEvolver' }))
      .then(parseSettings)
      .catch(() => ({ ...DEFAULT_SETTINGS }));
    settingsCache.set(key, s);
  }
  return s;
}

/**
 * Each run gets a fresh seed unless the user asked for one (a run's "Evolve Again With This Seed") or
 * the run config file fixes it, so a second Evolve explores instead of repeating the first run.
 */
function withSeed(overrides: RunOverrides, settings: EvolverSettings, file: string): RunOverrides {
  if (overrides.seed !== undefined) return overrides;
  const configFile = configFileFor(matchRule(settings, file, rootOf(file)), file, rootOf(file));
  if (configFile) {
    try {
      const parsed = JSON.parse(readFileSync(configFile, 'utf8')) as { seed?: unknown };
      if (parsed.seed !== undefined) return overrides;
    } catch {
      // An unreadable config file is reported by the run config builder.
    }
  }
  return { ...overrides, seed: randomInt(1, 2 ** 31 - 1) };
}

function requireTrust(what: string): void {
  if (!trusted) throw new Error(`${what} is disabled in an untrusted workspace: it would run evaluator commands or candidate code. Trust the workspace to enable it; run history, diffs and the review panel still work.`);
}

function documentOf(uri: string): { file: string; text: string; doc?: TextDocument } {
  const file = filePathOf(uri);
  if (!file) throw new Error(`only files on disk can be evolved (got ${uri})`);
  const doc = documents.get(uri);
  if (doc) return { file, text: doc.getText(), doc };
  return { file, text: readFileSync(file, 'utf8') };
}

async function configFor(uri: string, file: string, text: string): Promise<RunConfig> {
  const settings = await settingsFor(uri);
  return runConfigFor(file, text, settings, rootOf(file));
}

async function scoreState(uri: string, file: string, text: string): Promise<ScoreState> {
  const live = runs.liveRuns().map((id) => runs.snapshot(id)).find((s) => s.file === file);
  if (live) return { kind: 'running', runId: live.runId, best: live.bestScore };
  const hit = runs.scoreOf(file, contentHash(text));
  if (hit) return { kind: 'scored', result: hit.result, ...(hit.keyMetric ? { keyMetric: hit.keyMetric } : {}), ...(hit.relativeTo ? { relativeTo: hit.relativeTo } : {}), ...(hit.baseline ? { baseline: hit.baseline } : {}), source: `run ${hit.runId}` };
  if (!trusted) return { kind: 'restricted' };
  let config: RunConfig;
  try {
    config = await configFor(uri, file, text);
  } catch (err) {
    return { kind: 'unscored', reason: (err as Error).message.slice(0, 80) };
  }
  const key = EvaluationCache.key(contentHash(text), config);
  const cached = evaluations.get(key);
  const baseline = runs.baselineOf(file);
  if (cached) return { kind: 'scored', result: cached.result, ...(cached.keyMetric ? { keyMetric: cached.keyMetric } : {}), ...(cached.relativeTo ? { relativeTo: cached.relativeTo } : {}), ...(baseline ? { baseline } : {}), source: 'cache' };
  if (evaluations.isRunning(key)) return { kind: 'evaluating' };
  return { kind: 'unscored' };
}

async function publishDiagnostics(doc: TextDocument): Promise<void> {
  const file = filePathOf(doc.uri);
  if (!file) return;
  const text = doc.getText();
  const analysis = await analyzer.analyze(file, text);
  let evaluation;
  const hit = runs.scoreOf(file, analysis.hash);
  if (hit) evaluation = hit.result;
  else if (trusted) {
    try {
      evaluation = evaluations.get(EvaluationCache.key(analysis.hash, await configFor(doc.uri, file, text)))?.result;
    } catch {
      evaluation = undefined;
    }
  }
  if (documents.get(doc.uri)?.version !== doc.version) return;
  void connection.sendDiagnostics({ uri: doc.uri, diagnostics: diagnosticsFor(analysis, evaluation, file.split(/[\\/]/).pop() ?? file, doc.lineCount) });
}

/** Scores saved content in the background, once per content hash, so CodeLens has a number. */
async function evaluateInBackground(doc: TextDocument): Promise<void> {
  const file = filePathOf(doc.uri);
  if (!file || !trusted) return;
  const settings = await settingsFor(doc.uri);
  if (!settings.evaluateOnOpen) return;
  const text = doc.getText();
  if (runs.scoreOf(file, contentHash(text))) return;
  let config: RunConfig;
  try {
    config = runConfigFor(file, text, settings, rootOf(file));
    configErrors.delete(doc.uri);
  } catch (err) {
    configErrors.set(doc.uri, (err as Error).message);
    return;
  }
  const analysis = await analyzer.analyze(file, text);
  if (analysis.blockError || analysis.syntax.length) return;
  const key = EvaluationCache.key(analysis.hash, config);
  if (evaluations.get(key) || evaluations.isRunning(key)) return;
  const pending = evaluations.evaluate(key, text, config, shutdown.signal);
  refreshLenses();
  try {
    await pending;
  } catch (err) {
    log(`evaluating ${file}: ${(err as Error).message}`);
  }
  refreshLenses();
  const current = documents.get(doc.uri);
  if (current) await publishDiagnostics(current);
}

connection.onInitialize((params: InitializeParams) => {
  const options = (params.initializationOptions ?? {}) as Partial<ServerInitOptions>;
  trusted = options.trusted === true;
  roots = (params.workspaceFolders ?? []).map((f) => filePathOf(f.uri)).filter((p): p is string => p !== undefined);
  if (roots.length === 0 && params.rootUri) {
    const root = filePathOf(params.rootUri);
    if (root) roots = [root];
  }
  lensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  const dirs = [options.grammarsDir, join(__dirname, 'grammars')].filter((d): d is string => typeof d === 'string');
  analyzer = new DocumentAnalyzer(new GrammarSet(findGrammarsDir(dirs)));
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, codeLensProvider: { resolveProvider: false }, codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } } };
});

connection.onDidChangeConfiguration(() => {
  settingsCache.clear();
  refreshLenses();
});

connection.onCodeLens(async (params) => {
  const doc = documents.get(params.textDocument.uri);
  const file = filePathOf(params.textDocument.uri);
  if (!doc || !file) return [];
  const text = doc.getText();
  const analysis = await analyzer.analyze(file, text);
  const state = await scoreState(doc.uri, file, text);
  const reason = configErrors.get(doc.uri);
  return buildLenses(doc.uri, analysis, state.kind === 'unscored' && reason ? { kind: 'unscored', reason: reason.slice(0, 80) } : state);
});

connection.onCodeAction((params) => {
  const actions: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== 'policy-evolver' || (d.code !== 'violation' && d.code !== 'guardrail')) continue;
    const data = d.data as ViolationData | undefined;
    if (!data?.evidence) continue;
    const args: CounterexampleArgs = { title: `${data.name} at ${data.scope}`, text: data.evidence };
    actions.push({ title: 'Show Counterexample', kind: CodeActionKind.QuickFix, diagnostics: [d], command: { title: 'Show Counterexample', command: LENS_COMMANDS.counterexample, arguments: [args] } });
  }
  return actions;
});

documents.onDidOpen((e) => {
  void publishDiagnostics(e.document);
  void evaluateInBackground(e.document);
});
documents.onDidSave((e) => void evaluateInBackground(e.document));
let diagnosticTimer: NodeJS.Timeout | undefined;
documents.onDidChangeContent((e) => {
  if (diagnosticTimer) clearTimeout(diagnosticTimer);
  diagnosticTimer = setTimeout(() => void publishDiagnostics(e.document), 250);
});
documents.onDidClose((e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));

handle('policyEvolver/resolve', async ({ uri }) => {
  const { file, text } = documentOf(uri);
  try {
    const config = await configFor(uri, file, text);
    return { evolvable: true, evaluator: config.evaluator.id };
  } catch (err) {
    return { evolvable: false, reason: (err as Error).message };
  }
});

handle('policyEvolver/evaluate', async ({ uri }) => {
  requireTrust('Evaluating a policy');
  const { file, text } = documentOf(uri);
  const hit = runs.scoreOf(file, contentHash(text));
  if (hit) return toEvaluateResult({ result: hit.result }, true);
  const config = await configFor(uri, file, text);
  const key = EvaluationCache.key(contentHash(text), config);
  const cached = evaluations.get(key) !== undefined;
  const value = await evaluations.evaluate(key, text, config, shutdown.signal);
  refreshLenses();
  const doc = documents.get(uri);
  if (doc) await publishDiagnostics(doc);
  return toEvaluateResult(value, cached);
});

handle('policyEvolver/evolve', async ({ uri, overrides }) => {
  requireTrust('Evolving a policy');
  const { file, text } = documentOf(uri);
  const settings = await settingsFor(uri);
  const config = runConfigFor(file, text, settings, rootOf(file), withSeed(overrides ?? {}, settings, file));
  const started = await runs.start(rootOf(file), text, config);
  refreshLenses();
  return started;
});

handle('policyEvolver/stop', ({ runId }) => runs.stop(runId));
handle('policyEvolver/selfPlay', ({ uri, rounds }) => {
  requireTrust('Self-play');
  const { file } = documentOf(uri);
  return selfPlay.start(file, rounds);
});
handle('policyEvolver/stopSelfPlay', ({ file }) => selfPlay.stop(file));
handle('policyEvolver/selfPlayView', ({ file }) => selfPlay.viewOf(file) ?? null);
handle('policyEvolver/deleteRun', ({ runId }) => {
  const deleted = runs.delete(runId);
  refreshLenses();
  return deleted;
});

handle('policyEvolver/resume', async ({ runId, overrides }) => {
  requireTrust('Resuming a run');
  const base = runs.snapshot(runId);
  const budget = overrides?.maxCandidates ? { maxCandidates: overrides.maxCandidates } : undefined;
  const resumed = await runs.resume(runId, budget ? { ...budget } : undefined);
  log(`resumed run ${runId} (${base.evaluated} candidates so far)`);
  return resumed;
});

handle('policyEvolver/listRuns', ({ file }) => runs.list(file));
handle('policyEvolver/domains', () => describeDomains());
handle('policyEvolver/snapshot', ({ runId }) => runs.snapshot(runId));
handle('policyEvolver/candidateSource', ({ runId, candidateId }) => runs.candidateSource(runId, candidateId));

handle('policyEvolver/planAccept', ({ runId, candidateId, current }) => {
  const source = runs.candidateSource(runId, candidateId);
  const plan = planAccept(source.base, source.code, current);
  if (plan.kind !== 'apply') return plan;
  // Accepting a candidate that is wrong or worse where it counts needs the person to confirm it.
  const concerns = runs.snapshot(runId).candidates.find((c) => c.id === candidateId)?.concerns ?? [];
  return concerns.length ? { ...plan, concerns } : plan;
});

handle('policyEvolver/decision', ({ runId, candidateId, decision, note }) => {
  runs.decide(runId, candidateId, decision, note);
  refreshLenses();
  return true;
});

handle('policyEvolver/setSecrets', ({ secrets }) => {
  applySecrets(secrets);
  return true;
});

handle('policyEvolver/testConnection', async (params) => {
  requireTrust('Testing an LLM connection');
  return testConnection(params, shutdown.signal);
});

handle('policyEvolver/setTrust', ({ trusted: value }) => {
  trusted = value;
  refreshLenses();
  for (const doc of documents.all()) void evaluateInBackground(doc);
  return true;
});

connection.onShutdown(async () => {
  shutdown.abort();
  selfPlay.stopAll();
  await runs.stopAll();
});

process.on('unhandledRejection', (err) => log(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`));

documents.listen(connection);
connection.listen();
