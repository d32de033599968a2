// End-to-end tests in code-server (VS Code 1.100 in a browser) driven with Debian's chromium.
// Browsers are never downloaded: the launch uses /usr/bin/chromium (override with CHROMIUM_PATH).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  // Hang detectors only, never speed requirements: a loaded machine may take minutes for a run.
  timeout: 900_000,
  expect: { timeout: 120_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  globalTeardown: './global-teardown.ts',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    viewport: { width: 1500, height: 950 },
    trace: 'retain-on-failure',
  },
  outputDir: '../../.test-tmp/e2e-results',
});
