// The review panel host and Accept: what the webview is sent for each of its messages, and that
// accepting applies the server's plan as one WorkspaceEdit to the user's document before the
// decision is recorded.
import './use-vscode-stub';
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptCandidate } from '../../src/extension/review/accept';
import { CandidateDocuments, candidateUri, parseCandidateUri } from '../../src/extension/review/candidate-documents';
import { diffHunks } from '../../src/extension/review/diff-hunks';
import { ReviewPanel } from '../../src/extension/review/panel';
import type { HostMessage } from '../../src/messages/webview';
import { tempDir } from '../helpers/tmp';
import { candidate, FakeServer, runEntry, snapshotOf } from './fake-server';
import { stub, Uri, type WebviewPanel } from './vscode-stub';

const ORIGINAL = 'export function priority(item, left) {\n  return -left;\n}\n';
const CANDIDATE = 'export function priority(item, left) {\n  return item - left;\n}\n';

const root = tempDir();
let tests = 0;
let file: string;
let server: FakeServer;
let decisions: number;

beforeEach(() => {
  stub.reset();
  const dir = join(root, `t${tests++}`);
  mkdirSync(dir);
  file = join(dir, 'policy.js');
  writeFileSync(file, ORIGINAL);
  decisions = 0;
  const run = runEntry({ runId: 'r1', file, fileName: 'policy.js' });
  server = new FakeServer()
    .on('policyEvolver/listRuns', () => [run])
    .on('policyEvolver/snapshot', () => snapshotOf(run, [candidate('c0', 0, 1), candidate('c1', 1, 2, { improvement: true })]))
    .on('policyEvolver/candidateSource', () => ({ code: CANDIDATE, base: ORIGINAL }) as never)
    .on('policyEvolver/decision', () => true);
});

afterEach(() => ReviewPanel.active?.dispose());

/** Resolves with the next message of `type` the host posts to the webview. */
function nextPosted<T extends HostMessage['type']>(panel: WebviewPanel, type: T): Promise<Extract<HostMessage, { type: T }>> {
  return new Promise((resolve) => {
    const listener = panel.webview.onDidPost((m) => {
      if ((m as HostMessage).type === type) {
        listener.dispose();
        resolve(m as Extract<HostMessage, { type: T }>);
      }
    });
  });
}

function openPanel(runId?: string): WebviewPanel {
  ReviewPanel.show(server.client, Uri.file('/ext') as never, runId, () => decisions++);
  const panel = stub.panels.at(-1);
  assert.ok(panel, 'a webview panel was created');
  return panel;
}

/** A panel whose webview has announced itself and received its snapshot. */
async function openReadyPanel(runId = 'r1'): Promise<WebviewPanel> {
  const panel = openPanel(runId);
  const ready = nextPosted(panel, 'snapshot');
  panel.webview.sendFromWebview({ type: 'ready' });
  await ready;
  return panel;
}

/** The plan the server makes: replace the whole text (what the real planner does for a file without blocks). */
function planWholeFile(): void {
  server.on('policyEvolver/planAccept', (p) => ({ kind: 'apply', rebased: false, edits: [{ start: 0, end: p.current.length, newText: CANDIDATE }] }) as never);
}

test('the panel HTML allows only its own scripts and styles', () => {
  const panel = openPanel('r1');
  const html = panel.webview.html;
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  const nonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(csp)?.[1];
  assert.ok(nonce, 'scripts need a nonce');
  assert.ok(html.includes(`<script nonce="${nonce}"`), 'the one script carries the nonce');
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
});

test('ready gets a snapshot of the run with the list of runs; the title names the file', async () => {
  const panel = openPanel('r1');
  const posted = nextPosted(panel, 'snapshot');
  panel.webview.sendFromWebview({ type: 'ready' });
  const message = await posted;
  assert.equal(message.snapshot?.runId, 'r1');
  assert.deepEqual(message.runs.map((r) => r.runId), ['r1']);
  assert.equal(message.trusted, true);
  assert.match(panel.title, /policy\.js/);
});

