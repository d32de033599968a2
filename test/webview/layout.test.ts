// The review panel's layout and truthfulness in Chromium at the widths of a side-by-side editor
// (400 px), half a screen (700 px) and a full one (1200 px): Accept and Reject in view, no page
// that scrolls sideways, colours by each metric's direction, comparisons on the same workloads,
// holdout and per-workload scores, failures and rejected proposals shown, verdicts before scores.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, Browser, Page } from '@playwright/test';
import type { CandidateSummary, RunSnapshot } from '../../src/messages/lsp';
import type { HostMessage, WebviewMessage } from '../../src/messages/webview';

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

const workloads = ['trace-a', 'trace-b', 'trace-c', 'trace-d', 'trace-e', 'trace-f'];

function cand(id: string, index: number, score: number | null, extra: Partial<CandidateSummary> = {}): CandidateSummary {
  return {
    id,
    index,
    island: index % 2,
    parentIds: ['c0'],
    generator: 'llm:openai-compatible/m',
    ok: score !== null,
    score,
    metrics: score === null ? {} : { adjusted_latency_seconds: 40 - score * 10, completion_rate: 0.9 + score / 100 },
    deltas: score === null || index === 0 ? {} : { adjusted_latency_seconds: -score * 10, completion_rate: score / 100 },
    baselineScore: 0,
    workloadsScored: 6,
    workloads: score === null ? [] : workloads.map((w, i) => ({ id: w, split: 'search' as const, ok: true, score: score + (i - 2) * 0.01, baseline: 0 })),
    checks: [],
    concerns: [],
    improvement: false,
    admitted: true,
    sourceHash: `h${id}`,
    pending: false,
    ...extra,
  };
}

function snapshot(candidates: CandidateSummary[], extra: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    runId: 'run-with-a-rather-long-identifier-20261207-093000-priority-ab12',
    dir: '/w/.policy-evolver/runs/r1',
    file: '/w/faas/a-policy-file-with-a-long-name-priority.ts',
    fileName: 'a-policy-file-with-a-long-name-priority.ts',
    evaluator: 'faas',
    generator: 'llm',
    domain: 'faas',
    status: 'ended',
    startedAt: '2026-12-07T09:30:00.000Z',
    seed: 1834567,
    relativeTo: "Eudoxia's priority policy",
    lowerIsBetter: ['*latency*', '*_seconds'],
    rejected: [],
    holdout: { bestId: 'c4', best: -0.02, initial: 0 },
    searchWorkloads: 6,
    proposed: 6,
    evaluated: 5,
    failed: 1,
    duplicates: 0,
    spendUsd: 0.0123,
    target: 6,
    bestId: 'c4',
    bestScore: 0.12,
    initialScore: 0,
    islands: 2,
    candidates,
    history: candidates.filter((c) => !c.pending).map((c) => ({ index: c.index, id: c.id, island: c.island, score: c.score, validation: null, ok: c.ok, ...(c.decision ? { decision: c.decision } : {}) })),
    bestHistory: [
      { index: 0, id: 'c0', score: 0 },
      { index: 4, id: 'c4', score: 0.12 },
    ],
    notes: [],
    ...extra,
  };
}

const longExplanation = 'Serve **INTERACTIVE** first with `pickPool(pipeline, pools)` and keep a reserve: ' + 'the reserve_for_interactive_pipelines_in_every_pool_is_sized_by_a_long_identifier '.repeat(2);

const candidates = [
  cand('c0', 0, 0, { holdout: 0, validation: 0 }),
  cand('c4', 4, 0.12, { validation: 0.1, holdout: -0.02, improvement: true, explanation: longExplanation, concerns: ['it is worse than the starting program on the holdout workloads (-0.02 vs 0)'] }),
  cand('c2', 2, 0.3, { cascadeStopped: true, workloadsScored: 1, baselineScore: 0.05, deltas: {}, workloads: [{ id: 'trace-a', split: 'search', ok: true, score: 0.3, baseline: 0.05 }] }),
  cand('c3', 3, 0.05, { decision: 'rejected' }),
  cand('c5', 5, null, { pending: true }),
  cand('c1', 1, null, { error: 'TypeError: Cannot read properties of undefined (reading "pools") at step (policy.ts:12:5)' }),
];

