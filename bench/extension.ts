// Extension figures: activation time of the bundled extension (dist/extension.js) against a stub
// `vscode` module (the language server is not started by activation), and CodeLens latency on a
// 2,000-line policy file after its first parse.
import Module from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DocumentAnalyzer } from '../src/server/analysis';
import { findGrammarsDir, GrammarSet } from '../src/server/grammars';
import { buildLenses } from '../src/server/lenses';

/** Any property, call or construction yields another stub: enough surface for activate(). */
function stub(): unknown {
  const fn = function () {
    return undefined;
  };
  return new Proxy(fn, {
    get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : stub()),
    apply: () => stub(),
    construct: () => stub() as object,
    set: () => true,
    defineProperty: () => true,
  });
}

async function activation(): Promise<void> {
  const bundle = join(__dirname, '..', 'dist', 'extension.js');
  if (!existsSync(bundle)) {
    console.log('activation: dist/extension.js missing (run npm run build)');
    return;
  }
  // A plain object so the bundle's ESM interop can copy the namespaces it imports.
  const known: Record<string | symbol, unknown> = Object.fromEntries(
    ['window', 'workspace', 'commands', 'languages', 'env', 'Uri', 'EventEmitter', 'Disposable', 'StatusBarAlignment', 'ViewColumn', 'ProgressLocation', 'ThemeIcon', 'TreeItem', 'TreeItemCollapsibleState', 'Range', 'Position', 'WorkspaceEdit', 'extensions', 'l10n', 'version'].map((k) => [k, stub()]),
  );
  const vscode = new Proxy(known, { get: (t, k) => (k in t ? t[k] : k === 'then' || k === '__esModule' ? undefined : (t[k] = stub())) });
  const mod = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = mod._load;
  mod._load = (request, parent, isMain) => (request === 'vscode' ? vscode : original(request, parent, isMain));
  try {
    const t0 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ext = require(bundle) as { activate: (ctx: unknown) => void };
    const t1 = performance.now();
    const context = { subscriptions: [] as unknown[], extensionUri: stub(), secrets: stub(), asAbsolutePath: (p: string) => join(__dirname, '..', p) };
    ext.activate(context);
    const t2 = performance.now();
    console.log(`activation: load ${(t1 - t0).toFixed(1)} ms + activate() ${(t2 - t1).toFixed(1)} ms = ${(t2 - t0).toFixed(1)} ms (goal < 200 ms; server not started)`);
  } finally {
    mod._load = original;
  }
}

function policyFile(lines: number): string {
  const out = ['// EVOLVE-BLOCK-START'];
  let i = 0;
  while (out.length < lines - 2) {
    out.push(`function rule${i}(job, node) {`, `  const slack = node.free - job.size * ${(i % 7) + 1};`, `  if (slack < ${i % 5}) return -slack;`, `  return slack / (node.capacity + ${i});`, '}', '');
    i++;
  }
  out.push('// EVOLVE-BLOCK-END', 'module.exports = { rule0 };');
  return out.join('\n');
}

async function codeLens(): Promise<void> {
  const analyzer = new DocumentAnalyzer(new GrammarSet(findGrammarsDir([join(__dirname, '..', 'dist', 'grammars')])));
  const text = policyFile(2000);
  const state = { kind: 'scored' as const, result: { ok: true, score: 0.9, metrics: { waste: 0.1 }, features: {}, perWorkload: [], feedback: '' }, source: 'cache' };
  let t = performance.now();
  await analyzer.analyze('policy.js', text);
  const first = performance.now() - t;
  const cached: number[] = [];
  const edited: number[] = [];
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    buildLenses('file:///policy.js', await analyzer.analyze('policy.js', text), state);
    cached.push(performance.now() - t);
    const changed = text.replace('return slack / (node.capacity + 0);', `return slack / (node.capacity + ${i + 1000});`);
    t = performance.now();
    buildLenses('file:///policy.js', await analyzer.analyze('policy.js', changed), state);
    edited.push(performance.now() - t);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  console.log(`codelens (2,000 lines): first parse ${first.toFixed(1)} ms (includes grammar load); unchanged ${median(cached).toFixed(2)} ms; after an edit (re-parse) ${median(edited).toFixed(1)} ms median (goal < 50 ms)`);
}

export async function run(): Promise<void> {
  await activation();
  await codeLens();
}

if (require.main === module) void run();
