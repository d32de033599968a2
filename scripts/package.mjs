// Builds production bundles and packs them into policy-evolver-<version>.vsix with @vscode/vsce.
// Dependencies are bundled by esbuild, so node_modules stays out of the package.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEPARATE_LIBRARIES } from './separate-libraries.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = process.argv[2] ?? join(root, `${pkg.name}-${pkg.version}.vsix`);
const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
if (!existsSync(vsce)) throw new Error('@vscode/vsce is not installed: run npm install');

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
// The language server and its sandbox workers require the separately shipped libraries at run time.
const separateLibraries = SEPARATE_LIBRARIES.map(({ file }) => `dist/${file}`);
for (const f of ['dist/extension.js', 'dist/server.js', 'dist/webview.js', 'dist/grammars/tree-sitter.wasm', ...separateLibraries]) {
  if (!existsSync(join(root, f))) throw new Error(`build did not produce ${f}`);
}
// Relative links in the README (docs/...) point into the repository the package names.
const repository = String(pkg.repository?.url ?? pkg.repository ?? '').replace(/\.git$/, '');
const links = repository ? ['--baseContentUrl', `${repository}/blob/HEAD`, '--baseImagesUrl', `${repository}/raw/HEAD`] : [];
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', ...links, '--out', out], { cwd: root, stdio: 'inherit' });
console.log(out);
