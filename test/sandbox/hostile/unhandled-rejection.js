export function run() {
  Promise.reject(new Error('nobody handles this'));
  return 'still fine';
}
