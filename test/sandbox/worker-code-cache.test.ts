// The bundled sandbox worker loads SES and its harnesses with V8 bytecode kept on disk
// (src/sandbox/worker-code-cache.ts). The worker's environment is empty, so the cache folder is
// the one the engine names; bytecode from the cache must leave the realm exactly as locked down,
// and a damaged cache must only cost time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobMessage, WorkerMessage } from '../../src/sandbox/ipc';

const DIST = join(__dirname, '..', '..', 'dist');
const SHIPPED = ['sandbox-worker.js', 'ses.js', 'harness-call.js'];
const built = SHIPPED.every((f) => existsSync(join(DIST, f)));

/** A private copy of the shipped worker files, so the cache keys are this test's own. */
function shippedCopy(dir: string): string {
  const dist = join(dir, 'dist');
  mkdirSync(dist);
  for (const f of SHIPPED) copyFileSync(join(DIST, f), join(dist, f));
  return dist;
}

/** Runs one call-harness job in a fresh bundled worker; the JSON it returned. */
async function runJob(dist: string, cacheArg: string, js: string, exportName: string): Promise<string> {
  const child = fork(join(dist, 'sandbox-worker.js'), [String(process.pid), cacheArg], {
    cwd: dist,
    env: {},
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    return await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`worker exited (${String(code)}) before its result: ${stderr}`)));
      child.on('message', (raw: unknown) => {
        const message = raw as WorkerMessage;
        if (message.type === 'ready') {
          const input = JSON.stringify({ export: exportName, args: [] });
          const job: JobMessage = {
            type: 'job',
            id: 1,
            harnessName: 'call',
            harnessPath: join(dist, 'harness-call.js'),
            fileName: 'candidate.js',
            code: { hash: 'code', text: js },
            sourceMap: { hash: 'map', text: '' },
            input: { hash: 'input', text: input },
            maxResultBytes: 1 << 20,
          };
          child.send(job);
        } else if (message.type === 'done') {
          if (message.ok) resolve(message.json);
          else reject(new Error(`job failed (${message.kind}): ${message.message}`));
        }
      });
    });
  } finally {
    child.kill('SIGKILL');
  }
}

// What a candidate sees of the realm: no process object, and frozen shared intrinsics.
const PROBE = `module.exports = { probe: () => [typeof process, typeof globalThis.require, Object.isFrozen(Object.prototype), Object.isFrozen(Array.prototype), Object.isFrozen(Function.prototype)].join(',') };`;
const LOCKED = JSON.stringify('undefined,undefined,true,true,true');

function entries(cacheRoot: string): string[] {
  const dir = join(cacheRoot, 'v8-code-cache');
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.endsWith('.tmp')).sort() : [];
}

test('a bundled worker keeps SES and harness bytecode in the folder the engine names, and a worker started from it is locked down the same', { skip: !built && 'dist/ is not built (npm run build)' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-code-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dist = shippedCopy(dir);
  const cacheRoot = join(dir, 'cache');

  assert.equal(await runJob(dist, cacheRoot, PROBE, 'probe'), LOCKED);
  const written = entries(cacheRoot);
  // One entry for SES, one for the harness.
  assert.equal(written.length, 2, `cache entries: ${written.join(', ')}`);
  const mtimes = written.map((n) => statSync(join(cacheRoot, 'v8-code-cache', n)).mtimeMs);

  // From the cache: same isolation, and the accepted bytecode is not written again.
  assert.equal(await runJob(dist, cacheRoot, PROBE, 'probe'), LOCKED);
  assert.deepEqual(entries(cacheRoot), written);
  assert.deepEqual(written.map((n) => statSync(join(cacheRoot, 'v8-code-cache', n)).mtimeMs), mtimes);
});

test('a damaged worker cache only costs time: the worker compiles from source and rewrites it', { skip: !built && 'dist/ is not built (npm run build)' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-code-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dist = shippedCopy(dir);
  const cacheRoot = join(dir, 'cache');
  assert.equal(await runJob(dist, cacheRoot, PROBE, 'probe'), LOCKED);
  const written = entries(cacheRoot);
  assert.equal(written.length, 2);
  for (const name of written) writeFileSync(join(cacheRoot, 'v8-code-cache', name), Buffer.alloc(4096, 0x5a));

  assert.equal(await runJob(dist, cacheRoot, 'module.exports = { sum: () => 2 + 3 };', 'sum'), '5');
  // Rewritten with valid entries: the next worker runs from them.
  assert.equal(await runJob(dist, cacheRoot, PROBE, 'probe'), LOCKED);
  assert.deepEqual(entries(cacheRoot), written);
});

test("a worker told the cache is off writes no bytecode anywhere it is given", { skip: !built && 'dist/ is not built (npm run build)' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-code-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dist = shippedCopy(dir);
  assert.equal(await runJob(dist, 'off', PROBE, 'probe'), LOCKED);
  // The worker's cwd (its folder here) gets no cache folder either.
  assert.deepEqual(readdirSync(dist).sort(), [...SHIPPED].sort());
});
