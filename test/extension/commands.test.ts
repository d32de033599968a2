// The command handlers against a fake server: what each sends, what the user is asked and shown,
// and that nothing runs in an untrusted workspace.
import './use-vscode-stub';
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from '../../src/extension/commands';
import { DomainCatalog } from '../../src/extension/domains';
import { describeDomains } from '../../src/server/domains';
import { ReviewPanel } from '../../src/extension/review/panel';
import { RunTracker } from '../../src/extension/run-tracker';
import { SelfPlayTracker } from '../../src/extension/selfplay';
import { RunsTree } from '../../src/extension/tree';
import { tempDir } from '../helpers/tmp';
import { candidate, FakeServer, runEntry, snapshotOf } from './fake-server';
import { stub, Uri } from './vscode-stub';

let server: FakeServer;
let tracker: RunTracker;
let tree: RunsTree;
let refreshes: number;
let dir: string;
const root = tempDir();
let tests = 0;

beforeEach(() => {
  stub.reset();
  dir = join(root, `t${tests++}`);
  mkdirSync(dir);
  stub.workspaceFolders = [{ uri: Uri.file(dir), name: 'w', index: 0 }];
  server = new FakeServer().on('policyEvolver/domains', () => describeDomains());
  tracker = new RunTracker(server.output as never, () => undefined);
  tree = new RunsTree(server.client);
  refreshes = 0;
  tree.onDidChangeTreeData(() => refreshes++);
  const context = { subscriptions: [], extensionUri: Uri.file('/ext'), asAbsolutePath: (p: string) => join('/ext', p), secrets: undefined } as unknown as vscode.ExtensionContext;
  registerCommands({ context, client: server.client, tracker, tree, catalog: new DomainCatalog([]), selfPlay: new SelfPlayTracker(server.client.output, () => undefined) });
});

afterEach(() => {
  ReviewPanel.active?.dispose();
  tracker.dispose();
});

const run = async (id: string, ...args: unknown[]): Promise<unknown> => vscode.commands.executeCommand(id, ...args);

function policyFile(text = 'export function step() {}\n'): string {
  const file = join(dir, 'policy.js');
  writeFileSync(file, text);
  return file;
}

test('every command the package declares has a handler', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
  // Commands VS Code itself provides for our view are not ours to register.
  const declared = pkg.contributes.commands.map((c) => c.command).filter((id) => !id.endsWith('.focus'));
  const missing = declared.filter((id) => !stub.commands.has(id));
  assert.deepEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
});

test('evolve in an untrusted workspace explains why and sends nothing to the server', async () => {
  stub.trusted = false;
  stub.open(policyFile());
  await run('policyEvolver.evolve');
  assert.deepEqual(server.requests, []);
  const [warning] = stub.messages;
  assert.equal(warning?.level, 'warning');
  assert.match(warning?.text ?? '', /untrusted workspace/);
  assert.ok(warning?.actions.includes('Manage Workspace Trust'));
});

test('evolve saves the active file, starts a run on it, tracks it, refreshes the tree and opens the review panel', async () => {
  const file = policyFile();
  const doc = stub.open(file);
  doc.applyEdits([{ range: new vscode.Range(new vscode.Position(0, 0), new vscode.Position(0, 0)), newText: '// edited\n' }]);
  stub.config.set('policyEvolver.generator', 'mutate');
  stub.config.set('policyEvolver.budget.maxCandidates', 5);
  server
    .on('policyEvolver/resolve', () => ({ evolvable: true }) as never)
    .on('policyEvolver/evolve', () => ({ runId: 'r9' }) as never)
    .on('policyEvolver/listRuns', () => [runEntry({ runId: 'r9', file, status: 'running' })])
    .on('policyEvolver/snapshot', () => snapshotOf(runEntry({ runId: 'r9', file, status: 'running' }), [candidate('c0', 0, 1)]));
  const runId = await run('policyEvolver.evolve');
  assert.equal(runId, 'r9');
  assert.equal(doc.isDirty, false, 'the edited file was saved before the run read it');
  assert.match(readFileSync(file, 'utf8'), /^\/\/ edited/);
  const [evolve] = server.sent('policyEvolver/evolve');
  assert.equal(evolve?.uri, Uri.file(file).toString());
  assert.deepEqual(tracker.running().map((r) => [r.runId, r.file]), [['r9', file]]);
  assert.ok(refreshes > 0, 'the runs tree was refreshed');
  assert.equal(stub.panels.length, 1, 'the review panel opened');
  assert.equal(stub.quickPickTitles.length + stub.inputTitles.length, 0, 'settings answered every question');
});

test('evolve asks for what the settings do not say, and a cancelled question starts nothing', async () => {
  stub.open(policyFile());
  server.on('policyEvolver/resolve', () => ({ evolvable: true }) as never).on('policyEvolver/evolve', () => ({ runId: 'r10' }) as never);
  stub.config.set('policyEvolver.openPanelOnStart', false);
  stub.quickPicks.push('mutate');
  stub.inputs.push('12');
  await run('policyEvolver.evolve');
  const [evolve] = server.sent('policyEvolver/evolve');
  assert.equal(evolve?.overrides?.generator, 'mutate');
  assert.equal(evolve?.overrides?.maxCandidates, 12);
  assert.equal(stub.panels.length, 0, 'openPanelOnStart: false keeps the panel closed');

  stub.quickPicks.push(undefined);
  await run('policyEvolver.evolve');
  assert.equal(server.sent('policyEvolver/evolve').length, 1, 'no second run after the question was dismissed');
});

