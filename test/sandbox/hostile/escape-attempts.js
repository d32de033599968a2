// Classic ways out of a JavaScript sandbox. Each attempt reports what it reached; none may
// reach the worker's `process`.
const attempts = {
  sloppyThis: () => (function () { return this; })(),
  functionConstructorThis: () => Function('return this')(),
  functionConstructorProcess: () => Function('return process')(),
  objectConstructorChain: () => ({}).constructor.constructor('return process')(),
  arrowConstructor: () => (() => 0).constructor('return process')(),
  asyncConstructor: () => (async () => 0).constructor('return process')(),
  generatorConstructor: () => (function* () {}).constructor('return process')(),
  indirectEval: () => (0, eval)('process'),
  requireConstructor: () => require.constructor('return process')(),
  moduleConstructor: () => module.constructor.constructor('return process')(),
  globalThisProcess: () => globalThis.process,
  prepareStackTrace: () => {
    Error.prepareStackTrace = (_error, frames) => frames;
    const stack = new Error('probe').stack;
    return Array.isArray(stack) ? stack.map((frame) => frame.getThis()) : stack;
  },
  captureStackTrace: () => {
    const holder = {};
    Error.captureStackTrace(holder);
    return holder.stack;
  },
};

function classify(value) {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'object' || typeof value === 'function') {
    if ('env' in value || 'mainModule' in value || 'binding' in value) return 'ESCAPED';
    if (Array.isArray(value) && value.some((v) => v && typeof v === 'object' && 'process' in v)) return 'ESCAPED';
    if ('process' in value) return 'ESCAPED';
  }
  return typeof value;
}

export function run() {
  const report = {};
  for (const [name, attempt] of Object.entries(attempts)) {
    try {
      report[name] = classify(attempt());
    } catch (error) {
      report[name] = 'threw';
    }
  }
  return report;
}
