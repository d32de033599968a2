// Bundles every entry point with esbuild. Sandbox entries come from src/sandbox/entries.json so
// the runtime lookup and the build cannot drift apart.
import { build } from 'esbuild';
import { readFileSync, existsSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = JSON.parse(readFileSync(join(root, 'src/sandbox/entries.json'), 'utf8'));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeEntries = {
  cli: 'src/cli/main.ts',
  server: 'src/server/main.ts',
  'sandbox-worker': entries.worker,
  ...Object.fromEntries(Object.entries(entries.harnesses).map(([name, file]) => [`harness-${name}`, file])),
};

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const jobs = [
  build({
    ...common,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outdir: 'dist',
    entryPoints: Object.fromEntries(Object.entries(nodeEntries).filter(([, f]) => existsSync(join(root, f)))),
  }),
];
if (existsSync(join(root, 'src/extension/main.ts'))) {
  jobs.push(build({ ...common, platform: 'node', target: 'node20', format: 'cjs', outfile: 'dist/extension.js', entryPoints: ['src/extension/main.ts'], external: ['vscode'] }));
}
if (existsSync(join(root, 'webview-ui/src/main.ts'))) {
  jobs.push(build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', outfile: 'dist/webview.js', entryPoints: ['webview-ui/src/main.ts'] }));
}
await Promise.all(jobs);
if (existsSync(join(root, 'dist/cli.js'))) chmodSync(join(root, 'dist/cli.js'), 0o755);
if (watch) console.log('watch mode is not supported; rerun npm run build');
