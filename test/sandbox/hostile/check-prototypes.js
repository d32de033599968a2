// Runs after pollute-prototypes.js in the same worker and reports what it sees.
export function run() {
  const list = [];
  return {
    polluted: ({}).polluted === undefined ? 'clean' : 'polluted',
    push: list.push(1),
    trim: '  a  '.trim(),
    json: JSON.parse('2'),
    max: Math.max(1, 3),
    keys: Object.keys({ a: 1 }),
    arrayProto: Object.getPrototypeOf(Array.prototype) === Object.prototype,
    leaked: typeof globalThis.leaked,
  };
}
