// Uses most of the memory limit and returns normally, leaving it all behind for the GC (or, in the
// worst case, resident in the worker). The next candidate in the worker must not pay for it.
let kept;
export function run(megabytes) {
  kept = [];
  for (let i = 0; i < megabytes; i += 8) kept.push(new Uint8Array(8 * 1024 * 1024).fill(1));
  return kept.length;
}
