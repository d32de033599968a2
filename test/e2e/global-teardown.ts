import { existsSync, readFileSync, rmSync } from 'node:fs';
import { SESSION_FILE } from './global-setup';
import type { Session } from './code-server';
import { processAlive, waitUntil } from '../helpers/processes';

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(SESSION_FILE)) return;
  const session = JSON.parse(readFileSync(SESSION_FILE, 'utf8')) as Session;
  try {
    process.kill(session.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  // Its files can go once it has stopped writing them.
  await waitUntil('code-server to exit', () => !processAlive(session.pid), 60_000).catch(() => {
    try {
      process.kill(session.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  });
  if (!process.env.KEEP_E2E) rmSync(session.base, { recursive: true, force: true });
  rmSync(SESSION_FILE, { force: true });
}
