// Strict, bounded JSON serialisation of a harness result inside the worker. Unlike
// JSON.stringify it refuses what JSON would silently change (functions, NaN, BigInt, Map, holes
// in arrays), names the offending path, and stops as soon as the output passes the size cap
// instead of first building a gigantic string.

export class ResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultError';
    resultErrors.add(this);
  }
}

// Recognised by identity, never with instanceof: a candidate may throw a Proxy whose
// getPrototypeOf trap throws.
const resultErrors = new WeakSet<object>();

export function isResultError(value: unknown): value is ResultError {
  return typeof value === 'object' && value !== null && resultErrors.has(value);
}

const MAX_DEPTH = 1000;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Serialises `value` as JSON text of at most `maxBytes` UTF-8 bytes, or throws a ResultError. */
export function toJsonText(value: unknown, maxBytes: number, rootName = 'result'): string {
  const writer = new BoundedWriter(maxBytes, rootName);
  writer.write(value, 0);
  const text = writer.text();
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw writer.tooLarge();
  return text;
}

class BoundedWriter {
  private readonly chunks: string[] = [];
  private chars = 0;
  private readonly path: string[] = [];
  private readonly ancestors = new Set<object>();

  constructor(
    private readonly maxBytes: number,
    private readonly rootName: string,
  ) {}

  text(): string {
    return this.chunks.join('');
  }

  tooLarge(): ResultError {
    return new ResultError(`${this.rootName} is too large: its JSON is over the ${formatBytes(this.maxBytes)} limit`);
  }

  write(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        return this.emit(JSON.stringify(value));
      case 'boolean':
        return this.emit(value ? 'true' : 'false');
      case 'number':
        if (!Number.isFinite(value)) this.fail(`is ${String(value)}, which JSON cannot represent`);
        return this.emit(JSON.stringify(value));
      case 'bigint':
        return this.fail(`is a BigInt (${String(value)}n); convert it to a number or a string`);
      case 'undefined':
        return this.fail('is undefined, which JSON cannot represent');
      case 'function':
        return this.fail('is a function, which JSON cannot represent');
      case 'symbol':
        return this.fail('is a symbol, which JSON cannot represent');
      case 'object':
        if (value === null) return this.emit('null');
        return this.writeObject(value, depth);
      default:
        return this.fail('has a type JSON cannot represent');
    }
  }

  private writeObject(value: object, depth: number): void {
    if (depth >= MAX_DEPTH) this.fail(`nests more than ${MAX_DEPTH} levels deep`);
    if (this.ancestors.has(value)) this.fail('refers back to one of its own ancestors (a cycle), which JSON cannot represent');
    const unsupported = unsupportedKind(value);
    if (unsupported) this.fail(`is a ${unsupported}, which JSON cannot represent; convert it to a plain object or array`);
    this.ancestors.add(value);
    try {
      const toJSON: unknown = this.read(() => (value as { toJSON?: unknown }).toJSON);
      if (typeof toJSON === 'function') {
        const replaced: unknown = this.read(() => toJSON.call(value, this.path.length ? this.path[this.path.length - 1] : ''));
        this.write(replaced, depth + 1);
      } else if (this.read(() => Array.isArray(value))) {
        this.writeArray(value as unknown[], depth);
      } else {
        this.writeRecord(value, depth);
      }
    } finally {
      this.ancestors.delete(value);
    }
  }

  private writeArray(value: readonly unknown[], depth: number): void {
    const length = this.read(() => value.length);
    // Every element costs at least one character, so a longer array cannot fit.
    if (length > this.maxBytes) throw this.tooLarge();
    this.emit('[');
    for (let i = 0; i < length; i++) {
      if (i > 0) this.emit(',');
      this.path.push(`[${i}]`);
      this.write(this.read(() => value[i]), depth + 1);
      this.path.pop();
    }
    this.emit(']');
  }

  private writeRecord(value: object, depth: number): void {
    const keys = this.read(() => Object.keys(value));
    this.emit('{');
    let first = true;
    for (const key of keys) {
      this.path.push(/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
      const field: unknown = this.read(() => (value as Record<string, unknown>)[key]);
      // JSON drops undefined properties; optional fields are common, so do the same.
      if (field !== undefined) {
        if (!first) this.emit(',');
        first = false;
        this.emit(JSON.stringify(key));
        this.emit(':');
        this.write(field, depth + 1);
      }
      this.path.pop();
    }
    this.emit('}');
  }

  /** Reads through candidate-controlled getters/proxies; what they throw becomes a ResultError. */
  private read<T>(get: () => T): T {
    try {
      return get();
    } catch (error) {
      if (isResultError(error)) throw error;
      this.fail(`could not be read: ${describeBriefly(error)}`);
    }
  }

  private emit(chunk: string): void {
    this.chars += chunk.length;
    // UTF-16 length never exceeds UTF-8 length, so passing the cap in characters is final.
    if (this.chars > this.maxBytes) throw this.tooLarge();
    this.chunks.push(chunk);
  }

  private fail(problem: string): never {
    throw new ResultError(`${this.rootName}${this.path.join('')} ${problem}`);
  }
}

function unsupportedKind(value: object): string | undefined {
  try {
    if (value instanceof Map) return 'Map';
    if (value instanceof Set) return 'Set';
    if (value instanceof WeakMap) return 'WeakMap';
    if (value instanceof WeakSet) return 'WeakSet';
    if (value instanceof Promise) return 'Promise (did the candidate forget to await?)';
    if (value instanceof RegExp) return 'RegExp';
    if (value instanceof Error) return 'Error';
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return 'binary buffer';
    if (value instanceof Number || value instanceof String || value instanceof Boolean) return 'boxed primitive';
  } catch {
    return 'object whose prototype cannot be read';
  }
  return undefined;
}

function describeBriefly(error: unknown): string {
  if (typeof error === 'string') return error.slice(0, 200);
  if (typeof error === 'object' && error !== null) {
    try {
      const message: unknown = (error as { message?: unknown }).message;
      if (typeof message === 'string') return message.slice(0, 200);
    } catch {
      // fall through to the generic text
    }
  }
  return 'it threw a non-Error value';
}
