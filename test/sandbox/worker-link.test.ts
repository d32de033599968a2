// The pool and its workers talk over a pipe in frames (src/sandbox/link-frames.ts), or over node's
// IPC channel where there is no such pipe (Windows). Every message must arrive exactly as sent,
// however the stream is cut, a damaged frame must be refused, and both links must run real jobs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrameBody, encodeFrame, FrameError, FrameReader } from '../../src/sandbox/link-frames';
import { createSandboxPool } from '../../src/sandbox/pool';
import { defaultLinkKind } from '../../src/sandbox/worker-process';
import type { JsonValue } from '../../src/core/types';
import { Rng } from '../../src/core/rng';
import { PROBE_HARNESS, assertFailure, assertValue } from './helpers';

/** A seeded generator's draws in [0, 1), so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

const ALPHABET = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0000', '\u0001', 'é', '字', '😀', '\ud800', '\udfff', '}', '['];

function randomString(next: () => number): string {
  // Now and then long enough to travel as an attachment, sometimes starting with a NUL.
  const length = next() < 0.3 ? 1024 + Math.floor(next() * 3000) : Math.floor(next() * 12);
  let out = next() < 0.2 ? '\u0000' : '';
  while (out.length < length) out += ALPHABET[Math.floor(next() * ALPHABET.length)] as string;
  return out;
}

function randomValue(next: () => number, depth: number): JsonValue {
  const pick = next();
  if (depth > 3 || pick < 0.4) {
    const leaf = next();
    if (leaf < 0.5) return randomString(next);
    if (leaf < 0.7) return Math.round((next() - 0.5) * 1e9) / 1000;
    if (leaf < 0.85) return next() < 0.5;
    return null;
  }
  if (pick < 0.7) return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
  const out: Record<string, JsonValue> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) out[randomString(next).slice(0, 8)] = randomValue(next, depth + 1);
  return out;
}

/** Cuts `bytes` into pieces of random sizes, single bytes included. */
function chunks(bytes: Buffer, next: () => number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = next() < 0.3 ? 1 : 1 + Math.floor(next() * 4096);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

describe('frames', () => {
  test('500 generated messages come back exactly, however the stream is cut', () => {
    const next = rng(20261207);
    const messages = Array.from({ length: 500 }, () => randomValue(next, 0));
    const stream = Buffer.concat(messages.map((m) => encodeFrame(m)));
    const reader = new FrameReader();
    const received: unknown[] = [];
    for (const piece of chunks(stream, next)) received.push(...reader.push(piece));
    assert.equal(received.length, messages.length);
    for (let i = 0; i < messages.length; i++) assert.deepEqual(received[i], messages[i], `message ${i}`);
  });

  test('long strings travel outside the JSON head', () => {
    const code = 'x'.repeat(100_000);
    const frame = encodeFrame({ type: 'job', code: { hash: 'h', text: code } });
    const headLength = frame.readUInt32BE(4);
    assert.ok(headLength < 200, `head of ${headLength} bytes should not hold the code`);
    assert.deepEqual(decodeFrameBody(frame.subarray(4)), { type: 'job', code: { hash: 'h', text: code } });
  });

  test('damaged frames are refused, not misread', () => {
    const body = encodeFrame({ type: 'done', json: 'y'.repeat(2000) }).subarray(4);
    const cases: [string, Buffer][] = [
      ['too short for a head length', Buffer.from([0, 0])],
      ['head longer than the frame', Buffer.concat([Buffer.from([0, 0, 1, 0]), Buffer.from('{}')])],
      ['head not JSON', Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{x}')])],
      ['head without attachments', Buffer.concat([Buffer.from([0, 0, 0, 9]), Buffer.from('{"m":"a"}')])],
      ['attachment cut short', body.subarray(0, body.length - 1)],
      ['bytes after the last attachment', Buffer.concat([body, Buffer.from('z')])],
      ['marker without its attachment', Buffer.concat([Buffer.from([0, 0, 0, 19]), Buffer.from('{"m":"\\u00003","a":[]}')])],
    ];
    for (const [name, bad] of cases) assert.throws(() => decodeFrameBody(bad), FrameError, name);
    assert.throws(() => new FrameReader().push(Buffer.from([0xff, 0xff, 0xff, 0xff])), /over the .*-byte limit/);
  });
});

describe('both links run jobs', () => {
  test('the default link is a pipe except on Windows', () => {
    assert.equal(defaultLinkKind('linux'), 'pipe');
    assert.equal(defaultLinkKind('darwin'), 'pipe');
    assert.equal(defaultLinkKind('win32'), 'ipc');
  });

  for (const link of ['pipe', 'ipc'] as const) {
    test(`over ${link}: tricky strings round-trip through a job, evicted blobs are asked for again, and a crash is reported`, async () => {
      const pool = createSandboxPool({ size: 1, link, limits: { memoryMb: 256 }, harnesses: { probe: PROBE_HARNESS } });
      try {
        const code = 'export function echo(value) { return value; }';
        const next = rng(link === 'pipe' ? 1 : 2);
        const value = Array.from({ length: 40 }, () => randomValue(next, 0));
        assertValue(await pool.run({ harness: 'call', candidateCode: code, candidateFileName: 'echo.js', input: { export: 'echo', args: [value] } }), value);
        // 36 M characters of inputs pass the worker's blob budget (an eighth of its 256 MB heap),
        // so the first one is pushed out and asked for again when it is reused.
        const big = Array.from({ length: 12 }, (_, i) => `${'é'.repeat(3 * 1024 * 1024)}${i}`);
        const measure = 'export function tail(text) { return text.slice(-2); }';
        for (const text of [...big, big[0] as string]) {
          assertValue(await pool.run({ harness: 'call', candidateCode: measure, candidateFileName: 'tail.js', input: { export: 'tail', args: [text] } }), text.slice(-2));
        }
        assertFailure(await pool.run({ harness: 'probe', candidateCode: 'export {}', candidateFileName: 'p.js', input: { probe: 'uncaught' } }), 'error', /thrown from a timer/);
        assertValue(await pool.run({ harness: 'call', candidateCode: code, candidateFileName: 'echo.js', input: { export: 'echo', args: ['\u0000still here'] } }), '\u0000still here');
      } finally {
        await pool.close();
      }
    });
  }
});
