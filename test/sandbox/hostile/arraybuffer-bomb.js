// ArrayBuffer memory lives outside the V8 heap, so --max-old-space-size does not bound it.
// Filling the buffers makes the pages resident.
export function run() {
  const hold = [];
  for (;;) hold.push(new Uint8Array(32 * 1024 * 1024).fill(7));
}
