// Libraries too big to parse on every start: each ships as its own file in dist/ and every bundle
// that imports it requires that file at run time instead of inlining a copy. Their importers load
// them on first use (src/core/typescript-lazy.ts; the others sit behind the CLI's lazily loaded
// command groups and the generator registry's dynamic imports), so a command that never needs one
// never parses it. One file per library also keeps a single copy in a process that runs several bundles.
// Shared by the build (scripts/build.mjs) and the package check (scripts/package.mjs).
export const SEPARATE_LIBRARIES = [
  { file: 'typescript.js', packages: ['typescript'] },
  { file: 'anthropic-sdk.js', packages: ['@anthropic-ai/sdk'] },
  { file: 'openai.js', packages: ['openai'] },
  { file: 'amqplib.js', packages: ['amqplib'] },
  // The sandbox worker loads SES with bytecode cached on disk (src/sandbox/worker-code-cache.ts).
  // Its CommonJS build (the `require` condition), as the worker bundled it before, not its ES module sources.
  { file: 'ses.js', packages: ['ses'], viaRequire: true },
  // TensorFlow's core, its gradients and its CPU backend register into one engine: one file for all.
  { file: 'tensorflow.js', packages: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-core/dist/register_all_gradients', '@tensorflow/tfjs-backend-cpu'] },
];
