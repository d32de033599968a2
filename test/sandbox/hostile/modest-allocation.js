// An innocent candidate that needs a fair share of the memory limit for a moment.
export function run(megabytes) {
  const hold = [];
  for (let i = 0; i < megabytes; i += 8) hold.push(new Uint8Array(8 * 1024 * 1024).fill(2));
  return hold.length;
}