test('selecting a candidate sends its diff against the file as it is now', async () => {
  const panel = await openReadyPanel();
  const detail = nextPosted(panel, 'detail');
  panel.webview.sendFromWebview({ type: 'select', candidateId: 'c1' });
  const { detail: d } = await detail;
  assert.equal(d.candidateId, 'c1');
  assert.equal(d.fileChanged, false);
  const lines = d.hunks.flatMap((h) => h.lines);
  assert.deepEqual(lines.filter((l) => l.kind !== 'context').map((l) => `${l.kind}:${l.text}`), ['del:  return -left;', 'add:  return item - left;']);

  // An unsaved edit in the editor is what the diff is made against.
  const doc = stub.open(file, false);
  doc.applyEdits([{ range: { start: doc.positionAt(0), end: doc.positionAt(0) }, newText: '// mine\n' } as never]);
  const again = nextPosted(panel, 'detail');
  panel.webview.sendFromWebview({ type: 'select', candidateId: 'c1' });
  assert.equal((await again).detail.fileChanged, true);
  assert.equal(d.decisions, undefined, 'no reasons recorded, no decisions section');

  // The reasons the server has for a candidate reach the webview with its detail.
  const decisions = { workload: 'easy-01', notes: [{ subject: 't1', choice: 'n2', time: 0, reason: 'tightest fit' }] };
  server.on('policyEvolver/candidateSource', () => ({ code: CANDIDATE, base: ORIGINAL, decisions }) as never);
  const explained = nextPosted(panel, 'detail');
  panel.webview.sendFromWebview({ type: 'select', candidateId: 'c1' });
  assert.deepEqual((await explained).detail.decisions, decisions);
});

test('a detail the server cannot give is an error for that candidate, not a broken panel', async () => {
  server.on('policyEvolver/candidateSource', () => {
    throw new Error('source of c1 is missing');
  });
  const panel = await openReadyPanel();
  const failed = nextPosted(panel, 'detail-error');
  panel.webview.sendFromWebview({ type: 'select', candidateId: 'c1' });
  const message = await failed;
  assert.equal(message.candidateId, 'c1');
  assert.match(message.message, /source of c1 is missing/);
});

test('Accept in the panel applies the plan as one edit, saves, records the decision and tells the webview', async () => {
  planWholeFile();
  stub.config.set('policyEvolver.saveAfterAccept', true);
  const panel = await openReadyPanel();
  const notice = nextPosted(panel, 'notice');
  panel.webview.sendFromWebview({ type: 'accept', candidateId: 'c1' });
  const n = await notice;
  assert.equal(n.level, 'info');
  assert.match(n.message, /Applied c1/);
  assert.equal(stub.appliedEdits.length, 1, 'one WorkspaceEdit (one undo step)');
  assert.equal(stub.open(file, false).getText(), CANDIDATE);
  assert.equal(readFileSync(file, 'utf8'), CANDIDATE, 'saved after accept');
  assert.deepEqual(server.sent('policyEvolver/planAccept')[0]?.current, ORIGINAL);
  assert.deepEqual(server.sent('policyEvolver/decision'), [{ runId: 'r1', candidateId: 'c1', decision: 'accepted' }]);
  assert.equal(decisions, 1);
});

