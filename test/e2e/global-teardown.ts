import { existsSync, readFileSync, rmSync } from 'node:fs';
import { SESSION_FILE } from './global-setup';
import type { Session } from './code-server';

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(SESSION_FILE)) return;
  const session = JSON.parse(readFileSync(SESSION_FILE, 'utf8')) as Session;
  try {
    process.kill(session.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await new Promise((r) => setTimeout(r, 500));
  if (!process.env.KEEP_E2E) rmSync(session.base, { recursive: true, force: true });
  rmSync(SESSION_FILE, { force: true });
}
