// The well-behaved candidate run after every hostile one.
export function add(a, b) {
  return a + b;
}
