import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot, resolveSandboxEntry, sandboxEntryMode, sandboxHarnessNames } from '../../src/sandbox/entries';

const root = join(__dirname, '..', '..');

test('from TypeScript source, entries come from entries.json and need the tsx loader', () => {
  assert.equal(sandboxEntryMode(), 'source');
  assert.equal(findPackageRoot(), root);
  const table = JSON.parse(readFileSync(join(root, 'src/sandbox/entries.json'), 'utf8')) as { worker: string; harnesses: Record<string, string> };
  const worker = resolveSandboxEntry('worker');
  assert.equal(worker.path, join(root, table.worker));
  assert.equal(worker.execArgv[0], '--require');
  assert.match(worker.execArgv[1] as string, /\/node_modules\/tsx\/.*\.cjs$/);
  assert.ok(existsSync(worker.execArgv[1] as string));
  const call = resolveSandboxEntry('harness', 'call');
  assert.equal(call.path, join(root, table.harnesses.call as string));
  assert.ok(existsSync(call.path));
  assert.deepEqual(call.execArgv, []);
  assert.ok(sandboxHarnessNames().includes('call'));
});

test('an unknown harness names the registered ones', () => {
  assert.throws(() => resolveSandboxEntry('harness', 'missing'), /unknown sandbox harness 'missing'; registered in src\/sandbox\/entries\.json: .*call/);
  assert.throws(() => resolveSandboxEntry('harness', 'toString'), /unknown sandbox harness 'toString'/);
});

test('the package root search stops at the filesystem root', () => {
  assert.throws(() => findPackageRoot('/'), /cannot find the policy-evolver package root/);
});
