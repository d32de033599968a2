import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startCodeServer } from './code-server';

export const SESSION_FILE = join(repoRoot, '.test-tmp', 'e2e-session.json');

export default async function globalSetup(): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = process.env.POLICY_EVOLVER_VSIX ?? join(repoRoot, `${pkg.name}-${pkg.version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`${vsix} not found: run "npm run package" first (npm run test:e2e does)`);
  const session = await startCodeServer(vsix);
  mkdirSync(join(repoRoot, '.test-tmp'), { recursive: true });
  writeFileSync(SESSION_FILE, JSON.stringify(session));
}
