// Starting code-server for a test session: a private user-data dir and extensions dir, the
// packaged .vsix installed, and the server listening on a free loopback port. Each test makes its
// own workspace (createWorkspace), so no test sees the files or runs another one left behind.
import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');

export interface Session {
  url: string;
  pid: number;
  base: string;
}

/** The settings every test workspace starts from; a test adds or overrides its own. */
export const WORKSPACE_SETTINGS: Record<string, unknown> = { 'policyEvolver.generator': 'mutate', 'policyEvolver.budget.maxCandidates': 6, 'policyEvolver.concurrency': 1 };

/** A fresh workspace folder for one test: the FaaS example in `faas/` and the given workspace settings. */
export function createWorkspace(session: Pick<Session, 'base'>, name: string, settings: Record<string, unknown> = {}): string {
  const workspace = mkdtempSync(join(session.base, `workspace-${name.replace(/[^\w-]+/g, '-')}-`));
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  cpSync(join(repoRoot, 'examples', 'faas'), join(workspace, 'faas'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ ...WORKSPACE_SETTINGS, ...settings }, null, 2));
  return workspace;
}

/** The code-server address that opens `workspace` as the window's folder. */
export function workspaceUrl(session: Pick<Session, 'url'>, workspace: string): string {
  return `${session.url}?folder=${encodeURIComponent(workspace)}`;
}

export function installDir(): string {
  const out = execFileSync('bash', [join(repoRoot, 'scripts/e2e-setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = out.trim().split('\n').pop() as string;
  if (!existsSync(join(dir, 'out/node/entry.js'))) throw new Error(`code-server is not installed in ${dir}`);
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

export async function startCodeServer(vsix: string): Promise<Session> {
  const install = installDir();
  const base = mkdtempSync(join(tmpdir(), 'pe-e2e-'));
  const userData = join(base, 'user-data');
  const extensions = join(base, 'extensions');
  // The folder code-server opens when no test has asked for one: empty, so nothing can depend on it.
  const home = join(base, 'home');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'security.workspace.trust.enabled': false, 'editor.codeLens': true, 'workbench.enableExperiments': false, 'chat.disableAIFeatures': true }),
  );
  const config = join(base, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const entry = join(install, 'out/node/entry.js');
  execFileSync(process.execPath, [entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix], { stdio: 'pipe' });
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', userData, '--config', config, '--extensions-dir', extensions, home],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: false },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(url, child, 60_000);
  } catch (err) {
    child.kill();
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  return { url, pid: child.pid as number, base };
}
