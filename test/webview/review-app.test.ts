// The review panel app in Chromium with a fake host: dist/webview.js is loaded into a page whose
// acquireVsCodeApi records what the app posts and persists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, Browser, Page } from '@playwright/test';
import type { CandidateSummary, RunSnapshot } from '../../src/messages/lsp';
import type { HostMessage, PersistedViewState, WebviewMessage } from '../../src/messages/webview';

const root = join(__dirname, '..', '..');
const bundle = join(root, 'dist', 'webview.js');
let browser: Browser;

before(async () => {
  if (!existsSync(bundle)) throw new Error('dist/webview.js is missing: run npm run build (npm run test:webview does)');
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  await browser?.close();
});

function cand(id: string, index: number, score: number | null, extra: Partial<CandidateSummary> = {}): CandidateSummary {
  return { id, index, island: index % 2, parentIds: ['c0'], generator: 'mutate', ok: score !== null, score, metrics: score === null ? {} : { waste: 10 - score }, deltas: score === null ? {} : { waste: 1 - score }, baselineScore: 1, workloadsScored: 1, workloads: [], checks: [], concerns: [], improvement: false, admitted: true, sourceHash: `h${id}`, pending: false, ...extra };
}

function snapshot(candidates: CandidateSummary[], status: RunSnapshot['status'] = 'running'): RunSnapshot {
  return {
    runId: 'r1', dir: '/runs/r1', file: '/w/policy.js', fileName: 'policy.js', evaluator: 'command', generator: 'mutate', domain: 'generic', status,
    startedAt: '2026-01-01T10:00:00.000Z', seed: 7, lowerIsBetter: ['waste'], rejected: [], searchWorkloads: 1, proposed: 3, evaluated: 3, failed: 1, duplicates: 0, spendUsd: 0, target: 10, bestId: 'c2', bestScore: 3, initialScore: 1, islands: 2,
    candidates, history: candidates.filter((c) => !c.pending).map((c) => ({ index: c.index, id: c.id, island: c.island, score: c.score, validation: c.index === 2 ? 2.5 : null, ok: c.ok })),
    bestHistory: [], notes: [],
  };
}

const ranked = [cand('c0', 0, 1), cand('c2', 2, 3, { explanation: '<img src=x onerror="window.__pwned=1"> tighter fit' }), cand('c1', 1, 2), cand('c3', 3, null, { error: 'TypeError: boom' })];

async function open(persisted?: PersistedViewState): Promise<Page> {
  const page = await browser.newPage();
  const fakeHost = `window.__posted = []; window.__state = ${JSON.stringify(persisted ?? null)};
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });`;
  await page.setContent(`<!DOCTYPE html><html><head><script>${fakeHost}</script></head><body><div id="app"></div></body></html>`);
  await page.addStyleTag({ content: readFileSync(join(root, 'media', 'review.css'), 'utf8') });
  await page.addScriptTag({ content: readFileSync(bundle, 'utf8') });
  return page;
}

const posted = (page: Page): Promise<WebviewMessage[]> => page.evaluate(() => (globalThis as unknown as { __posted: WebviewMessage[] }).__posted);
const send = (page: Page, message: HostMessage): Promise<void> => page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(m, '*'), message);

test('announces itself, renders the ranked candidates and asks for the best one', async () => {
  const page = await open();
  assert.deepEqual((await posted(page))[0], { type: 'ready' });
  await send(page, { type: 'snapshot', snapshot: snapshot(ranked), runs: [], trusted: true });
  await page.waitForSelector('li.candidate');
  assert.deepEqual(await page.$$eval('li.candidate', (els) => els.map((e) => e.getAttribute('data-id'))), ['c2', 'c1', 'c3']);
  assert.equal(await page.getAttribute('#cand-c2', 'aria-selected'), 'true');
  assert.deepEqual((await posted(page)).at(-1), { type: 'select', candidateId: 'c2' });
  assert.equal(await page.textContent('#cand-c3 .cand-score'), 'failed');
  // Candidate text is text, never markup.
  assert.match((await page.textContent('#explanation')) ?? '', /<img src=x/);
  assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
  assert.equal(await page.locator('svg.chart circle.point').count(), 3);
  assert.equal(await page.locator('svg.chart circle.validation').count(), 1);
  await page.close();
});

