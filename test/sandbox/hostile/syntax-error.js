export function pick(queue) {
  const first = queue[0];
  return first +* 2;
}
