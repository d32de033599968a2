import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LruMap } from '../../src/core/lru';

test('evicts the least recently used entry by count', () => {
  const lru = new LruMap<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  assert.equal(lru.get('a'), 1);
  lru.set('c', 3);
  assert.equal(lru.has('b'), false);
  assert.equal(lru.has('a'), true);
  assert.equal(lru.size, 2);
});

test('evicts by weight and refuses values heavier than the budget', () => {
  const lru = new LruMap<string, string>(10, 10, (s) => s.length);
  lru.set('a', 'xxxx');
  lru.set('b', 'yyyy');
  lru.set('c', 'zzzz');
  assert.equal(lru.has('a'), false);
  assert.equal(lru.weight, 8);
  assert.equal(lru.set('huge', 'x'.repeat(11)), false);
  assert.equal(lru.has('huge'), false);
  lru.set('b', 'y');
  assert.equal(lru.weight, 5);
  lru.delete('c');
  assert.equal(lru.weight, 1);
  assert.throws(() => new LruMap(0), /at least one entry/);
});