test('keyboard: arrows move the selection, Enter opens the diff editor', async () => {
  const page = await open();
  await send(page, { type: 'snapshot', snapshot: snapshot(ranked), runs: [], trusted: true });
  await page.waitForSelector('li.candidate');
  await page.focus('#candidates');
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('#cand-c1[aria-selected="true"]');
  assert.deepEqual((await posted(page)).at(-1), { type: 'select', candidateId: 'c1' });
  await page.keyboard.press('End');
  await page.waitForSelector('#cand-c3[aria-selected="true"]');
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted(page)).at(-1), { type: 'open-diff', candidateId: 'c3' });
  assert.equal(await page.getAttribute('#candidates', 'aria-activedescendant'), 'cand-c3');
  await page.close();
});

test('shows the diff, accepts, and rejects with a note', async () => {
  const page = await open();
  await send(page, { type: 'snapshot', snapshot: snapshot(ranked), runs: [], trusted: true });
  await send(page, { type: 'detail', detail: { runId: 'r1', candidateId: 'c2', fileChanged: true, hunks: [{ header: '@@ -1,2 +1,2 @@', lines: [{ kind: 'context', text: 'a', oldLine: 1, newLine: 1 }, { kind: 'del', text: 'b', oldLine: 2 }, { kind: 'add', text: 'B', newLine: 2 }] }] } });
  await page.waitForSelector('.diff .line.add');
  assert.equal(await page.locator('.diff .line.del').count(), 1);
  assert.match((await page.textContent('.detail')) ?? '', /file changed since this run started/);
  await page.click('#accept');
  assert.deepEqual((await posted(page)).at(-1), { type: 'accept', candidateId: 'c2' });
  // Host messages arrive as events: wait for each to render before reading the page.
  await send(page, { type: 'busy', candidateId: 'c2', busy: true });
  await page.waitForSelector('#accept[disabled]');
  assert.equal(await page.isDisabled('#accept'), true);
  await send(page, { type: 'busy', candidateId: 'c2', busy: false });
  await page.waitForSelector('#accept:not([disabled])');
  await page.fill('#note-c2', 'too many bins on skewed loads');
  await page.click('#reject');
  assert.deepEqual((await posted(page)).at(-1), { type: 'reject', candidateId: 'c2', note: 'too many bins on skewed loads' });
  await send(page, { type: 'notice', level: 'error', message: 'Cannot accept c2: you edited evolvable block 1' });
  await page.waitForSelector('#notice:has-text("Cannot accept")');
  assert.match((await page.textContent('#notice')) ?? '', /Cannot accept c2/);
  await page.close();
});

test('view state survives a reload: the host re-sends the snapshot and the selection and draft come back', async () => {
  const first = await open();
  await send(first, { type: 'snapshot', snapshot: snapshot(ranked), runs: [], trusted: true });
  await first.waitForSelector('li.candidate');
  await first.click('#cand-c1');
  await first.fill('#note-c1', 'half-written reason');
  const saved = (await first.evaluate(() => (globalThis as unknown as { __state: PersistedViewState }).__state)) as PersistedViewState;
  await first.close();
  assert.deepEqual(saved, { runId: 'r1', selectedId: 'c1', drafts: { c1: 'half-written reason' } });
  const second = await open(saved);
  await send(second, { type: 'snapshot', snapshot: snapshot(ranked, 'ended'), runs: [], trusted: false });
  await second.waitForSelector('#cand-c1[aria-selected="true"]');
  assert.equal(await second.inputValue('#note-c1'), 'half-written reason');
  assert.equal(await second.textContent('#run-status'), 'finished');
  assert.match((await second.textContent('#app')) ?? '', /Restricted mode/);
  await second.close();
});

