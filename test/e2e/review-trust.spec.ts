// A review you can trust, in a real VS Code (code-server) driven through Chromium: the key stored
// with "Set API Key" reaches a loopback OpenAI-compatible server in a run; a 401 and an unreachable
// server are shown to the user (notification with its action, failed run, banner in the panel); a
// protocol violation is a diagnostic and a VIOLATED CodeLens, and accepting a violating candidate
// asks for confirmation; the panel at 400 px shows Accept and Reject without sideways scrolling,
// and holdout scores. Each test has its own workspace; every wait is on a condition.
import { test, expect } from '@playwright/test';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESSION_FILE } from './global-setup';
import { createWorkspace, repoRoot, workspaceUrl, type Session } from './code-server';
import { searchReplaceReply, startFakeLlmServer } from '../helpers/fake-llm-server';
import { evolve, openFile, reviewFrame, runCommand } from './workbench';

const session = (): Session => JSON.parse(readFileSync(SESSION_FILE, 'utf8')) as Session;
const shots = join(repoRoot, '.test-tmp', 'e2e-screenshots');

const llmSettings = (baseUrl: string): Record<string, unknown> => ({
  'policyEvolver.generator': 'llm',
  'policyEvolver.models': ['openai-compatible:m'],
  'policyEvolver.baseUrl': baseUrl,
  'policyEvolver.budget.maxCandidates': 2,
  'policyEvolver.generationConcurrency': 1,
});

const FAAS_SEARCH = 'const RETRY_CPU_FACTOR = 2;';

test('a key stored with "Set API Key" reaches a loopback OpenAI-compatible server in a run', async ({ page }) => {
  const key = 'sk-e2e-stored-key-5d1c';
  const server = await startFakeLlmServer({ apiKey: key, models: ['m'], rules: [{ reply: searchReplaceReply(FAAS_SEARCH, 'const RETRY_CPU_FACTOR = 3;', 'Give retries **more** CPU: `RETRY_CPU_FACTOR` 3.') }] });
  try {
    const s = session();
    const workspace = createWorkspace(s, 'stored-key', llmSettings(server.openaiBaseUrl));
    await page.goto(workspaceUrl(s, workspace));
    await openFile(page, 'faas', 'priority.ts');
    await expect(page.locator('.codelens-decoration', { hasText: /Score/ }).first()).toBeVisible({ timeout: 120_000 });

    await runCommand(page, 'Policy Evolver: Set API Key');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'OpenAI-compatible server' }).click();
    const box = page.locator('.quick-input-widget input[type="password"]');
    await expect(box).toBeVisible();
    await box.fill(key);
    await box.press('Enter');
    await expect(page.locator('.notifications-toasts', { hasText: 'Saved the OpenAI-compatible' })).toBeVisible();

    await evolve(page, 'priority.ts');
    const panel = await reviewFrame(page);
    await expect(panel.locator('#run-status')).toHaveText('finished', { timeout: 180_000 });
    expect(server.requests.length).toBeGreaterThan(0);
    for (const req of server.requests) expect(req.headers.authorization).toBe(`Bearer ${key}`);
    // The model's explanation renders as Markdown, without raw backticks.
    await expect(panel.locator('li.candidate').first()).toBeVisible();
    await expect(panel.locator('#explanation code').first()).toHaveText('RETRY_CPU_FACTOR');
    expect(await panel.locator('#explanation').textContent()).not.toContain('`');
  } finally {
    await server.close();
  }
});

test('a 401 from the server is shown: notification with "Set API Key", failed run, banner in the panel', async ({ page }) => {
  const server = await startFakeLlmServer({ apiKey: 'sk-the-right-one', models: ['m'], rules: [{ reply: searchReplaceReply(FAAS_SEARCH, 'const RETRY_CPU_FACTOR = 3;') }] });
  try {
    const s = session();
    const workspace = createWorkspace(s, 'auth-401', llmSettings(server.openaiBaseUrl));
    await page.goto(workspaceUrl(s, workspace));
    await openFile(page, 'faas', 'priority.ts');
    await expect(page.locator('.codelens-decoration', { hasText: /Score/ }).first()).toBeVisible({ timeout: 120_000 });
    await evolve(page, 'priority.ts');

    const toast = page.locator('.notification-toast', { hasText: 'failed' });
    await expect(toast).toBeVisible({ timeout: 180_000 });
    await expect(toast.getByRole('button', { name: 'Set API Key' })).toBeVisible();
    const panel = await reviewFrame(page);
    await expect(panel.locator('#run-status')).toHaveText('failed', { timeout: 60_000 });
    await expect(panel.locator('#failure')).toContainText(/401|API key|auth/i);
    await expect(panel.locator('#failure button[data-action="set-api-key"]')).toBeVisible();
    await runCommand(page, 'View: Show Policy Evolver');
    await expect(page.locator('.monaco-list-row', { hasText: /failed: / }).first()).toBeVisible();
    // "Set API Key" in the notification opens the key picker.
    await toast.getByRole('button', { name: 'Set API Key' }).click();
    await expect(page.locator('.quick-input-list .monaco-list-row', { hasText: 'OpenAI-compatible server' })).toBeVisible();
    await page.keyboard.press('Escape');
  } finally {
    await server.close();
  }
});

