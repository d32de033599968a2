// Grows the V8 heap until something stops it (RSS watch or the heap cap).
export function run() {
  const hold = [];
  for (;;) hold.push(new Array(1 << 20).fill(1.5));
}
