// Returns normally but leaves a promise chain that never yields to the event loop, so the
// worker can no longer read messages. The next job on this worker must not be blamed.
export function run() {
  const spin = () => Promise.resolve().then(spin);
  spin();
  return 'done';
}
