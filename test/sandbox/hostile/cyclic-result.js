export function run() {
  const node = { name: 'root', children: [] };
  node.children.push({ name: 'child', parent: node });
  return node;
}
