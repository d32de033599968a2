// The compile cache on disk across processes: a process compiling a candidate that an earlier
// process compiled loads no compiler at all, a process compiling a new one runs the compiler from
// cached bytecode, and damaged or foreign cache files are misses, never wrong output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface ProcessReport {
  ok: boolean;
  js?: string;
  message?: string;
  typescriptLoaded: boolean;
  codeCache: string | null;
}

/** Compiles `code` as `fileName` in a fresh process using `cacheDir`, and reports what it loaded. */
function compileInProcess(cacheDir: string, code: string, fileName: string, env: NodeJS.ProcessEnv = {}): ProcessReport {
  const script = `
    const { compileCandidate } = require(${JSON.stringify(join(ROOT, 'src/sandbox/compile.ts'))});
    const lazy = require(${JSON.stringify(join(ROOT, 'src/core/typescript-lazy.ts'))});
    compileCandidate(process.env.CODE, process.env.FILE).then((r) => {
      process.stdout.write(JSON.stringify({ ok: r.ok, js: r.ok ? r.compiled.js : undefined, message: r.ok ? undefined : r.message,
        typescriptLoaded: lazy.typescriptLoaded(), codeCache: lazy.typescriptCodeCache() ?? null }));
    });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env, POLICY_EVOLVER_CACHE_DIR: cacheDir, CODE: code, FILE: fileName },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ProcessReport;
}

const POLICY = 'export function step(x: number): number {\n  return x + 1;\n}\n';

test('a candidate compiled by an earlier process is read back without loading the compiler, byte for byte', (t) => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const first = compileInProcess(cacheDir, POLICY, 'policy.ts');
  assert.equal(first.ok, true);
  assert.equal(first.typescriptLoaded, true);
  assert.equal(first.codeCache, 'missing');
  const second = compileInProcess(cacheDir, POLICY, 'policy.ts');
  assert.equal(second.typescriptLoaded, false);
  assert.equal(second.js, first.js);

  // Another file name is another source map: compiled again, now from the compiler's cached bytecode.
  const renamed = compileInProcess(cacheDir, POLICY, 'other.ts');
  assert.equal(renamed.typescriptLoaded, true);
  assert.equal(renamed.codeCache, 'accepted');
  assert.equal(renamed.js, first.js);
});

test('syntax errors are cached with their message, and a damaged cache file is recompiled', (t) => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const broken = 'export function f() {\n  return 1 +* 2;\n}\n';
  const first = compileInProcess(cacheDir, broken, 'p.ts');
  assert.equal(first.ok, false);
  const again = compileInProcess(cacheDir, broken, 'p.ts');
  assert.equal(again.typescriptLoaded, false);
  assert.equal(again.message, first.message);

  const good = compileInProcess(cacheDir, POLICY, 'policy.ts');
  const entries = join(cacheDir, 'compiled-candidates');
  for (const name of readdirSync(entries)) writeFileSync(join(entries, name), '{"ok":true,"js":');
  const repaired = compileInProcess(cacheDir, POLICY, 'policy.ts');
  assert.equal(repaired.typescriptLoaded, true);
  assert.equal(repaired.js, good.js);
  const reread = compileInProcess(cacheDir, POLICY, 'policy.ts');
  assert.equal(reread.typescriptLoaded, false);
  assert.equal(reread.js, good.js);
});

test("an entry whose content is not its key's source is a miss: edited in place or moved from another key", (t) => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const entries = join(cacheDir, 'compiled-candidates');
  const good = compileInProcess(cacheDir, POLICY, 'policy.ts');
  const [entry] = readdirSync(entries);
  assert.ok(entry);
  // Edited in place, still valid JSON: the compiled text now adds 2.
  const original = readFileSync(join(entries, entry));
  const at = original.indexOf('x + 1');
  assert.ok(at > 0);
  const edited = Buffer.from(original);
  edited.write('x + 2', at, 'latin1');
  writeFileSync(join(entries, entry), edited);
  const afterEdit = compileInProcess(cacheDir, POLICY, 'policy.ts');
  assert.equal(afterEdit.js, good.js);
  assert.equal(afterEdit.typescriptLoaded, true);

  // Another source's whole, intact entry under this source's key.
  const other = POLICY.replace('x + 1', 'x * 3');
  const otherJs = compileInProcess(cacheDir, other, 'policy.ts').js;
  const otherEntry = readdirSync(entries).find((n) => n !== entry);
  assert.ok(otherEntry);
  writeFileSync(join(entries, entry), readFileSync(join(entries, otherEntry)));
  const afterMove = compileInProcess(cacheDir, POLICY, 'policy.ts');
  assert.notEqual(afterMove.js, otherJs);
  assert.equal(afterMove.js, good.js);
});

test("corrupt bytecode of the compiler is a miss, not a crash: the process compiles and rewrites it", (t) => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));
  const good = compileInProcess(cacheDir, POLICY, 'policy.ts');
  const bytecode = join(cacheDir, 'v8-code-cache');
  const names = readdirSync(bytecode);
  assert.ok(names.length > 0);
  // Flipped bytes past the header V8 checks (version, flags, source length): V8 verifies no
  // checksum of the bytecode itself in release builds.
  for (const name of names) {
    const data = readFileSync(join(bytecode, name));
    for (let i = 0; i < 400; i++) {
      const at = Math.floor(data.length / 4) + Math.floor(((i * 2654435761) % 1_000_003) / 1_000_003 * (data.length * 0.75));
      data[at] = (data[at] ?? 0) ^ 0xff;
    }
    writeFileSync(join(bytecode, name), data);
  }
  const renamed = compileInProcess(cacheDir, POLICY, 'other.ts');
  assert.equal(renamed.ok, true);
  assert.equal(renamed.js, good.js);
  assert.notEqual(renamed.codeCache, 'accepted');
  const again = compileInProcess(cacheDir, POLICY, 'third.ts');
  assert.equal(again.codeCache, 'accepted');
});

test('with the cache off nothing is written and the compiler loads the ordinary way', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The default per-user locations point into `dir`, so a cache written despite 'off' shows there.
  const off = compileInProcess('off', POLICY, 'policy.ts', { HOME: dir, XDG_CACHE_HOME: dir });
  assert.equal(off.ok, true);
  assert.equal(off.codeCache, 'off');
  assert.deepEqual(readdirSync(dir), []);
});
