// The byte format of messages between the pool and a sandbox worker over a plain pipe (see
// worker-link.ts for why not node's IPC channel). A frame is
//
//   u32 BE  length of everything after this field
//   u32 BE  length of the head
//   head    UTF-8 JSON: { "m": message, "a": [byte length of each attachment] }
//   attachments, one after another
//
// Long strings (compiled code, job inputs, results: megabytes) travel as attachments, raw UTF-8,
// so they are neither escaped into nor parsed out of JSON. In the head such a string is the marker
// "\u0000" followed by its attachment index; a short string that itself starts with "\u0000" is
// written with a second "\u0000" in front, so every string comes back exactly.
import { isAscii } from 'node:buffer';

/** Strings at least this long go as attachments; shorter ones are cheaper inline. */
const ATTACH_FROM = 1024;
const NUL = '\u0000';
/** Frames past this are refused: no message of ours comes near it, a corrupt length would. */
export const MAX_FRAME_BYTES = 1024 * 1024 * 1024;

export class FrameError extends Error {}

interface Encoding {
  texts: string[];
  bytes: number[];
}

/** String.prototype.isWellFormed (node 20; newer than the ES2022 library this project types against). */
const wellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** `value` with every string (keys aside) replaced by `fn` of it. */
function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = mapStrings(item, fn);
    return out;
  }
  return value;
}

function lift(text: string, enc: Encoding): string {
  // Strings with lone surrogates stay in the JSON, which keeps them exactly; UTF-8 would not.
  if (text.length >= ATTACH_FROM && wellFormed(text)) {
    enc.texts.push(text);
    enc.bytes.push(Buffer.byteLength(text, 'utf8'));
    return NUL + String(enc.texts.length - 1);
  }
  return text.startsWith(NUL) ? NUL + text : text;
}

/** One frame holding `message` (plain JSON data: objects, arrays, strings, numbers, booleans, null). */
export function encodeFrame(message: unknown): Buffer {
  const enc: Encoding = { texts: [], bytes: [] };
  const head = Buffer.from(JSON.stringify({ m: mapStrings(message, (text) => lift(text, enc)), a: enc.bytes }), 'utf8');
  let size = 4 + head.length;
  for (const n of enc.bytes) size += n;
  if (size > MAX_FRAME_BYTES) throw new FrameError(`a message of ${size} bytes is over the ${MAX_FRAME_BYTES}-byte limit`);
  const frame = Buffer.allocUnsafe(4 + size);
  frame.writeUInt32BE(size, 0);
  frame.writeUInt32BE(head.length, 4);
  head.copy(frame, 8);
  let at = 8 + head.length;
  for (const text of enc.texts) at += frame.write(text, at, 'utf8');
  return frame;
}

function lower(text: string, texts: readonly string[]): string {
  if (!text.startsWith(NUL)) return text;
  if (text.startsWith(NUL, 1)) return text.slice(1);
  const attached = texts[Number(text.slice(1))];
  if (attached === undefined) throw new FrameError(`a frame refers to attachment ${text.slice(1)}, which it does not carry`);
  return attached;
}

/** The message in a frame's body (the bytes after its first length field). */
export function decodeFrameBody(body: Buffer): unknown {
  if (body.length < 4) throw new FrameError('a frame is too short for its head length');
  const headBytes = body.readUInt32BE(0);
  if (4 + headBytes > body.length) throw new FrameError('a frame is shorter than its head');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8', 4, 4 + headBytes));
  } catch {
    throw new FrameError('a frame head is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || !('m' in parsed) || !('a' in parsed) || !Array.isArray(parsed.a)) throw new FrameError('a frame head lacks its message or attachments');
  const texts: string[] = [];
  let at = 4 + headBytes;
  for (const n of parsed.a as unknown[]) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || at + n > body.length) throw new FrameError('a frame attachment overruns the frame');
    const bytes = body.subarray(at, at + n);
    // Bundled code and traces are ASCII, which decodes several times faster as Latin-1 (exactly).
    texts.push(isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8'));
    at += n;
  }
  if (at !== body.length) throw new FrameError('a frame has bytes after its last attachment');
  return mapStrings(parsed.m, (text) => lower(text, texts));
}

/** Cuts a byte stream into messages; for the pool's end, which reads the pipe in chunks. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** The messages completed by `chunk`, in order. */
  push(chunk: Buffer): unknown[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: unknown[] = [];
    for (;;) {
      if (this.buffered < 4) return out;
      const head = this.chunks[0] as Buffer;
      const size = head.length >= 4 ? head.readUInt32BE(0) : this.joined().readUInt32BE(0);
      if (size > MAX_FRAME_BYTES) throw new FrameError(`a frame announces ${size} bytes, over the ${MAX_FRAME_BYTES}-byte limit`);
      if (this.buffered < 4 + size) return out;
      const all = this.joined();
      out.push(decodeFrameBody(all.subarray(4, 4 + size)));
      const rest = all.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] as Buffer;
  }
}
