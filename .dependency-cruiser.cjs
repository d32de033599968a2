// The layer table of docs/architecture.md, enforced by `npm run check` (depcruise). Each layer
// lists the layers it may import; everything else under src/ or webview-ui/ is forbidden to it.
// Rules are generated from the table so the table stays the one place to change.

/** layer -> folder (a path prefix relative to the repository root). */
const folders = {
  messages: 'src/messages/',
  core: 'src/core/',
  sandbox: 'src/sandbox/',
  generators: 'src/generators/',
  evaluators: 'src/evaluators/',
  transport: 'src/transport/',
  app: 'src/app/',
  server: 'src/server/',
  cli: 'src/cli/',
  worker: 'src/worker/',
  extension: 'src/extension/',
  'webview-ui': 'webview-ui/',
};

const engine = ['messages', 'core', 'sandbox', 'generators', 'evaluators', 'transport'];

/** layer -> the other layers it may import (its own folder is always allowed). */
const mayImport = {
  messages: [],
  core: ['messages'],
  sandbox: ['messages', 'core'],
  generators: ['messages', 'core'],
  evaluators: ['messages', 'core', 'sandbox', 'generators'],
  transport: ['messages', 'core'],
  app: engine,
  // Process entries: the composition root and anything below it, never each other.
  server: [...engine, 'app'],
  cli: [...engine, 'app'],
  worker: [...engine, 'app'],
  extension: ['messages'],
  'webview-ui': ['messages'],
};

/** Only the extension host runs inside VS Code; every other layer must work without it. */
const vscodeLayers = ['extension'];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const anyOf = (layers) => `^(${layers.map((l) => escape(folders[l])).join('|')})`;

const layerRules = Object.entries(mayImport).map(([layer, allowed]) => {
  const forbiddenLayers = Object.keys(folders).filter((l) => l !== layer && !allowed.includes(l));
  return {
    name: `layer-${layer}`,
    comment: `${layer} may import ${allowed.length ? allowed.join(', ') : 'no other layer'} (docs/architecture.md)`,
    severity: 'error',
    from: { path: anyOf([layer]) },
    to: { path: anyOf(forbiddenLayers) },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'domains-independent',
      comment: 'a domain folder never imports another domain; what domains share lives in evaluators/*.ts (descriptor, policy kit, types)',
      severity: 'error',
      from: { path: '^src/evaluators/([^/]+)/' },
      to: { path: '^src/evaluators/[^/]+/', pathNot: '^src/evaluators/$1/' },
    },
    {
      name: 'llm-through-its-facade',
      comment: 'other layers use models through generators/llm/index (generators, createTextModel, errors), never its internals',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/generators/' },
      to: { path: '^src/generators/llm/', pathNot: '^src/generators/llm/index\\.ts$' },
    },
    {
      name: 'vscode-only-in-extension',
      comment: 'the engine, the composition root and the processes never import vscode',
      severity: 'error',
      from: { path: '^(src|webview-ui)/', pathNot: anyOf(vscodeLayers) },
      to: { path: '^vscode$', dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-no-pkg', 'npm-unknown', 'unknown', 'undetermined', 'type-only'] },
    },
    {
      name: 'not-outside-the-layers',
      comment: 'src/ holds only the layer folders, so every file is covered by a rule above',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(Object.keys(folders)) },
      to: {},
    },
    {
      name: 'no-unresolvable',
      comment: 'an import that does not resolve cannot be checked against the table',
      severity: 'error',
      from: { path: '^(src|webview-ui)/' },
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^dist/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    moduleSystems: ['cjs', 'es6'],
  },
};