/** A few colours of VS Code's Dark Modern theme, so screenshots look as in the editor. */
const THEME = `:root { --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace; --vscode-foreground: #cccccc;
  --vscode-editor-background: #1f1f1f; --vscode-descriptionForeground: #9d9d9d; --vscode-errorForeground: #f85149; --vscode-editorWarning-foreground: #cca700;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc;
  --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8; --vscode-panel-border: #2b2b2b; --vscode-charts-green: #89d185; --vscode-charts-red: #f14c4c;
  --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-charts-purple: #b180d7; --vscode-charts-yellow: #cca700; --vscode-charts-foreground: #cccccc;
  --vscode-list-activeSelectionBackground: #04395e; --vscode-list-activeSelectionForeground: #ffffff; --vscode-input-background: #313131; --vscode-input-foreground: #cccccc;
  --vscode-textBlockQuote-border: #616161; --vscode-textBlockQuote-background: #2b2b2b; --vscode-textLink-foreground: #4daafc;
  --vscode-diffEditor-insertedLineBackground: #9bb95533; --vscode-diffEditor-removedLineBackground: #ff000033; --vscode-inputValidation-errorBackground: #5a1d1d; --vscode-inputValidation-errorBorder: #be1100; }`;

async function open(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 720 } });
  const fakeHost = `window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => null, setState: () => {} });`;
  await page.setContent(`<!DOCTYPE html><html><head><script>${fakeHost}</script></head><body><div id="app"></div></body></html>`);
  await page.addStyleTag({ content: readFileSync(join(root, 'media', 'review.css'), 'utf8') });
  await page.addStyleTag({ content: THEME });
  await page.addScriptTag({ content: readFileSync(bundle, 'utf8') });
  return page;
}

const send = (page: Page, message: HostMessage): Promise<void> => page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(m, '*'), message);
const posted = (page: Page): Promise<WebviewMessage[]> => page.evaluate(() => (globalThis as unknown as { __posted: WebviewMessage[] }).__posted);

async function inViewport(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    const w = globalThis as unknown as { innerWidth: number; innerHeight: number };
    return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= w.innerWidth && r.bottom <= w.innerHeight;
  });
}

const pageScrollsSideways = (page: Page): Promise<boolean> =>
  page.evaluate(() => {
    const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return d.scrollWidth > d.clientWidth + 1;
  });

for (const width of [400, 700, 1200]) {
  test(`at ${width} px: Accept and Reject in view, nothing scrolls the page sideways, also after scrolling down`, async () => {
    const page = await open(width);
    await send(page, { type: 'snapshot', snapshot: snapshot(candidates), runs: [], trusted: true });
    await send(page, { type: 'detail', detail: { runId: 'run-with-a-rather-long-identifier-20261207-093000-priority-ab12', candidateId: 'c4', fileChanged: false, hunks: [{ header: '@@ -1,1 +1,1 @@', lines: [{ kind: 'add', text: `const reserve = ${'x'.repeat(300)};`, newLine: 1 }] }] } });
    await page.waitForSelector('.diff .line.add');
    assert.equal(await pageScrollsSideways(page), false, 'the page itself never scrolls sideways');
    assert.equal(await inViewport(page, '#accept'), true, 'Accept is visible');
    assert.equal(await inViewport(page, '#reject'), true, 'Reject is visible');
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 1e6));
    await page.waitForFunction(() => (globalThis as unknown as { scrollY: number }).scrollY > 0);
    assert.equal(await inViewport(page, '#accept'), true, 'Accept stays visible when scrolled to the chart');
    assert.equal(await inViewport(page, '#reject'), true);
    assert.equal(await pageScrollsSideways(page), false);
    mkdirSync(join(root, '.test-tmp'), { recursive: true });
    await page.screenshot({ path: join(root, '.test-tmp', `review-panel-${width}.png`), fullPage: true });
    await page.close();
  });
}

