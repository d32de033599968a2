import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, registerSecret, scrubSecrets, scrubValue } from '../../src/core/secrets';

test('a registered value is replaced in plain text, JSON text and URLs', () => {
  registerSecret('sk-unit-3b7e91c2f0');
  const text = `key sk-unit-3b7e91c2f0; ${JSON.stringify({ k: 'sk-unit-3b7e91c2f0' })}`;
  assert.equal(scrubSecrets(text), `key ${REDACTED}; {"k":"${REDACTED}"}`);
});

test('a broker URL registers its password, raw, percent-encoded and JSON-escaped', () => {
  registerSecret('amqp://alice:p%40ss"w0rd!@broker:5672/vh');
  assert.equal(scrubSecrets('password p@ss"w0rd! here'), `password ${REDACTED} here`);
  assert.equal(scrubSecrets(JSON.stringify({ p: 'p@ss"w0rd!' })), `{"p":"${REDACTED}"}`);
  assert.ok(!scrubSecrets('amqp://alice:p%40ss"w0rd!@broker:5672/vh').includes('w0rd'));
});

test('credential-looking environment variables are scrubbed even when set after start-up', () => {
  process.env.SOME_SERVICE_TOKEN = 'tok-unit-8d2f6a1e';
  process.env.HARMLESS_SETTING = 'visible-value-123';
  try {
    assert.equal(scrubSecrets('tok-unit-8d2f6a1e visible-value-123'), `${REDACTED} visible-value-123`);
  } finally {
    delete process.env.SOME_SERVICE_TOKEN;
    delete process.env.HARMLESS_SETTING;
  }
});

test('short values are not treated as secrets; bearer tokens and URL passwords always are', () => {
  registerSecret('abc');
  assert.equal(scrubSecrets('abc'), 'abc');
  assert.equal(scrubSecrets('Authorization: Bearer abcdefghijkl'), `Authorization: Bearer ${REDACTED}`);
  assert.equal(scrubSecrets('https://user:hunter22@example.com/x'), `https://user:${REDACTED}@example.com/x`);
});

test('scrubValue copies JSON values with every string and key scrubbed', () => {
  registerSecret('sk-unit-value-55aa77bb');
  const input = { a: ['x sk-unit-value-55aa77bb'], n: 3, 'sk-unit-value-55aa77bb': null, d: new Date(0) };
  assert.deepEqual(scrubValue(input), { a: [`x ${REDACTED}`], n: 3, [REDACTED]: null, d: '1970-01-01T00:00:00.000Z' });
  assert.equal(input.a[0], 'x sk-unit-value-55aa77bb', 'the original is untouched');
});

test('scrubbing is linear on megabytes of candidate text (no backtracking blow-up)', { timeout: 900_000 }, () => {
  // Each of these took minutes with an unanchored URL pattern; here they are one pass each.
  for (const text of ['y'.repeat(2 * 1024 * 1024), 'a://'.repeat(500_000), 'Bearer '.repeat(300_000)]) {
    assert.equal(scrubSecrets(text).length > 0, true);
  }
});
