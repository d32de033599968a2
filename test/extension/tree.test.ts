// The Runs tree: runs grouped by file, one item per run whose icon, menu context and description
// follow its state, candidates with their outcome, and the overflow into the review panel.
import './use-vscode-stub';
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { groupByFile, RunsTree, type RunsNode } from '../../src/extension/tree';
import type { RunStatus } from '../../src/messages/lsp';
import { candidate, FakeServer, runEntry, snapshotOf } from './fake-server';
import { MarkdownString, stub, ThemeIcon, TreeItemCollapsibleState, Uri } from './vscode-stub';

beforeEach(() => {
  stub.reset();
  stub.workspaceFolders = [{ uri: Uri.file('/w'), name: 'w', index: 0 }];
});

const text = (t: unknown): string => (t instanceof MarkdownString ? t.value : String(t));
const iconId = (item: { iconPath?: unknown }): string => (item.iconPath instanceof ThemeIcon ? item.iconPath.id : '');

test('groupByFile keeps the first-seen order of files and the order of runs within each', () => {
  const a1 = runEntry({ runId: 'a1', file: '/w/a.js' });
  const b1 = runEntry({ runId: 'b1', file: '/w/b.js' });
  const a2 = runEntry({ runId: 'a2', file: '/w/a.js' });
  assert.deepEqual(
    groupByFile([a1, b1, a2]).map((g) => [g.file, g.runs.map((r) => r.runId)]),
    [
      ['/w/a.js', ['a1', 'a2']],
      ['/w/b.js', ['b1']],
    ],
  );
});

test('the root lists files with their runs, sets policyEvolver.hasRuns, and is empty without a workspace folder', async () => {
  const server = new FakeServer().on('policyEvolver/listRuns', () => [runEntry({ runId: 'a1', file: '/w/a.js' }), runEntry({ runId: 'a2', file: '/w/a.js' })]);
  const tree = new RunsTree(server.client);
  const roots = await tree.getChildren();
  assert.equal(roots.length, 1);
  const file = roots[0] as RunsNode;
  const item = tree.getTreeItem(file);
  assert.equal(item.resourceUri?.fsPath, '/w/a.js');
  assert.equal(item.description, '2 runs');
  assert.equal(item.collapsibleState, TreeItemCollapsibleState.Expanded);
  assert.equal(stub.context.get('policyEvolver.hasRuns'), true);
  assert.deepEqual((await tree.getChildren(file)).map((n) => (n.kind === 'run' ? n.run.runId : n.kind)), ['a1', 'a2']);

  stub.workspaceFolders = [];
  assert.deepEqual(await tree.getChildren(), []);
});

test('each run state has its own icon and menu context; a running run spins; the run opens the review panel', () => {
  const tree = new RunsTree(new FakeServer().client);
  const statuses: RunStatus[] = ['running', 'stopped', 'ended', 'failed', 'cancelled'];
  const items = statuses.map((status) => tree.getTreeItem({ kind: 'run', run: runEntry({ runId: `r-${status}`, status, endReason: 'budget-candidates' }) }));
  assert.deepEqual(
    items.map((i) => i.contextValue),
    statuses.map((s) => `run.${s}`),
  );
  assert.equal(new Set(items.map(iconId)).size, statuses.length, `icons: ${items.map(iconId).join(', ')}`);
  assert.match(iconId(items[0] as { iconPath?: unknown }), /~spin$/);
  for (const [i, item] of items.entries()) {
    assert.equal(item.id, `run:r-${statuses[i]}`);
    assert.deepEqual(item.command?.arguments, [`r-${statuses[i]}`]);
    assert.equal(item.collapsibleState, TreeItemCollapsibleState.Collapsed);
  }
  assert.match(String(items[2]?.description), /budget-candidates/, 'an ended run says why it ended');
  assert.doesNotMatch(String(items[0]?.description), /budget-candidates/, 'a running run has no end reason yet');
  assert.match(String(items[2]?.description), /3 candidates · best 2\.5 \(from 1\)/);
});

test('candidates show their score or why they have none; only scored, distinct ones can be accepted', async () => {
  const run = runEntry();
  const candidates = [
    candidate('c0', 0, 1),
    candidate('c1', 1, 2.5, { improvement: true }),
    candidate('c2', 2, null, { error: 'TypeError: boom' }),
    candidate('c3', 3, 2.5, { duplicateOf: 'c1' }),
    candidate('c4', 4, null, { pending: true }),
    candidate('c5', 5, 2, { decision: 'accepted' } as never),
  ];
  const server = new FakeServer().on('policyEvolver/snapshot', () => snapshotOf(run, candidates));
  const tree = new RunsTree(server.client);
  const children = await tree.getChildren({ kind: 'run', run });
  assert.deepEqual(
    children.map((n) => (n.kind === 'candidate' ? n.candidate.id : n.kind)),
    ['c1', 'c2', 'c3', 'c4', 'c5'],
    'the starting program is not a candidate',
  );
  const items = children.map((n) => tree.getTreeItem(n));
  const label = (i: number): string => String(items[i]?.label);
  assert.match(label(0), /^c1 · 2\.5$/);
  assert.match(label(1), /^c2 · failed/);
  assert.match(label(2), /duplicate of c1/);
  assert.match(label(3), /evaluating/);
  assert.deepEqual(
    items.map((i) => i.contextValue),
    ['candidate.ok', 'candidate', 'candidate', 'candidate', 'candidate.ok'],
  );
  assert.match(String(items[0]?.description), /improvement/);
  assert.match(text(items[1]?.tooltip), /TypeError: boom/);
  assert.equal(items[0]?.command?.command, 'policyEvolver.openCandidateDiff');
  assert.notEqual(iconId(items[0] as { iconPath?: unknown }), iconId(items[1] as { iconPath?: unknown }), 'a failed candidate looks different from an improvement');
  assert.notEqual(iconId(items[4] as { iconPath?: unknown }), iconId(items[0] as { iconPath?: unknown }), 'an accepted candidate looks different');
});

test('a run with many candidates shows the first ones and a pointer to the rest', async () => {
  const run = runEntry();
  const candidates = Array.from({ length: 41 }, (_, i) => candidate(`c${i}`, i, i));
  const tree = new RunsTree(new FakeServer().on('policyEvolver/snapshot', () => snapshotOf(run, candidates)).client);
  const children = await tree.getChildren({ kind: 'run', run });
  const more = children[children.length - 1] as RunsNode;
  assert.equal(more.kind, 'more');
  assert.equal(children.length - 1 + (more.kind === 'more' ? more.hidden : 0), 40, 'shown plus hidden is every candidate');
  assert.match(String(tree.getTreeItem(more).label), /more in the review panel/);
});

test('refresh tells VS Code the whole tree changed', () => {
  const tree = new RunsTree(new FakeServer().client);
  const seen: unknown[] = [];
  tree.onDidChangeTreeData((e) => seen.push(e));
  tree.refresh();
  assert.deepEqual(seen, [undefined]);
});
