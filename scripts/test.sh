#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs what the tests need (Debian packages
# when run as root: spin and gcc for the protocol domain, bubblewrap for the command sandbox,
# rabbitmq-server for distributed runs, chromium and VS Code's build headers for the end-to-end
# tests; npm packages from the lockfile), runs `npm run check` (types and layering), builds, runs
# every unit and integration test with node's test runner under c8 (coverage is printed), then
# the end-to-end tests in a real VS Code (code-server). Ends with `tests: N passed, N failed`.
# `npm test` is the fast tier of the same tests (see scripts/test-tiers.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v spin >/dev/null 2>&1 || need_apt+=(spin)
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc)
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need_apt+=(rabbitmq-server)
if [ -f scripts/e2e-setup.sh ] && [ "${SKIP_E2E:-}" != 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
  for pkg in libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
  done
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "missing Debian packages (run as root or install them): ${need_apt[*]}" >&2
  fi
fi

npm ci --no-audit --no-fund --loglevel=error
if node -e 'process.exit(require("./package.json").scripts.check ? 0 : 1)'; then npm run check; else npm run typecheck; fi
npm run build

log=$(mktemp)
coverage=.test-tmp/coverage
trap 'rm -f "$log"' EXIT
status=0
rm -rf "$coverage"
# Coverage of src/ (and webview-ui/), also of code run from the dist/ bundles, mapped back through
# their source maps; the summary is printed, the per-file report is written to $coverage/index.html.
npx c8 --reports-dir "$coverage" --temp-directory "$coverage/v8" --reporter=text-summary --reporter=html \
  --exclude 'test/**' --exclude 'node_modules/**' --exclude 'bench/**' --exclude 'scripts/**' --exclude 'examples/**' --exclude '.test-tmp/**' \
  node scripts/run-tests.mjs --no-e2e 2>&1 | tee "$log" || status=$?
# `|| true`: a count that is absent is zero, not a reason for `set -e` to stop the script.
passed=$(grep -E '^# pass [0-9]+' "$log" | tail -1 | awk '{print $3}' || true)
failed=$(grep -E '^# fail [0-9]+' "$log" | tail -1 | awk '{print $3}' || true)
# A test cancelled by its timeout (or by a hung file) did not pass either.
cancelled=$(grep -E '^# cancelled [0-9]+' "$log" | tail -1 | awk '{print $3}' || true)
passed=${passed:-0}
failed=$((${failed:-0} + ${cancelled:-0}))
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi

if [ -f scripts/e2e-setup.sh ] && [ "${SKIP_E2E:-}" != 1 ]; then
  e2e_log=$(mktemp)
  e2e_status=0
  npm run --silent test:e2e 2>&1 | tee "$e2e_log" || e2e_status=$?
  e2e_passed=$(grep -Eo '[0-9]+ passed' "$e2e_log" | tail -1 | awk '{print $1}' || true)
  e2e_failed=$(grep -Eo '[0-9]+ failed' "$e2e_log" | tail -1 | awk '{print $1}' || true)
  passed=$((passed + ${e2e_passed:-0}))
  failed=$((failed + ${e2e_failed:-0}))
  if [ "$e2e_status" != 0 ] && [ "${e2e_failed:-0}" = 0 ]; then failed=$((failed + 1)); fi
  [ "$e2e_status" = 0 ] || status=1
  rm -f "$e2e_log"
fi

echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
