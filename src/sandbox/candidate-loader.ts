// Evaluates compiled candidate code in a fresh SES Compartment per load and maps the
// candidate's stack frames back to its own source. Runs inside the locked-down worker.
import { SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import type { SesGlobals } from './ses-globals';

export interface CandidateText {
  fileName: string;
  /** CommonJS text produced by compile.ts. */
  js: string;
  /** Source map (JSON text) from `js` to the candidate source; may be empty. */
  sourceMap: string;
}

/** SES refused the compiled text before any candidate code ran; reported as a `compile` failure. */
export class CandidateRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CandidateRejectedError';
    rejections.add(this);
  }
}

// Recognised by identity, never with instanceof: a candidate may throw a Proxy whose
// getPrototypeOf trap throws.
const rejections = new WeakSet<object>();

export function isCandidateRejection(value: unknown): value is CandidateRejectedError {
  return typeof value === 'object' && value !== null && rejections.has(value);
}

export interface CandidateLoader {
  load(endowments?: Record<string, unknown>): Record<string, unknown>;
  /** Stack lines of `error` that lie in the candidate, as `at fn (file:line:col)` in its source. */
  frames(error: object): string[];
}

const MODULE_FUNCTION = 'candidateModuleBody';

type ModuleFactory = (module: { exports: unknown }, exports: unknown, require: (specifier: unknown) => never) => void;

export function createCandidateLoader(ses: SesGlobals, candidate: CandidateText): CandidateLoader {
  const sourceUrl = `sandbox-candidate/${candidate.fileName.replace(/[^\w.-]/g, '_') || 'candidate.js'}`;
  // The prefix sits on its own line so compiled line N is stack line N + 1. The function name
  // lets stack frames of top-level module code be recognised.
  const wrapped = `(function ${MODULE_FUNCTION}(module, exports, require) {\n${candidate.js}\n})\n//# sourceURL=${sourceUrl}\n`;
  const deniedRequire = ses.harden((specifier: unknown): never => {
    const name = typeof specifier === 'string' ? specifier : `(${typeof specifier})`;
    throw new Error(`imports are not allowed in candidates: '${name}'`);
  });
  let sourceMap: SourceMap | null | undefined;

  function load(endowments: Record<string, unknown> = {}): Record<string, unknown> {
    const compartment = new ses.Compartment({ __options__: true, name: candidate.fileName, globals: endowments });
    let factory: unknown;
    try {
      factory = compartment.evaluate(wrapped);
    } catch (error) {
      // Evaluating the wrapper only defines a function, so any failure here is SES rejecting
      // the text (e.g. `import(` or `<!--` inside a string), not candidate behaviour.
      throw new CandidateRejectedError(`the sandbox refused the candidate's code: ${mapLocations(messageOf(error))}`);
    }
    if (typeof factory !== 'function') throw new CandidateRejectedError('the candidate code did not compile to a module');
    const module: { exports: unknown } = { exports: {} };
    (factory as ModuleFactory)(module, module.exports, deniedRequire);
    const exported = module.exports;
    if ((typeof exported !== 'object' && typeof exported !== 'function') || exported === null) {
      throw new TypeError(`the candidate set module.exports to ${exported === null ? 'null' : typeof exported}; it must export an object or functions`);
    }
    return exported as Record<string, unknown>;
  }

  function frames(error: object): string[] {
    let stack: string;
    try {
      stack = typeof ses.getStackString === 'function' ? ses.getStackString(error) : '';
    } catch {
      return [];
    }
    const found: string[] = [];
    for (const line of stack.split('\n')) {
      const frame = /^\s*at (?:(.*?) \()?(.*):(\d+):(\d+)\)?$/.exec(line);
      if (!frame || frame[2] !== sourceUrl) continue;
      const fn = frame[1] === MODULE_FUNCTION ? '<module top level>' : frame[1]?.replace(/^Object\./, '');
      const where = originalPosition(Number(frame[3]) - 1, Number(frame[4]));
      found.push(fn ? `at ${fn} (${where})` : `at ${where}`);
    }
    return found;
  }

  function originalPosition(compiledLine: number, column: number): string {
    const map = loadedSourceMap();
    if (map && compiledLine >= 1) {
      const origin = map.findOrigin(compiledLine, column);
      if ('lineNumber' in origin) return `${candidate.fileName}:${origin.lineNumber}:${origin.columnNumber}`;
    }
    return `${candidate.fileName} (compiled):${compiledLine}:${column}`;
  }

  /** SES names rejected code as `<sourceURL>:<line>` of the wrapped text; point at the source. */
  function mapLocations(text: string): string {
    const location = new RegExp(`${sourceUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`, 'g');
    return text.replace(location, (_match, line: string) => {
      const compiledLine = Number(line) - 1;
      const map = loadedSourceMap();
      // Column past the end of the line: the last mapping on it gives the original line.
      // findEntry returns {} when nothing maps, whatever its declared type says.
      const entry: Partial<SourceMapping> | undefined = map && compiledLine >= 1 ? map.findEntry(compiledLine - 1, Number.MAX_SAFE_INTEGER) : undefined;
      if (entry?.originalLine !== undefined && entry.generatedLine === compiledLine - 1) return `${candidate.fileName}:${entry.originalLine + 1}`;
      return `${candidate.fileName} (compiled):${compiledLine}`;
    });
  }

  function loadedSourceMap(): SourceMap | null {
    if (sourceMap === undefined) sourceMap = parseSourceMap(candidate.sourceMap);
    return sourceMap;
  }

  return { load, frames };
}

function parseSourceMap(text: string): SourceMap | null {
  if (!text) return null;
  try {
    return new SourceMap(JSON.parse(text) as SourceMapPayload);
  } catch {
    return null;
  }
}

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return typeof error === 'string' ? error : 'unknown error';
}
