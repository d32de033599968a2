// The editor side of failed runs: the Runs view says why a run failed, a starting run is shown at
// once (never "No runs yet" meanwhile), and a failure notification offers the action that fixes it.
import './use-vscode-stub';
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { RunsTree, runDescription, STATUS_VIEW } from '../../src/extension/tree';
import { failureActions } from '../../src/extension/run-tracker';
import type { RunStatus } from '../../src/messages/lsp';
import { FakeServer, runEntry } from './fake-server';
import { stub, Uri } from './vscode-stub';

beforeEach(() => {
  stub.reset();
  stub.workspaceFolders = [{ uri: Uri.file('/w'), name: 'w', index: 0 }];
});

test('every run state reads and looks different; a failed run says why, others show their seed', () => {
  const states: RunStatus[] = ['running', 'ended', 'cancelled', 'stopped', 'failed'];
  assert.equal(new Set(states.map((s) => STATUS_VIEW[s].icon)).size, states.length);
  assert.equal(new Set(states.map((s) => STATUS_VIEW[s].label)).size, states.length);
  const failed = runDescription(runEntry({ status: 'failed', failure: { kind: 'auth', message: '401 Incorrect API key provided' } }));
  assert.match(failed, /^failed: 401 Incorrect API key/);
  assert.match(runDescription(runEntry({ status: 'ended', seed: 4242, endReason: 'budget-candidates' })), /^finished \(budget-candidates\).*seed 4242/);
});

test('a run being started is listed at once, before the server has its folder', async () => {
  const server = new FakeServer().on('policyEvolver/listRuns', () => []);
  const tree = new RunsTree(server.client);
  tree.setStarting('/w/policy.js', true);
  const roots = await tree.getChildren();
  assert.equal(roots.length, 1);
  assert.equal(roots[0]?.kind, 'starting');
  assert.match(String(tree.getTreeItem(roots[0] as never).label), /policy\.js: starting a run/);
  tree.setStarting('/w/policy.js', false);
  assert.equal((await tree.getChildren()).length, 0);
});

test('each failure kind offers the action that fixes it, and always the log', () => {
  assert.deepEqual(failureActions('auth').map((a) => a.title), ['Set API Key', 'Open Settings', 'Show Log']);
  assert.deepEqual(failureActions('endpoint').map((a) => a.title), ['Open Settings', 'Show Log']);
  assert.deepEqual(failureActions('starting-program').map((a) => a.title), ['Show Log']);
  for (const kind of ['auth', 'endpoint', 'rate-limit', 'no-candidates', 'starting-program', 'config', 'error'] as const) {
    assert.ok(failureActions(kind).some((a) => a.command === 'policyEvolver.showLog'));
  }
});
