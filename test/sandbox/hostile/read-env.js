// Tries to read secrets from the environment.
export function run() {
  return process.env.OPENAI_API_KEY;
}

export function probe() {
  return typeof process;
}
