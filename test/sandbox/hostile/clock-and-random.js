// Reads the clock and unseeded randomness, which would make scores irreproducible.
export function now() {
  return Date.now();
}
export function newDate() {
  return new Date().getTime();
}
export function random() {
  return Math.random();
}
export function randoms(n) {
  return Array.from({ length: n }, () => Math.random());
}
export function fixedDate() {
  return new Date(0).toISOString();
}
