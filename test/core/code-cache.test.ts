// V8 bytecode kept on disk for the CLI bundle and the compiler (core/code-cache.ts): whatever is in
// the cache folder, a file runs as its current source says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Requires `file` through the code cache in a fresh process; its exports and how the bytecode was obtained. */
function load(cacheDir: string, file: string): { exports: unknown; use: string } {
  const script = `const { requireWithCodeCache } = require(${JSON.stringify(join(ROOT, 'src/core/code-cache.ts'))});
    const r = requireWithCodeCache(process.env.FILE);
    process.stdout.write(JSON.stringify({ exports: r.exports, use: r.use }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, POLICY_EVOLVER_CACHE_DIR: cacheDir, FILE: file } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { exports: unknown; use: string };
}

test('a file replaced by another of the same size and modification time runs its new code, not the old bytecode', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cacheDir = join(dir, 'cache');
  const file = join(dir, 'bundle.js');
  const body = (n: number): string => `'use strict';\nfunction value() { return ${n}; }\nmodule.exports = value();\n`;
  writeFileSync(file, body(1111));
  // A whole-second time, so setting it again gives exactly the same mtime.
  utimesSync(file, 1_700_000_000, 1_700_000_000);
  assert.deepEqual(load(cacheDir, file), { exports: 1111, use: 'missing' });
  assert.deepEqual(load(cacheDir, file), { exports: 1111, use: 'accepted' });
  // As cp -p or an unpacked archive leaves it: other code, same length, same mtime.
  const before = statSync(file).mtimeMs;
  writeFileSync(file, body(2222));
  utimesSync(file, 1_700_000_000, 1_700_000_000);
  assert.equal(statSync(file).mtimeMs, before);
  assert.equal(load(cacheDir, file).exports, 2222);
});
