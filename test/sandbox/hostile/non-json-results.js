export function bigint() {
  return { total: 10n };
}
export function fn() {
  return { callback: () => 1 };
}
export function nan() {
  return { score: 0 / 0 };
}
export function map() {
  return new Map([['a', 1]]);
}
