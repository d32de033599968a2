// Which test files the fast tier (`npm test`) leaves out; the full test command (scripts/test.sh)
// runs every file. A file is slow when it needs more than node (a RabbitMQ broker, Chromium, large
// Spin models, whole CLI runs against each other) and its measured time shows it: node's test
// runner prints duration_ms per file, and scripts/run-tests.mjs prints the slowest files after
// each run. Times below: one file at a time, 2 cores shared with other work (2026-12-07).
export const SLOW_TESTS = {
  'test/cli/bad-input.test.ts': 'CLI runs over every kind of bad input (187 s)',
  'test/evaluators/protocol/evolve.test.ts': 'evolution runs through Spin (99 s)',
  'test/evaluators/protocol/lazy-receipts.test.ts': 'lazy and eager Spin encodings compared on generated tables (85-300 s)',
  'test/evaluators/protocol/verify-examples.test.ts': 'every example protocol through Spin (90 s)',
  'test/generators/llm/reject.test.ts': 'CLI runs against a loopback model server (90 s)',
  'test/cli/run-store.test.ts': 'CLI runs, concurrent resumes, a full disk (74 s)',
  'test/transport/cluster.test.ts': 'RabbitMQ, coordinator and worker processes (68 s)',
  'test/generators/llm/run-failures.test.ts': 'CLI runs against a loopback model server (65 s)',
  'test/generators/llm/endpoints.test.ts': 'CLI runs against loopback model servers (62 s)',
  'test/transport/restart.test.ts': 'RabbitMQ restarted mid-run (59 s)',
  'test/cli/command-sandbox.test.ts': 'CLI runs in bubblewrap, kill -9 of the CLI (49 s)',
  'test/generators/llm/bandit-resume.test.ts': 'CLI runs against a loopback model server, kill and resume (48 s)',
  'test/architecture/layers.test.ts': 'dependency-cruiser over injected trees; `npm run check` enforces the layers itself (48 s)',
  'test/cli/cli.test.ts': 'whole CLI runs (42 s)',
  'test/generators/llm/context-window.test.ts': 'CLI runs against a loopback model server (41 s)',
  'test/server/run-failure.test.ts': 'language-server runs that fail (39 s)',
  'test/generators/llm/money.test.ts': 'CLI runs against a loopback model server (39 s)',
  'test/transport/poison.test.ts': 'RabbitMQ, crashing workers (36 s)',
  'test/cli/kill-resume.test.ts': 'two whole runs and a resume (30 s)',
  'test/transport/pool.test.ts': 'RabbitMQ (24 s)',
  'test/generators/llm/prompt-teaching.test.ts': 'CLI runs against a loopback model server (23 s)',
  'test/evaluators/protocol/cli.test.ts': 'CLI runs through Spin (22 s)',
  'test/sandbox/isolation.test.ts': 'whole runs of hostile candidates through the pool (20 s)',
  'test/generators/llm/cli-evolve.test.ts': 'CLI runs against a loopback model server (18 s)',
  'test/webview/layout.test.ts': 'Chromium at three widths (14 s)',
  'test/webview/review-app.test.ts': 'Chromium (13 s)',
};

/** The fast tier: every file not listed above. */
export function isFast(file) {
  return !Object.hasOwn(SLOW_TESTS, file.replaceAll('\\', '/'));
}
