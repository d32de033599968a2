#!/usr/bin/env node
// The `policy-evolver` executable as shipped (dist/cli.js): a few lines that run a CLI bundle with
// V8 bytecode cached on disk by an earlier run (core/code-cache.ts), because compiling a bundle
// from source is a large share of a short command's CPU. A command runs its group's own bundle
// (dist/cli-<group>.js, group-main.ts), which holds its code alone; `--version` runs the root
// program alone (dist/cli-root.js, root-main.ts); help and unknown commands run the whole CLI
// (dist/cli-main.js, main.ts). Without a usable cache the bundle is required the ordinary way.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { requireWithCodeCache } from '../core/code-cache';
import { codeCacheKey } from './code-cache-key';
import { commandWord, groupOf, isVersionQuery } from './command-names';

type CliMain = { main(argv: string[]): Promise<void> };

function bundleFor(argv: readonly string[]): string {
  const args = argv.slice(2);
  const group = groupOf(commandWord(args));
  const own = isVersionQuery(args) ? join(__dirname, 'cli-root.js') : group && join(__dirname, `cli-${group.group}.js`);
  return own && existsSync(own) ? own : join(__dirname, 'cli-main.js');
}

const bundle = bundleFor(process.argv);
const cli = (requireWithCodeCache(bundle, codeCacheKey(process.argv))?.exports ?? createRequire(__filename)(bundle)) as CliMain;
void cli.main(process.argv);