test('numbers tell the truth: direction colours, same-workload comparison, holdout, per workload, ranking = best', async () => {
  const page = await open(700);
  await send(page, { type: 'snapshot', snapshot: snapshot(candidates), runs: [], trusted: true });
  await page.waitForSelector('#cand-c4[aria-selected="true"]');
  // The header's best is the top row and is selected first.
  assert.deepEqual(await page.$$eval('li.candidate', (els) => els.map((e) => e.getAttribute('data-id'))), ['c4', 'c2', 'c3', 'c5', 'c1']);
  assert.match((await page.textContent('#progress')) ?? '', /best c4 0\.12/);
  assert.ok(await page.$('#cand-c4 .badge.best'));
  // Lower latency is better (green) even though the difference is negative.
  const latencyRow = page.locator('table.metrics tr', { hasText: 'adjusted_latency_seconds' });
  assert.ok(await latencyRow.locator('.delta.better').count(), 'a latency drop is coloured better');
  assert.match((await latencyRow.locator('.delta').textContent()) ?? '', /^−/);
  // Holdout: the best is worse than the start; the confirmation reason is shown.
  const holdout = page.locator('#scores tr[data-set="holdout"]');
  assert.match((await holdout.textContent()) ?? '', /-0\.02/);
  assert.ok(await holdout.locator('.delta.worse').count());
  assert.match((await page.textContent('#concerns')) ?? '', /worse than the starting program on the holdout/);
  assert.equal(await page.locator('#per-workload tbody tr').count(), 6);
  // A cascade-stopped candidate is compared with the start on its own workloads, and says so.
  await page.click('#cand-c2');
  await page.waitForSelector('#cand-c2[aria-selected="true"]');
  assert.match((await page.textContent('#cand-c2')) ?? '', /0\.3 \(1\)\+0\.25/);
  assert.match((await page.textContent('table.metrics thead')) ?? '', /scored on 1 of 6 workloads/);
  // Scores say what they are relative to; a row still evaluating is not a failure.
  assert.match((await page.textContent('#meaning')) ?? '', /relative to Eudoxia's priority policy: 0 = as good/);
  assert.equal(await page.getAttribute('#cand-c5', 'class'), 'candidate pending');
  assert.match((await page.textContent('#cand-c5 .cand-score')) ?? '', /evaluating/);
  // Markdown renders as structure: no raw backticks, no markup injected.
  await page.click('#cand-c4');
  await page.waitForSelector('#explanation code');
  assert.equal(((await page.textContent('#explanation')) ?? '').includes('`'), false);
  assert.equal(await page.textContent('#explanation strong'), 'INTERACTIVE');
  // The chart has axes with titles and marks the rejected candidate.
  assert.equal(await page.locator('svg.chart .axis-title').count(), 2);
  assert.equal(await page.locator('svg.chart .decision.rejected').count(), 1);
  await page.close();
});

test('a failed run shows a banner with its actions and the proposals rejected before evaluation', async () => {
  const page = await open(400);
  const failed = snapshot([cand('c0', 0, 0)], {
    status: 'failed',
    evaluated: 0,
    bestId: 'c0',
    holdout: undefined,
    failure: { kind: 'auth', message: 'no candidate reached evaluation: all 3 proposals failed (last: 401 Incorrect API key provided)' },
    rejected: [
      { index: 3, error: 'generate: 401 Incorrect API key provided' },
      { index: 2, error: 'patch: SEARCH text not found in block 1' },
    ],
  });
  await send(page, { type: 'snapshot', snapshot: failed, runs: [], trusted: true });
  await page.waitForSelector('#failure');
  assert.equal(await page.getAttribute('#failure', 'role'), 'alert');
  assert.match((await page.textContent('#failure')) ?? '', /401 Incorrect API key/);
  await page.click('#failure button[data-action="set-api-key"]');
  assert.deepEqual((await posted(page)).at(-1), { type: 'action', action: 'set-api-key' });
  assert.equal(await page.textContent('#run-status'), 'failed');
  assert.equal(await page.locator('#rejected li').count(), 2);
  assert.match((await page.textContent('#rejected')) ?? '', /SEARCH text not found/);
  assert.equal(await pageScrollsSideways(page), false);
  await page.close();
});

test('verdicts come before scores; a counterexample opens in the panel', async () => {
  const page = await open(400);
  const violating = cand('c1', 1, 0.85, {
    checks: [
      { kind: 'safety', name: 'all properties', status: 'verified', scope: 'none:3, none:4, crash:3' },
      { kind: 'safety', name: 'RB-Agreement', status: 'violated', scope: 'byz-sender:4', detail: 'byz-sender:4: VIOLATED RB-Agreement — p1 delivered 0', evidence: 'p0 -> p1: ECHO(0)\np1 delivers 0\np2 waits' },
    ],
    concerns: ['it violates RB-Agreement at byz-sender:4'],
  });
  await send(page, { type: 'snapshot', snapshot: snapshot([cand('c0', 0, 0.8), violating], { bestId: 'c1', holdout: undefined, relativeTo: undefined, lowerIsBetter: ['messages*'] }), runs: [], trusted: true });
  await page.waitForSelector('#checks');
  assert.match((await page.textContent('#checks li:first-child')) ?? '', /VIOLATED RB-Agreement at byz-sender:4/);
  assert.ok(await page.$('#cand-c1 .badge.violated'));
  assert.match((await page.getAttribute('#accept', 'title')) ?? '', /RB-Agreement/);
  await page.click('#checks button.link');
  await page.waitForSelector('#counterexample pre');
  assert.match((await page.textContent('#counterexample pre')) ?? '', /p1 delivers 0/);
  await send(page, { type: 'counterexample', title: 'RB-Agreement at byz-sender:4', text: 'from a diagnostic' });
  await page.waitForSelector('#counterexample pre:has-text("from a diagnostic")');
  assert.equal(await pageScrollsSideways(page), false);
  await page.close();
});

test('self-play: curriculum progress and the ELO leaderboard, live and from the report', async () => {
  const page = await open(400);
  await send(page, { type: 'snapshot', snapshot: null, runs: [], trusted: true });
  await send(page, { type: 'selfplay', view: { file: '/w/cluster/policy.ts', fileName: 'policy.ts', running: true, lines: ['round 1 [easy] from policy p0', '  defender: 10/20 candidates, best 0.81 (start 0.74)'] } });
  await page.waitForSelector('#selfplay');
  assert.match((await page.textContent('#selfplay')) ?? '', /running/);
  assert.match((await page.textContent('#selfplay pre')) ?? '', /defender: 10\/20/);
  await send(page, {
    type: 'selfplay',
    view: {
      file: '/w/cluster/policy.ts',
      fileName: 'policy.ts',
      running: false,
      lines: [],
      result: { ok: true, message: 'self-play finished: reached level hard' },
      levelReached: 'hard',
      curriculum: [
        { round: 1, level: 'easy', successes: 5, total: 6, rate: 0.83, advanced: true },
        { round: 2, level: 'medium', successes: 3, total: 6, rate: 0.5, advanced: false },
      ],
      leaderboard: [{ id: 'p2-aa', rating: 1482.4, round: 2, level: 'medium', reward: 0.8182 }],
    },
  });
  await page.waitForSelector('#curriculum');
  assert.match((await page.textContent('#curriculum h3')) ?? '', /reached hard/);
  assert.equal(await page.locator('#curriculum li').count(), 2);
  assert.match((await page.textContent('#curriculum li.advanced')) ?? '', /5\/6 .*83%.*next level/);
  assert.match((await page.textContent('#selfplay-leaderboard')) ?? '', /1482.*p2-aa/);
  assert.equal(await pageScrollsSideways(page), false);
  await page.close();
});