test('no runs: an empty state that says what to do', async () => {
  const page = await open();
  await send(page, { type: 'snapshot', snapshot: null, runs: [], trusted: true });
  await page.waitForSelector('.empty');
  assert.match((await page.textContent('.empty')) ?? '', /Evolve This Policy/);
  await page.close();
});

test('cluster runs show their Pareto front and the self-play ELO leaderboard', async () => {
  const page = await open();
  const snap = {
    ...snapshot(ranked),
    pareto: { objectives: ['latency', 'cost'], members: [{ id: 'c2', score: 3, values: [0.9, 0.4] }, { id: 'c1', score: 2, values: [0.5, 0.8] }] },
    leaderboard: [{ id: 'p2-aa', rating: 1482.4, round: 2, level: 'medium', reward: 0.8182 }, { id: 'p0-bb', rating: 1398.2, round: 0, level: 'medium', reward: null }],
  };
  await send(page, { type: 'snapshot', snapshot: snap, runs: [], trusted: true });
  await page.waitForSelector('#pareto table');
  assert.equal(await page.textContent('#pareto h2'), 'Pareto front (2)');
  assert.deepEqual(await page.$$eval('#pareto thead th', (els) => els.map((e) => e.textContent)), ['candidate', 'score', 'latency', 'cost']);
  assert.deepEqual(await page.$$eval('#pareto tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))), [
    ['c2', '3', '0.900', '0.400'],
    ['c1', '2', '0.500', '0.800'],
  ]);
  assert.deepEqual(await page.$$eval('#leaderboard tbody tr td:first-child', (els) => els.map((e) => e.textContent)), ['1482', '1398']);
  // Runs of other domains have neither section.
  await send(page, { type: 'snapshot', snapshot: snapshot(ranked), runs: [], trusted: true });
  await page.waitForFunction(() => !(globalThis as unknown as { document: { getElementById(id: string): unknown } }).document.getElementById('pareto'));
  assert.equal(await page.locator('#leaderboard').count(), 0);
  await page.close();
});

test('the candidate detail shows its decisions: pick a task, read the reason it gave', async () => {
  const page = await open();
  await send(page, { type: 'snapshot', snapshot: snapshot(ranked), runs: [], trusted: true });
  const decisions = {
    workload: 'easy-01',
    notes: [
      { subject: 't1', choice: 'n2', time: 0, reason: 'served 1 of 2 waiting; the tightest fit' },
      { subject: 't2', choice: 'n1', time: 12.5, reason: '<b>not markup</b> only node with room' },
    ],
  };
  await send(page, { type: 'detail', detail: { runId: 'r1', candidateId: 'c2', fileChanged: false, hunks: [], decisions } });
  await page.waitForSelector('#decisions');
  assert.match((await page.textContent('#decisions h3')) ?? '', /Decisions on easy-01/);
  assert.deepEqual(await page.$$eval('#decision-task option', (els) => els.map((e) => e.textContent)), ['t1', 't2']);
  assert.equal(await page.textContent('#decision-reason'), 't1 → n2 at 0 s: served 1 of 2 waiting; the tightest fit');
  await page.selectOption('#decision-task', 't2');
  await page.waitForSelector('#decision-reason:has-text("t2 → n1")');
  assert.equal(await page.textContent('#decision-reason'), 't2 → n1 at 12.5 s: <b>not markup</b> only node with room');
  assert.equal(await page.locator('#decision-reason b').count(), 0, 'a reason is text, never markup');
  // The same candidate's detail again (a refresh) keeps the pick; a candidate without reasons has no section.
  await send(page, { type: 'detail', detail: { runId: 'r1', candidateId: 'c2', fileChanged: false, hunks: [], decisions } });
  await page.waitForSelector('#decision-reason:has-text("t2 → n1")');
  await send(page, { type: 'detail', detail: { runId: 'r1', candidateId: 'c2', fileChanged: false, hunks: [] } });
  await page.waitForFunction(() => !(globalThis as unknown as { document: { getElementById(id: string): unknown } }).document.getElementById('decisions'));
  await page.close();
});
