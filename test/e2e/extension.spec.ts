// The whole user path in a real VS Code (code-server): CodeLens score, "Evolve This Policy" from
// the palette, candidates in the review panel, a diff, Accept (file on disk changes), Ctrl+Z
// (the change is undone), and the run in the Runs tree; then a language server killed mid-run is
// restarted and its run resumes from the journal.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESSION_FILE } from './global-setup';
import { createWorkspace, workspaceUrl, type Session } from './code-server';
import { evolve, openFile, reviewFrame, runCommand } from './workbench';

const session = (): Session => JSON.parse(readFileSync(SESSION_FILE, 'utf8')) as Session;

test('evolve, review, accept and undo in code-server', async ({ page }) => {
  const s = session();
  const workspace = createWorkspace(s, 'accept-undo');
  const file = join(workspace, 'faas', 'priority.ts');
  const original = readFileSync(file, 'utf8');
  await page.goto(workspaceUrl(s, workspace));
  await openFile(page, 'faas', 'priority.ts');

  // The server scores the file on open; CodeLens shows the score.
  await expect(page.locator('.codelens-decoration', { hasText: /Score −?-?\d/ }).first()).toBeVisible({ timeout: 90_000 });

  await evolve(page, 'priority.ts');
  const panel = await reviewFrame(page);
  await expect(panel.locator('li.candidate').first()).toBeVisible({ timeout: 90_000 });
  await expect(panel.locator('#run-status')).toHaveText(/finished|interrupted/, { timeout: 120_000 });

  // Pick the best candidate that is a real change, and look at its diff.
  const accept = panel.locator('#accept');
  await expect(accept).toBeEnabled();
  // The packaged codicons load under the panel's Content Security Policy.
  await expect(accept.locator('.codicon').first()).toHaveCSS('font-family', /codicon/);
  await expect.poll(() => panel.evaluate(() => (globalThis as unknown as { document: { fonts: { check(font: string): boolean } } }).document.fonts.check('16px codicon'))).toBe(true);
  await expect(panel.locator('.diff .line.add').first()).toBeVisible();
  await panel.locator('#open-diff').click();
  await expect(page.locator('.monaco-diff-editor').first()).toBeVisible();

  await accept.click();
  // A candidate that breaks a guardrail (or is worse on holdout) is accepted only after a confirmation.
  const confirm = page.locator('.monaco-dialog-box');
  await expect.poll(async () => (await confirm.isVisible()) || readFileSync(file, 'utf8') !== original, { timeout: 30_000 }).toBe(true);
  if (await confirm.isVisible()) await confirm.getByRole('button', { name: 'Accept Anyway' }).click();
  await expect.poll(() => readFileSync(file, 'utf8'), { timeout: 30_000 }).not.toBe(original);
  const after = await reviewFrame(page);
  await expect(after.locator('.badge.accepted').first()).toBeVisible();

  // One Ctrl+Z in the editor undoes the whole accept; saving writes the original back.
  await page.getByRole('tab', { name: /^priority\.ts(?! ↔)/ }).first().click();
  await expect(page.locator('.editor-group-container.active .monaco-editor.focused')).toBeVisible();
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+s');
  await expect.poll(() => readFileSync(file, 'utf8'), { timeout: 30_000 }).toBe(original);

  // The run is in the Runs tree.
  await runCommand(page, 'View: Show Policy Evolver');
  const tree = page.locator('.monaco-list-row', { hasText: /finished|interrupted/ });
  await expect(tree.first()).toBeVisible();
});

/** Pids of our language server processes running for this code-server session. */
function serverPids(base: string): number[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  return lines
    .filter((l) => l.includes(join(base, 'extensions')) && l.includes('dist/server.js'))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

test('a server crash mid-run: the server restarts and the run resumes from its journal', async ({ page }) => {
  const s = session();
  // A budget long enough to kill the server while the run is in progress.
  const workspace = createWorkspace(s, 'server-crash', { 'policyEvolver.budget.maxCandidates': 40 });
  const runsDir = join(workspace, '.policy-evolver', 'runs');
  const runs = (): string[] => (existsSync(runsDir) ? readdirSync(runsDir) : []);
  await page.goto(workspaceUrl(s, workspace));
  await openFile(page, 'faas', 'priority.ts');
  // The CodeLens shows once the extension is active and knows the file can be evolved.
  await expect(page.locator('.codelens-decoration', { hasText: /Score/ }).first()).toBeVisible({ timeout: 90_000 });
  await evolve(page, 'priority.ts');
  await expect.poll(() => runs().length, { timeout: 90_000 }).toBe(1);
  const runId = runs()[0] as string;
  // The run folder appears a moment before its journal does.
  const journal = (): string => (existsSync(join(runsDir, runId, 'journal.jsonl')) ? readFileSync(join(runsDir, runId, 'journal.jsonl'), 'utf8') : '');
  await expect.poll(() => (journal().match(/"type":"evaluated"/g) ?? []).length, { timeout: 90_000 }).toBeGreaterThan(2);
  expect(journal()).not.toContain('"type":"run-ended"');

  const killed = serverPids(s.base);
  expect(killed.length).toBeGreaterThan(0);
  for (const pid of killed) process.kill(pid, 'SIGKILL');

  // A new server process, and the run continues from its journal to the end of its budget.
  await expect.poll(() => serverPids(s.base).filter((pid) => !killed.includes(pid)).length, { timeout: 60_000 }).toBeGreaterThan(0);
  await expect.poll(() => journal().includes('"type":"run-ended"'), { timeout: 600_000 }).toBe(true);
  expect(journal()).toContain('"type":"run-resumed"');
  // Every index of the budget (plus the starting program) has exactly one outcome: none lost, none twice.
  const outcomes = journal()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; index?: number })
    .filter((e) => e.type === 'evaluated' || e.type === 'proposal-failed')
    .map((e) => e.index);
  expect(new Set(outcomes).size).toBe(41);
  expect(outcomes.length).toBe(41);
});
