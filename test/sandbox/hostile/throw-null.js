export function run() {
  throw null;
}
