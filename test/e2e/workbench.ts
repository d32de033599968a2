// Driving the VS Code workbench the way a person does: the command palette, the explorer, the
// review panel's webview. Shared by every end-to-end spec.
import { expect, type Frame, type Page } from '@playwright/test';

/**
 * Runs a palette command; `rowText` matches its row when VS Code words it differently across
 * versions. The workbench can close a freshly opened palette when it moves focus (an editor or a
 * view finishing its restore), so a palette that lost its row is closed and opened again; when the
 * row never shows, the error lists what the palette offered instead. `refocus` runs before each retry
 * (a command that applies to the active editor needs that editor in front again).
 */
export async function runCommand(page: Page, title: string, rowText: RegExp | string = title, refocus?: () => Promise<void>): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first();
  let attempt = 0;
  await expect(async () => {
    if (attempt++ > 0 && refocus) await refocus();
    if (!(await input.isVisible())) await page.keyboard.press('F1');
    await expect(input).toBeVisible({ timeout: 10_000 });
    await input.fill(`>${title}`);
    try {
      await expect(row).toBeVisible({ timeout: 15_000 });
    } catch {
      const offered = await page.locator('.quick-input-list .monaco-list-row').allTextContents();
      await page.keyboard.press('Escape');
      throw new Error(`the palette has no "${String(rowText)}" row; it offered: ${offered.join(' | ') || 'nothing'}`);
    }
  }).toPass({ timeout: 120_000 });
  await row.click();
}

/** "Evolve This Policy" on the open file `name`: its tab is brought back to the front before a retry. */
export async function evolve(page: Page, name: string): Promise<void> {
  await runCommand(page, 'Policy Evolver: Evolve This Policy', undefined, () => page.locator('.tab', { hasText: name }).first().click());
}

/** The review panel's document: inside the webview's nested frames. */
export async function reviewFrame(page: Page): Promise<Frame> {
  let found: Frame | undefined;
  await expect
    .poll(
      async () => {
        for (const frame of page.frames()) {
          if (await frame.locator('#app').count().catch(() => 0)) {
            found = frame;
            return true;
          }
        }
        return false;
      },
      { timeout: 90_000 },
    )
    .toBe(true);
  return found as Frame;
}

/** Opens `folder/name` from the explorer and waits for its tab. */
export async function openFile(page: Page, folder: string, name: string): Promise<void> {
  await expect(page.locator('.explorer-folders-view')).toBeVisible({ timeout: 90_000 });
  const fileRow = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name });
  await expect(page.locator('.explorer-folders-view .monaco-list-row', { hasText: folder })).toBeVisible();
  // The explorer remembers expanded folders per browser profile; expand the folder only when needed.
  if (!(await fileRow.isVisible())) await page.locator('.explorer-folders-view .monaco-list-row', { hasText: folder }).click();
  await fileRow.click();
  await expect(page.locator('.tab', { hasText: name })).toBeVisible();
}
