// Never returns and never yields: only a SIGKILL from outside can stop it.
export function run() {
  for (;;) {
    // spin
  }
}
