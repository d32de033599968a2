// Turns whatever a candidate threw into a readable message. Candidates may throw anything:
// strings, null, proxies, objects whose getters or toString throw or lie. We never coerce an
// object with String() or a template literal (that calls candidate code with no guard); every
// property read is guarded and only values that already are strings are used. Candidate code
// that loops forever in a getter is stopped by the pool's wall-time limit like any other loop.

import { toJsonText } from './serialize-result';

const MAX_MESSAGE_CHARS = 2000;
const MAX_PREVIEW_CHARS = 300;
const MAX_FRAMES = 6;

export interface DescribeOptions {
  /** Stack frames worth showing for an error (already mapped to candidate source), best first. */
  frames?: (error: object) => string[];
}

export function describeThrown(value: unknown, options: DescribeOptions = {}): string {
  const head = describeValue(value);
  let frames: string[] = [];
  if (typeof value === 'object' && value !== null && options.frames) {
    try {
      frames = options.frames(value).slice(0, MAX_FRAMES);
    } catch {
      frames = [];
    }
  }
  return [clip(explainSesMessage(head), MAX_MESSAGE_CHARS), ...frames.map((f) => `    ${f}`)].join('\n');
}

function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `thrown string: ${JSON.stringify(clip(value, MAX_PREVIEW_CHARS))}`;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
    case 'undefined':
      // String() on a primitive never runs user code (Symbol is safe via String(), not via `${}`).
      return `thrown ${typeof value}: ${String(value)}${typeof value === 'bigint' ? 'n' : ''}`;
    case 'function':
      return `thrown function ${readString(value, 'name') ?? '(anonymous)'}`;
    case 'object':
      return value === null ? 'thrown null' : describeObject(value);
    default:
      return 'thrown value of unknown type';
  }
}

function describeObject(value: object): string {
  const isError = guard(() => value instanceof Error, false);
  const message = readString(value, 'message');
  const name = readString(value, 'name');
  if (message !== undefined) {
    const label = name || (isError ? 'Error' : 'Error-like object');
    const text = message === '' ? label : `${label}: ${message}`;
    return isError ? text : `${text} (thrown object, not an Error)`;
  }
  if (isError) return name || 'Error';
  // Bounded, so a huge thrown object cannot turn an error report into an out-of-memory kill.
  const preview = guard(() => toJsonText(value, MAX_PREVIEW_CHARS, 'thrown object'), undefined);
  if (preview !== undefined) return `thrown object: ${preview}`;
  return `thrown object (not printable: not JSON, reading it throws, or over ${MAX_PREVIEW_CHARS} characters)`;
}

function readString(value: object, key: string): string | undefined {
  return guard(() => {
    const field: unknown = (value as Record<string, unknown>)[key];
    return typeof field === 'string' ? field : undefined;
  }, undefined);
}

function guard<T, F>(read: () => T, fallback: F): T | F {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

// SES reports the missing ambient powers with "secure mode" messages that mean little to a
// model writing candidates; say what is missing and why.
const sesExplanations: ReadonlyArray<[RegExp, string]> = [
  [/secure mode Calling %SharedDate%\.now\(\) throws/, 'Date.now() is not available in the sandbox'],
  [/secure mode Calling new %SharedDate%\(\) with no arguments throws/, 'new Date() without arguments is not available in the sandbox'],
  [/secure mode Calling %SharedDate% constructor as a function throws/, 'Date() is not available in the sandbox'],
  [/secure mode %SharedMath%\.random\(\) throws/, 'Math.random() is not available in the sandbox'],
];

const DETERMINISM_NOTE =
  ' (candidates get no clock and no randomness, so that every evaluation of the same code gives the same score; use what the harness provides instead)';

export function explainSesMessage(text: string): string {
  for (const [pattern, replacement] of sesExplanations) {
    if (pattern.test(text)) return text.replace(pattern, replacement) + DETERMINISM_NOTE;
  }
  return text;
}
