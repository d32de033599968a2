import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeThrown, explainSesMessage } from '../../src/sandbox/describe-error';

test('errors show name and message, then the frames given', () => {
  assert.equal(describeThrown(new TypeError('bad')), 'TypeError: bad');
  assert.equal(describeThrown(new RangeError('r'), { frames: () => ['at f (p.ts:3:4)'] }), 'RangeError: r\n    at f (p.ts:3:4)');
  assert.equal(describeThrown(new Error('')), 'Error');
});

test('primitives are labelled with their type', () => {
  assert.equal(describeThrown('boom'), 'thrown string: "boom"');
  assert.equal(describeThrown(null), 'thrown null');
  assert.equal(describeThrown(undefined), 'thrown undefined: undefined');
  assert.equal(describeThrown(42), 'thrown number: 42');
  assert.equal(describeThrown(5n), 'thrown bigint: 5n');
  assert.equal(describeThrown(Symbol('s')), 'thrown symbol: Symbol(s)');
  assert.equal(describeThrown(function named() {}), 'thrown function named');
});

test('error-like objects and plain objects', () => {
  assert.equal(describeThrown({ name: 'Custom', message: 'went wrong' }), 'Custom: went wrong (thrown object, not an Error)');
  assert.equal(describeThrown({ code: 7 }), 'thrown object: {"code":7}');
});

test('hostile objects never crash the description and never run toString', () => {
  let toStringCalls = 0;
  const evil = {
    toString() {
      toStringCalls++;
      return 'x';
    },
    get message(): string {
      throw new Error('message getter');
    },
    [Symbol.toPrimitive]() {
      toStringCalls++;
      return 'x';
    },
  };
  assert.match(describeThrown(evil), /^thrown object \(not printable/);
  assert.equal(toStringCalls, 0);
  const trap = () => {
    throw new Error('trap');
  };
  const proxy = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap });
  assert.match(describeThrown(proxy), /^thrown object/);
  assert.equal(describeThrown(new Error('x'), { frames: trap }), 'Error: x');
});

test('long messages are clipped', () => {
  const text = describeThrown(new Error('y'.repeat(10_000)));
  assert.ok(text.length < 2100);
  assert.match(text, /more characters\)$/);
});

test('SES secure-mode messages are explained', () => {
  assert.match(explainSesMessage('secure mode Calling %SharedDate%.now() throws'), /^Date\.now\(\) is not available in the sandbox \(candidates get no clock/);
  assert.match(explainSesMessage('secure mode %SharedMath%.random() throws'), /^Math\.random\(\) is not available/);
  assert.equal(explainSesMessage('other'), 'other');
});
