#!/usr/bin/env node
// The `policy-evolver` executable as shipped (dist/cli.js): a few lines that run the CLI's bundle
// (dist/cli-main.js, from main.ts) with V8 bytecode cached on disk by an earlier run
// (core/code-cache.ts), because compiling the bundle from source is a large share of a short
// command's CPU. Without a usable cache the bundle is required the ordinary way.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { requireWithCodeCache } from '../core/code-cache';
import { codeCacheKey } from './code-cache-key';

type CliMain = { main(argv: string[]): Promise<void> };

const bundle = join(__dirname, 'cli-main.js');
const cli = (requireWithCodeCache(bundle, codeCacheKey(process.argv))?.exports ?? createRequire(__filename)(bundle)) as CliMain;
void cli.main(process.argv);
