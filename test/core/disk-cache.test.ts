import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot, DiskCache, onCacheUnusable } from '../../src/core/disk-cache';

const key = (n: number): string => n.toString(16).padStart(64, '0');

test('the cache folder follows each platform and the override, and off turns it off', () => {
  assert.equal(cacheRoot({ POLICY_EVOLVER_CACHE_DIR: '/x/y' }, 'linux'), '/x/y');
  assert.equal(cacheRoot({ POLICY_EVOLVER_CACHE_DIR: 'off' }, 'linux'), undefined);
  assert.equal(cacheRoot({ XDG_CACHE_HOME: '/xdg' }, 'linux'), join('/xdg', 'policy-evolver'));
  assert.match(cacheRoot({}, 'linux') ?? '', /[/\\]\.cache[/\\]policy-evolver$/);
  assert.match(cacheRoot({}, 'darwin') ?? '', /Library[/\\]Caches[/\\]policy-evolver$/);
  assert.equal(cacheRoot({ LOCALAPPDATA: 'C:\\L' }, 'win32'), join('C:\\L', 'policy-evolver', 'Cache'));
});

test('entries round-trip, misses are undefined and keys must be hashes', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'disk-cache-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const cache = new DiskCache('things', { maxEntries: 10, root });
  assert.equal(cache.read(key(1)), undefined);
  cache.write(key(1), 'one');
  assert.equal(cache.read(key(1))?.toString(), 'one');
  assert.throws(() => cache.read('../escape'), /hex hash/);
  assert.throws(() => new DiskCache('Bad/Name', { maxEntries: 1, root }), /namespace/);
});

test('the oldest entries go once the folder holds more than its limit', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'disk-cache-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const first = new DiskCache('things', { maxEntries: 5, root });
  for (let i = 0; i < 8; i++) {
    first.write(key(i), String(i));
    // Distinct ages without waiting: entry i is i minutes newer than entry 0.
    utimesSync(join(root, 'things', key(i)), new Date(1e12 + i * 60_000), new Date(1e12 + i * 60_000));
  }
  // A new process prunes on its first write: down to 80% of the limit, newest kept.
  const second = new DiskCache('things', { maxEntries: 5, root });
  second.write(key(100), 'new');
  const left = readdirSync(join(root, 'things')).sort();
  assert.equal(left.length, 4);
  assert.deepEqual(left, [key(5), key(6), key(7), key(100)].sort());
});

test('a folder that cannot be created makes the cache a no-op instead of an error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'disk-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A regular file where the folder should be: not even root can create the folder.
  const root = join(dir, 'file');
  writeFileSync(root, '');
  const cache = new DiskCache('things', { maxEntries: 5, root });
  cache.write(key(1), 'x');
  assert.equal(cache.read(key(1)), undefined);
  assert.equal(cache.enabled, false);
});

test('a torn, flipped or foreign file under a valid key is a miss, and the next write replaces it', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'disk-cache-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const cache = new DiskCache('things', { maxEntries: 10, root });
  const file = join(root, 'things', key(1));
  cache.write(key(1), 'payload of one');
  const whole = readFileSync(file);
  const flipped = Buffer.from(whole);
  flipped[flipped.length - 3] = (flipped[flipped.length - 3] ?? 0) ^ 1;
  for (const bad of [flipped, whole.subarray(0, whole.length - 1), Buffer.from('payload of one'), Buffer.alloc(0)]) {
    writeFileSync(file, bad);
    assert.equal(cache.read(key(1)), undefined, JSON.stringify(bad.toString('latin1')));
  }
  cache.write(key(1), 'payload of one');
  assert.equal(cache.read(key(1))?.toString(), 'payload of one');
});

test('a cache root that is a file is said once per process, through the sink the entry point set', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'disk-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = join(dir, 'file');
  writeFileSync(root, '');
  const said: string[] = [];
  onCacheUnusable((m) => said.push(m));
  t.after(() => onCacheUnusable(undefined));
  const a = new DiskCache('things', { maxEntries: 5, root });
  const b = new DiskCache('others', { maxEntries: 5, root });
  assert.equal(a.read(key(1)), undefined);
  b.write(key(2), 'y');
  assert.equal(b.read(key(2)), undefined);
  assert.equal(said.length, 1, said.join('\n'));
  assert.match(said[0] ?? '', new RegExp(`^the cache folder ${root.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} cannot be used \\(it is a file, not a folder\\).*POLICY_EVOLVER_CACHE_DIR`));
});
