// Bundles every entry point with esbuild. The sandbox's own entries come from
// src/sandbox/entries.json and the domains' harnesses from their descriptors (src/app/domains.ts),
// so the runtime lookup and the build cannot drift apart. The descriptors' editor view is written
// to dist/domains.json for the extension host, which must decide before the language server runs
// whether a file is worth starting it for.
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';
import { readFileSync, writeFileSync, existsSync, chmodSync, mkdirSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { SEPARATE_LIBRARIES as separate } from './separate-libraries.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = JSON.parse(readFileSync(join(root, 'src/sandbox/entries.json'), 'utf8'));
const { domains } = await tsImport(join(root, 'src/app/domains.ts'), import.meta.url);
const { COMMAND_GROUP_NAMES } = await tsImport(join(root, 'src/cli/command-names.ts'), import.meta.url);
const domainHarnesses = Object.fromEntries(domains.harnesses().map((h) => [h.name, h.source]));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeEntries = {
  // The executable is a launcher that runs a CLI bundle with cached bytecode (src/cli/launch.ts):
  // cli-main.js is the whole CLI, and each command group has its own bundle (built below).
  cli: 'src/cli/launch.ts',
  'cli-main': 'src/cli/main.ts',
  'cli-root': 'src/cli/root-main.ts',
  server: 'src/server/main.ts',
  worker: 'src/worker/main.ts',
  'sandbox-worker': entries.worker,
  ...Object.fromEntries(Object.entries({ ...entries.harnesses, ...domainHarnesses }).map(([name, file]) => [`harness-${name}`, file])),
};

const separateFile = new Map(separate.flatMap(({ file, packages }) => packages.map((p) => [p, file])));
const separateLibraries = {
  name: 'separate-libraries',
  setup(b) {
    const filter = new RegExp(`^(${[...separateFile.keys()].map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: `./${separateFile.get(args.path)}`, external: true }));
  },
};

/** A separately shipped file: one package's own entry point, or the exports of several together. */
function separateBuild({ file, packages, viaRequire }) {
  const entry = viaRequire
    ? { stdin: { contents: `module.exports = require('${packages[0]}');`, resolveDir: root, sourcefile: file, loader: 'js' } }
    : packages.length === 1
      ? { entryPoints: packages }
      : { stdin: { contents: packages.map((p) => `export * from '${p}';`).join('\n'), resolveDir: root, sourcefile: file, loader: 'js' } };
  return build({ ...common, platform: 'node', target: 'node20', format: 'cjs', outfile: join('dist', file), ...entry });
}

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
    plugins: [separateLibraries],
  }),
  // Each command group's own bundle (src/cli/group-main.ts), which the launcher runs for its commands.
  ...COMMAND_GROUP_NAMES.map(({ group, module, register }) =>
    build({
      ...common,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: `dist/cli-${group}.js`,
      plugins: [separateLibraries],
      stdin: {
        contents: `import { runGroup } from './src/cli/group-main';\nimport { ${register} } from './src/cli/${module}';\nexport const main = (argv: string[]): Promise<void> => runGroup(argv, ${register});\n`,
        resolveDir: root,
        sourcefile: `src/cli/cli-${group}.ts`,
        loader: 'ts',
      },
    }),
  ),
  // The separately shipped libraries themselves, from their packages' own entry points.
  ...separate.map(separateBuild),
];
if (existsSync(join(root, 'src/extension/main.ts'))) {
  jobs.push(build({ ...common, platform: 'node', target: 'node20', format: 'cjs', outfile: 'dist/extension.js', entryPoints: ['src/extension/main.ts'], external: ['vscode'] }));
}
if (existsSync(join(root, 'webview-ui/src/main.ts'))) {
  jobs.push(build({ ...common, platform: 'browser', target: 'es2022', format: 'iife', outfile: 'dist/webview.js', entryPoints: ['webview-ui/src/main.ts'] }));
}
await Promise.all(jobs);
writeFileSync(join(root, 'dist/domains.json'), `${JSON.stringify(domains.describe(), null, 2)}\n`);

// The review panel's icons (codicons) ship next to the bundles, loaded under the webview's CSP.
const codiconsSrc = join(root, 'node_modules/@vscode/codicons/dist');
if (existsSync(codiconsSrc)) {
  mkdirSync(join(root, 'dist/codicons'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(codiconsSrc, f), join(root, 'dist/codicons', f));
}

// The language server loads tree-sitter grammars from dist/grammars at run time; the runtime wasm
// must come from the same web-tree-sitter version the grammars were built for (see src/server/grammars.ts).
const grammarsOut = join(root, 'dist/grammars');
const grammarsSrc = join(root, 'node_modules/tree-sitter-wasms/out');
const runtimeWasm = join(root, 'node_modules/web-tree-sitter/tree-sitter.wasm');
if (existsSync(grammarsSrc) && existsSync(runtimeWasm)) {
  mkdirSync(grammarsOut, { recursive: true });
  copyFileSync(runtimeWasm, join(grammarsOut, 'tree-sitter.wasm'));
  for (const name of ['javascript', 'typescript', 'tsx', 'python']) copyFileSync(join(grammarsSrc, `tree-sitter-${name}.wasm`), join(grammarsOut, `tree-sitter-${name}.wasm`));
}
if (existsSync(join(root, 'dist/cli.js'))) chmodSync(join(root, 'dist/cli.js'), 0o755);
if (watch) console.log('watch mode is not supported; rerun npm run build');
