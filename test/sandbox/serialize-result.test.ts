import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, isResultError, toJsonText } from '../../src/sandbox/serialize-result';

const MB = 1024 * 1024;

test('plain JSON values round-trip like JSON.stringify', () => {
  const value = { a: [1, 'two', true, null, { b: -0.5 }], 'odd key': 'x', nested: { deep: [[]] } };
  assert.equal(toJsonText(value, MB), JSON.stringify(value));
});

test('shared (non-cyclic) references are allowed; cycles name the path', () => {
  const shared = { n: 1 };
  assert.equal(toJsonText({ x: shared, y: shared }, MB), '{"x":{"n":1},"y":{"n":1}}');
  const a: Record<string, unknown> = { list: [] };
  (a.list as unknown[]).push({ back: a });
  assert.throws(() => toJsonText(a, MB), /result\.list\[0\]\.back refers back to one of its own ancestors/);
});

test('values JSON would silently change are refused with their path', () => {
  assert.throws(() => toJsonText({ n: 10n }, MB), /result\.n is a BigInt \(10n\)/);
  assert.throws(() => toJsonText({ f() {} }, MB), /result\.f is a function/);
  assert.throws(() => toJsonText([1, NaN], MB), /result\[1\] is NaN/);
  assert.throws(() => toJsonText({ i: Infinity }, MB), /result\.i is Infinity/);
  assert.throws(() => toJsonText([1, undefined], MB), /result\[1\] is undefined/);
  // eslint-disable-next-line no-sparse-arrays
  assert.throws(() => toJsonText([1, , 3], MB), /result\[1\] is undefined/);
  assert.throws(() => toJsonText(new Map(), MB), /result is a Map/);
  assert.throws(() => toJsonText({ s: new Set([1]) }, MB), /result\.s is a Set/);
  assert.throws(() => toJsonText(Promise.resolve(1), MB), /forget to await/);
  assert.throws(() => toJsonText(new Uint8Array(2), MB), /binary buffer/);
  assert.throws(() => toJsonText(Symbol('s'), MB), /is a symbol/);
  assert.throws(() => toJsonText(undefined, MB), /^ResultError: result is undefined/);
});

test('undefined properties are dropped like JSON does; toJSON is honoured', () => {
  assert.equal(toJsonText({ a: 1, b: undefined }, MB), '{"a":1}');
  assert.equal(toJsonText({ when: new Date(0) }, MB), '{"when":"1970-01-01T00:00:00.000Z"}');
});

test('the size cap stops early, counts UTF-8 bytes, and says what the limit is', () => {
  assert.throws(() => toJsonText('x'.repeat(2000), 1000), /result is too large: its JSON is over the 1000 bytes limit/);
  // 600 characters of 2-byte text: under 1000 characters but over 1000 bytes.
  assert.throws(() => toJsonText('é'.repeat(600), 1000), /too large/);
  // A huge sparse array is refused from its length alone, without walking it.
  assert.throws(() => toJsonText(new Array(1e9), 1000), /too large/);
  assert.equal(formatBytes(16 * MB), '16 MiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
});

test('getters that throw and hostile proxies become result errors', () => {
  const getter = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('getter failed'); } });
  assert.throws(() => toJsonText(getter, MB), /result\.boom could not be read: getter failed/);
  const trap = () => { throw new Error('trap'); };
  const proxy = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, has: trap });
  let caught: unknown;
  try {
    toJsonText({ p: proxy }, MB);
  } catch (error) {
    caught = error;
  }
  assert.ok(isResultError(caught), `expected a ResultError, got ${String(caught)}`);
});

test('nesting deeper than the limit is refused rather than overflowing the stack', () => {
  let deep: unknown = 0;
  for (let i = 0; i < 5000; i++) deep = [deep];
  assert.throws(() => toJsonText(deep, 100 * MB), /nests more than 1000 levels deep/);
});