test('an unreachable server is shown: notification with "Open Settings", failed run, banner in the panel', async ({ page }) => {
  // Nothing listens on the discard port of loopback.
  const s = session();
  const workspace = createWorkspace(s, 'unreachable', llmSettings('http://127.0.0.1:9/v1'));
  await page.goto(workspaceUrl(s, workspace));
  await openFile(page, 'faas', 'priority.ts');
  await expect(page.locator('.codelens-decoration', { hasText: /Score/ }).first()).toBeVisible({ timeout: 120_000 });
  await evolve(page, 'priority.ts');
  const toast = page.locator('.notification-toast', { hasText: 'failed' });
  await expect(toast).toBeVisible({ timeout: 240_000 });
  await expect(toast.getByRole('button', { name: 'Open Settings' })).toBeVisible();
  const panel = await reviewFrame(page);
  await expect(panel.locator('#run-status')).toHaveText('failed', { timeout: 60_000 });
  await expect(panel.locator('#failure')).toBeVisible();
  await expect(panel.locator('#failure button[data-action="open-settings"]')).toBeVisible();
});

test('a protocol violation is a diagnostic and a VIOLATED CodeLens; accepting a violating candidate asks first', async ({ page }) => {
  test.setTimeout(600_000);
  const s = session();
  const workspace = createWorkspace(s, 'protocol-violation', { 'policyEvolver.generator': 'qlearning', 'policyEvolver.budget.maxCandidates': 3 });
  mkdirSync(join(workspace, 'protocols'), { recursive: true });
  cpSync(join(repoRoot, 'examples', 'protocols', 'figure3.rbp'), join(workspace, 'protocols', 'figure3.rbp'));
  const file = join(workspace, 'protocols', 'figure3.rbp');
  const original = readFileSync(file, 'utf8');
  await page.goto(workspaceUrl(s, workspace));
  await openFile(page, 'protocols', 'figure3.rbp');

  await expect(page.locator('.codelens-decoration', { hasText: /VIOLATED RB-Agreement at byz-sender/ }).first()).toBeVisible({ timeout: 300_000 });
  await runCommand(page, 'Focus on Problems', /Focus on Problems View/);
  await expect(page.locator('.markers-panel .monaco-list-row', { hasText: /RB-Agreement VIOLATED at byz-sender/ }).first()).toBeVisible({ timeout: 60_000 });

  await openFile(page, 'protocols', 'figure3.rbp');
  await evolve(page, 'figure3.rbp');
  const panel = await reviewFrame(page);
  await expect(panel.locator('#run-status')).toHaveText(/finished|failed/, { timeout: 480_000 });
  const violating = panel.locator('li.candidate:has(.badge.violated)').first();
  await expect(violating).toBeVisible();
  await violating.click();
  await expect(panel.locator('#checks li.violated').first()).toBeVisible();
  await panel.locator('#accept').click();
  const dialog = page.locator('.monaco-dialog-box');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('anyway');
  await expect(dialog).toContainText(/It violates \S+ at \S+:\d+/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.locator('#notice')).toContainText('Did not accept');
  expect(readFileSync(file, 'utf8')).toBe(original);
});

test('the panel at 400 px shows Accept and Reject without sideways scrolling, and holdout scores', async ({ page }) => {
  const s = session();
  const workspace = createWorkspace(s, 'panel-400', { 'policyEvolver.budget.maxCandidates': 4 });
  cpSync(join(repoRoot, 'examples', 'bin-packing'), join(workspace, 'bp'), { recursive: true });
  await page.goto(workspaceUrl(s, workspace));
  await openFile(page, 'bp', 'heuristic.js');
  await expect(page.locator('.codelens-decoration', { hasText: /Score/ }).first()).toBeVisible({ timeout: 120_000 });
  await evolve(page, 'heuristic.js');
  let panel = await reviewFrame(page);
  await expect(panel.locator('#run-status')).toHaveText('finished', { timeout: 180_000 });
  // Holdout: the starting program's and the best's scores on the held-out workloads.
  await expect(panel.locator('#scores tr[data-set="holdout"] td').first()).toHaveText(/\d/);

  // Side by side, without the side bar, on a narrow window: the panel's column is about 400 px.
  await runCommand(page, 'View: Close Primary Side Bar');
  await page.setViewportSize({ width: 880, height: 900 });
  panel = await reviewFrame(page);
  await expect.poll(() => panel.evaluate(() => (globalThis as unknown as { innerWidth: number }).innerWidth)).toBeLessThan(460);
  const width = await panel.evaluate(() => (globalThis as unknown as { innerWidth: number }).innerWidth);
  expect(width).toBeGreaterThan(340);
  const inView = (selector: string): Promise<boolean> =>
    panel.locator(selector).evaluate((el) => {
      const r = el.getBoundingClientRect();
      const w = globalThis as unknown as { innerWidth: number; innerHeight: number };
      return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= w.innerWidth && r.bottom <= w.innerHeight;
    });
  const sideways = (): Promise<boolean> =>
    panel.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return d.scrollWidth > d.clientWidth + 1;
    });
  await expect.poll(() => inView('#accept')).toBe(true);
  expect(await inView('#reject')).toBe(true);
  expect(await sideways()).toBe(false);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'panel-400.png') });

  // Wide: the panel's group maximised on a large window.
  await page.setViewportSize({ width: 1300, height: 900 });
  await page.locator('.tab', { hasText: 'Review' }).first().click();
  await runCommand(page, 'Maximize Editor Group', /Maximi[sz]e.* Editor Group/);
  await expect.poll(() => panel.evaluate(() => (globalThis as unknown as { innerWidth: number }).innerWidth)).toBeGreaterThan(1000);
  await expect.poll(() => inView('#accept')).toBe(true);
  expect(await sideways()).toBe(false);
  await page.screenshot({ path: join(shots, 'panel-1200.png') });
});
