// `npm run check` must catch what the layer table forbids. Each case writes a tiny source tree
// into a temporary folder and cruises it with the project's own dependency-cruiser config, so
// the test exercises the real rules rather than a copy of them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tmp';

const root = resolve(__dirname, '../..');
const config = join(root, '.dependency-cruiser.cjs');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function writeTree(files: Record<string, string>): string {
  const dir = tempDir('pe-layers-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function cruise(dir: string, targets: string[] = ['src']): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [depcruise, ...targets, '--config', config, '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const leaf = 'export const value = 1;\n';

test('core importing cli or server is refused', () => {
  const dir = writeTree({
    'src/core/run.ts': "import { value } from '../cli/main';\nimport { value as v2 } from '../server/main';\nexport const x = value + v2;\n",
    'src/cli/main.ts': leaf,
    'src/server/main.ts': leaf,
  });
  const { status, output } = cruise(dir);
  assert.notEqual(status, 0);
  assert.match(output, /layer-core: src\/core\/run\.ts → src\/cli\/main\.ts/);
  assert.match(output, /layer-core: src\/core\/run\.ts → src\/server\/main\.ts/);
});

test('the extension importing core is refused, importing messages is allowed', () => {
  const dir = writeTree({
    'src/extension/main.ts': "import { value } from '../core/run';\nimport { value as m } from '../messages/lsp';\nexport const x = value + m;\n",
    'src/core/run.ts': leaf,
    'src/messages/lsp.ts': leaf,
  });
  const { status, output } = cruise(dir);
  assert.notEqual(status, 0);
  assert.match(output, /layer-extension: src\/extension\/main\.ts → src\/core\/run\.ts/);
  assert.doesNotMatch(output, /messages\/lsp/);
});

test('a domain importing a process layer is refused', () => {
  const dir = writeTree({
    'src/evaluators/faas/evaluator.ts': "import { value } from '../../server/runs';\nimport { value as w } from '../../worker/child';\nexport const x = value + w;\n",
    'src/server/runs.ts': leaf,
    'src/worker/child.ts': leaf,
  });
  const { status, output } = cruise(dir);
  assert.notEqual(status, 0);
  assert.match(output, /layer-evaluators: src\/evaluators\/faas\/evaluator\.ts → src\/server\/runs\.ts/);
  assert.match(output, /layer-evaluators: src\/evaluators\/faas\/evaluator\.ts → src\/worker\/child\.ts/);
});

test('process entries never import each other; cli may import app', () => {
  const dir = writeTree({
    'src/cli/evolve.ts': "import { value } from '../server/settings';\nimport { value as a } from '../app/compose';\nexport const x = value + a;\n",
    'src/server/settings.ts': leaf,
    'src/app/compose.ts': leaf,
  });
  const { status, output } = cruise(dir);
  assert.notEqual(status, 0);
  assert.match(output, /layer-cli: src\/cli\/evolve\.ts → src\/server\/settings\.ts/);
  assert.doesNotMatch(output, /app\/compose/);
});

test('other layers reach models only through the public facade of generators/llm', () => {
  const dir = writeTree({
    'src/evaluators/cluster/attacker.ts': "import { value } from '../../generators/llm/call';\nimport { value as v } from '../../generators/llm';\nexport const x = value + v;\n",
    'src/generators/llm/call.ts': leaf,
    'src/generators/llm/index.ts': leaf,
    'src/generators/replay/index.ts': "import { value } from '../llm/call';\nexport const x = value;\n",
  });
  const { status, output } = cruise(dir);
  assert.notEqual(status, 0);
  assert.match(output, /llm-through-its-facade: src\/evaluators\/cluster\/attacker\.ts → src\/generators\/llm\/call\.ts/);
  assert.doesNotMatch(output, /→ src\/generators\/llm\/index\.ts/);
  assert.doesNotMatch(output, /replay/);
});

test('a domain never imports another domain; shared evaluator files are open to all', () => {
  const dir = writeTree({
    'src/evaluators/cluster/evaluator.ts': "import { value } from '../faas/run';\nimport { value as k } from '../policy-kit';\nimport { value as own } from './model/parse';\nexport const x = value + k + own;\n",
    'src/evaluators/cluster/model/parse.ts': leaf,
    'src/evaluators/faas/run.ts': leaf,
    'src/evaluators/policy-kit.ts': leaf,
  });
  const { status, output } = cruise(dir);
  assert.notEqual(status, 0);
  assert.match(output, /domains-independent: src\/evaluators\/cluster\/evaluator\.ts → src\/evaluators\/faas\/run\.ts/);
  assert.doesNotMatch(output, /policy-kit|model\/parse/);
});

test('vscode is imported only by the extension', () => {
  const dir = writeTree({
    'src/app/editor.ts': "import * as vscode from 'vscode';\nexport const x = vscode;\n",
    'src/extension/main.ts': "import * as vscode from 'vscode';\nexport const x = vscode;\n",
  });
  const { status, output } = cruise(dir);
  assert.notEqual(status, 0);
  assert.match(output, /vscode-only-in-extension: src\/app\/editor\.ts → vscode/);
  assert.doesNotMatch(output, /src\/extension\/main\.ts → vscode/);
});

test('the webview may import messages only', () => {
  const dir = writeTree({
    'webview-ui/src/main.ts': "import { value } from '../../src/server/snapshot';\nexport const x = value;\n",
    'src/server/snapshot.ts': leaf,
  });
  const { status, output } = cruise(dir, ['webview-ui/src', 'src']);
  assert.notEqual(status, 0);
  assert.match(output, /layer-webview-ui: webview-ui\/src\/main\.ts → src\/server\/snapshot\.ts/);
});

test('a tree that follows the table passes', () => {
  const dir = writeTree({
    'src/messages/lsp.ts': leaf,
    'src/core/run.ts': "import { value } from '../messages/lsp';\nexport const x = value;\n",
    'src/evaluators/faas/evaluator.ts': "import { x } from '../../core/run';\nexport const y = x;\n",
    'src/app/compose.ts': "import { y } from '../evaluators/faas/evaluator';\nexport const z = y;\n",
    'src/worker/child.ts': "import { z } from '../app/compose';\nexport const w = z;\n",
  });
  const { status, output } = cruise(dir);
  assert.equal(status, 0, output);
});

test('the repository itself follows the table', () => {
  const { status, output } = cruise(root, ['src', 'webview-ui/src']);
  assert.equal(status, 0, output);
});

test('npm run check type-checks the webview with the DOM library and cruises the layers', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts.check ?? '', /tsc --noEmit -p webview-ui/);
  assert.match(scripts.check ?? '', /depcruise src webview-ui\/src/);
});

test('a misspelt webview message type fails the webview type check', () => {
  const dir = tempDir('pe-webview-');
  const messages = join(root, 'src/messages/webview').replace(/\\/g, '/');
  writeFileSync(join(dir, 'bad.ts'), `import type { WebviewMessage } from '${messages}';\nexport const m: WebviewMessage = { type: 'acept', candidateId: 'c1' };\ndocument.title = 'uses the DOM';\n`);
  writeFileSync(join(dir, 'good.ts'), `import type { WebviewMessage } from '${messages}';\nexport const m: WebviewMessage = { type: 'ready' };\ndocument.title = 'uses the DOM';\n`);
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const check = (file: string) => {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(root, 'webview-ui/tsconfig.json'), include: [], files: [file] }));
    return spawnSync(process.execPath, [tsc, '--noEmit', '-p', dir], { encoding: 'utf8' });
  };
  const bad = check('bad.ts');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stdout, /bad\.ts.*acept/);
  const good = check('good.ts');
  assert.equal(good.status, 0, good.stdout);
});
