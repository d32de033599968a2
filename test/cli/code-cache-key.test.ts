// The launcher keeps the CLI's bytecode per command path, since V8 caches only what the writing
// process compiled: a built-in policy run and a policy file run must not share one entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeCacheKey } from '../../src/cli/code-cache-key';

const argv = (...words: string[]): string[] => ['/usr/bin/node', '/opt/pe/dist/cli.js', ...words];

test('the key is the leading command words, stopping at a path or an option', () => {
  assert.equal(codeCacheKey(argv('faas', 'run', 'naive', '--trace', 't.csv')), 'faas run naive');
  assert.equal(codeCacheKey(argv('faas', 'run', 'policy.ts', '--trace', 't.csv')), 'faas run');
  assert.equal(codeCacheKey(argv('faas', 'run', './naive')), 'faas run');
  assert.equal(codeCacheKey(argv('evolve', 'examples/faas/naive.ts')), 'evolve');
  assert.equal(codeCacheKey(argv('runs', 'list', '--json')), 'runs list');
  assert.equal(codeCacheKey(argv('protocol', 'verify', 'x.rbp')), 'protocol verify');
});

test('a command line without command words shares one key; words beyond three are not part of it', () => {
  assert.equal(codeCacheKey(argv('--version')), 'other');
  assert.equal(codeCacheKey(argv()), 'other');
  assert.equal(codeCacheKey(argv('cluster', 'selfplay', 'policy', 'extra')), 'cluster selfplay policy');
  assert.equal(codeCacheKey(argv('FAAS', 'run')), 'other');
});
