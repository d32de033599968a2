// The same extension in desktop VS Code through @vscode/test-electron, for machines that have a
// VS Code build (set VSCODE_EXECUTABLE). Skipped when none is present: it never downloads one.
import { test } from 'node:test';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const candidates = [process.env.VSCODE_EXECUTABLE, '/usr/share/code/code', '/usr/bin/code', '/opt/visual-studio-code/code'].filter((p): p is string => !!p);
const executable = candidates.find((p) => existsSync(p) && !p.endsWith('/bin/code'));

test('extension host smoke test in desktop VS Code', { skip: executable ? false : 'no VS Code build found (set VSCODE_EXECUTABLE)' }, async () => {
  const { runTests } = await import('@vscode/test-electron');
  const workspace = mkdtempSync(join(tmpdir(), 'pe-electron-'));
  try {
    cpSync(join(root, 'examples', 'bin-packing'), join(workspace, 'bin-packing'), { recursive: true });
    await runTests({
      vscodeExecutablePath: executable as string,
      extensionDevelopmentPath: root,
      extensionTestsPath: join(__dirname, 'electron', 'suite.cjs'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { PE_WORKSPACE: workspace },
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