test('acceptCandidate: a refused plan, an unchanged file and a refused edit change nothing and record nothing', async () => {
  server.on('policyEvolver/planAccept', () => ({ kind: 'refused', reason: 'the file changed inside the evolvable block' }) as never);
  const refused = await acceptCandidate(server.client, 'r1', 'c1', file);
  assert.deepEqual(refused, { ok: false, message: 'Cannot accept c1: the file changed inside the evolvable block' });

  server.on('policyEvolver/planAccept', () => ({ kind: 'unchanged' }) as never);
  const unchanged = await acceptCandidate(server.client, 'r1', 'c1', file);
  assert.equal(unchanged.ok, false);

  planWholeFile();
  stub.applyEditSucceeds = false;
  const readOnly = await acceptCandidate(server.client, 'r1', 'c1', file);
  assert.equal(readOnly.ok, false);
  assert.match(readOnly.ok ? '' : readOnly.message, /did not apply the edit/);

  assert.equal(readFileSync(file, 'utf8'), ORIGINAL);
  assert.deepEqual(server.sent('policyEvolver/decision'), []);
});

test('acceptCandidate keeps the file unsaved when saveAfterAccept is off', async () => {
  planWholeFile();
  stub.config.set('policyEvolver.saveAfterAccept', false);
  const outcome = await acceptCandidate(server.client, 'r1', 'c1', file);
  assert.deepEqual(outcome, { ok: true, rebased: false });
  assert.equal(stub.open(file, false).isDirty, true);
  assert.equal(readFileSync(file, 'utf8'), ORIGINAL);
});

test('Reject in the panel records the note and says it will steer later prompts', async () => {
  const panel = await openReadyPanel();
  const notice = nextPosted(panel, 'notice');
  panel.webview.sendFromWebview({ type: 'reject', candidateId: 'c1', note: 'ignores memory' });
  assert.match((await notice).message, /Rejected c1; your note will steer later prompts/);
  assert.deepEqual(server.sent('policyEvolver/decision'), [{ runId: 'r1', candidateId: 'c1', decision: 'rejected', note: 'ignores memory' }]);
});

test('messages that are not webview messages are ignored', async () => {
  const panel = openPanel('r1');
  panel.webview.sendFromWebview({ type: 'accept' });
  panel.webview.sendFromWebview('accept c1');
  panel.webview.sendFromWebview({ type: 'no-such-message', candidateId: 'c1' });
  // A well-formed message after them is answered, so the bad ones were read and dropped.
  const ready = nextPosted(panel, 'snapshot');
  panel.webview.sendFromWebview({ type: 'ready' });
  await ready;
  assert.deepEqual(server.sent('policyEvolver/planAccept'), []);
  assert.deepEqual(server.sent('policyEvolver/decision'), []);
});

test('one panel at a time: showing it again reveals it; a run change refreshes it', async () => {
  const panel = openPanel('r1');
  openPanel('r1');
  assert.equal(stub.panels.length, 1);
  assert.ok(panel.reveals >= 1);
  const refreshed = nextPosted(panel, 'snapshot');
  ReviewPanel.notifyRunChanged('r1');
  assert.equal((await refreshed).snapshot?.runId, 'r1');
  panel.dispose();
  assert.equal(ReviewPanel.active, undefined);
});

test('candidate documents: the URI names run and candidate, and the content is the candidate source', async () => {
  const uri = candidateUri('r1', 'c1', 'policy.js');
  assert.equal(uri.scheme, 'policy-evolver-candidate');
  assert.deepEqual(parseCandidateUri(uri as never), { runId: 'r1', candidateId: 'c1' });
  assert.equal(await new CandidateDocuments(server.client).provideTextDocumentContent(uri as never), CANDIDATE);
  assert.deepEqual(server.sent('policyEvolver/candidateSource'), [{ runId: 'r1', candidateId: 'c1' }]);
});

test('diff hunks number old and new lines', () => {
  const [hunk] = diffHunks('a\nb\nc\n', 'a\nB\nc\n');
  assert.deepEqual(hunk?.lines, [
    { kind: 'context', text: 'a', oldLine: 1, newLine: 1 },
    { kind: 'del', text: 'b', oldLine: 2 },
    { kind: 'add', text: 'B', newLine: 2 },
    { kind: 'context', text: 'c', oldLine: 3, newLine: 3 },
  ]);
  assert.deepEqual(diffHunks('same\n', 'same\n'), []);
});