test('evolve without a file on disk says so', async () => {
  await run('policyEvolver.evolve');
  assert.match(stub.shown('warning')[0] ?? '', /Open a policy or protocol file/);
  assert.deepEqual(server.requests, []);
});

test('evaluate shows the score and key metric, or the failure', async () => {
  stub.open(policyFile());
  server.on('policyEvolver/evaluate', () => ({ ok: true, score: 1.25, metrics: { waste: 3 }, keyMetric: 'waste', cached: true }) as never);
  await run('policyEvolver.evaluate');
  assert.deepEqual(stub.shown('info'), ['Score 1.25, waste 3 (cached)']);
  server.on('policyEvolver/evaluate', () => ({ ok: false, score: null, metrics: {}, error: 'step is not a function' }) as never);
  await run('policyEvolver.evaluate');
  assert.match(stub.shown('error')[0] ?? '', /Evaluation failed: step is not a function/);
});

test('a server error in a command reaches the user and the log, not an unhandled rejection', async () => {
  stub.open(policyFile());
  server.on('policyEvolver/resolve', () => {
    throw new Error('Request policyEvolver/resolve failed with message: no evaluator for .js files');
  });
  stub.config.set('policyEvolver.generator', 'mutate');
  await run('policyEvolver.evolve');
  assert.deepEqual(stub.shown('error'), ['Policy Evolver: no evaluator for .js files']);
  assert.ok(server.output.lines.some((l) => l.level === 'error' && /policyEvolver\.evolve: no evaluator/.test(l.text)));
});

test('stop picks the running run of the active file; with none running it says so', async () => {
  const file = policyFile();
  stub.open(file);
  server.on('policyEvolver/listRuns', () => [runEntry({ runId: 'a', file, status: 'running' }), runEntry({ runId: 'b', file: '/w/other.js', status: 'running' }), runEntry({ runId: 'c', file, status: 'ended' })]).on('policyEvolver/stop', () => true);
  await run('policyEvolver.stop');
  assert.deepEqual(server.sent('policyEvolver/stop'), [{ runId: 'a' }]);
  await run('policyEvolver.stop', 'explicit-run');
  assert.deepEqual(server.sent('policyEvolver/stop').at(-1), { runId: 'explicit-run' });

  server.on('policyEvolver/listRuns', () => []);
  await run('policyEvolver.stop');
  assert.match(stub.shown('info').at(-1) ?? '', /No running runs/);
});

test('resume with a new budget restarts the run and tracks it', async () => {
  const file = policyFile();
  server
    .on('policyEvolver/resume', (p) => ({ runId: p.runId }) as never)
    .on('policyEvolver/snapshot', () => snapshotOf(runEntry({ runId: 'r1', file }), [candidate('c0', 0, 1)]));
  stub.inputs.push('30');
  await run('policyEvolver.resume', 'r1');
  assert.deepEqual(server.sent('policyEvolver/resume'), [{ runId: 'r1', overrides: { maxCandidates: 30 } }]);
  assert.deepEqual(tracker.running().map((r) => r.runId), ['r1']);

  stub.inputs.push(undefined);
  await run('policyEvolver.resume', 'r1');
  assert.equal(server.sent('policyEvolver/resume').length, 1, 'dismissing the budget question resumes nothing');
});

test('a candidate in the tree opens a diff of the file against the candidate document', async () => {
  const node = { kind: 'candidate', run: runEntry({ file: '/w/policy.js', fileName: 'policy.js' }), candidate: candidate('c3', 3, 2) };
  await run('policyEvolver.openCandidateDiff', node);
  const diff = stub.executed.find((e) => e.command === 'vscode.diff');
  assert.ok(diff, 'vscode.diff was called');
  const [left, right, title] = diff.args as [vscode.Uri, vscode.Uri, string];
  assert.equal(left.fsPath, '/w/policy.js');
  assert.equal(right.scheme, 'policy-evolver-candidate');
  assert.match(right.path, /\/r1\/c3\/policy\.js$/);
  assert.match(title, /c3/);
});

test('reject from the tree records the decision with the note and refreshes the tree', async () => {
  server.on('policyEvolver/decision', () => true);
  stub.inputs.push('  too slow on bursts ');
  const before = refreshes;
  await run('policyEvolver.rejectCandidate', { kind: 'candidate', run: runEntry(), candidate: candidate('c2', 2, 1) });
  assert.deepEqual(server.sent('policyEvolver/decision'), [{ runId: 'r1', candidateId: 'c2', decision: 'rejected', note: 'too slow on bursts' }]);
  assert.ok(refreshes > before);
  stub.inputs.push(undefined);
  await run('policyEvolver.rejectCandidate', { kind: 'candidate', run: runEntry(), candidate: candidate('c2', 2, 1) });
  assert.equal(server.sent('policyEvolver/decision').length, 1, 'dismissing the note question rejects nothing');
});
