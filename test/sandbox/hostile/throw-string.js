export function run() {
  throw 'boom';
}
