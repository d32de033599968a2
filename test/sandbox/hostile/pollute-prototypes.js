// Tries to change shared built-ins so that a later candidate in the same worker misbehaves.
export function run() {
  const results = {};
  const attempt = (name, action) => {
    try {
      action();
      results[name] = 'changed';
    } catch {
      results[name] = 'threw';
    }
  };
  attempt('objectPrototype', () => { Object.prototype.polluted = 'yes'; });
  attempt('arrayPush', () => { Array.prototype.push = function () { return 'hijacked'; }; });
  attempt('stringTrim', () => { Object.defineProperty(String.prototype, 'trim', { value: () => 'hijacked' }); });
  attempt('jsonParse', () => { JSON.parse = () => 'hijacked'; });
  attempt('mathMax', () => { Math.max = () => 'hijacked'; });
  attempt('objectKeys', () => { Object.keys = () => ['hijacked']; });
  attempt('protoSwap', () => { Object.setPrototypeOf(Array.prototype, null); });
  // The compartment's own global object is writable, but belongs to this candidate only.
  attempt('ownGlobal', () => { globalThis.leaked = 'yes'; });
  return results;
}
