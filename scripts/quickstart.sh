#!/usr/bin/env bash
# Installs Policy Evolver from this checkout and runs the main job on the embedded defaults (no API
# key): evolve the FaaS `priority` policy with the built-in `mutate` generator on the default
# traces, ending with the gain over Eudoxia's `priority` policy on validation and holdout traces.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Policy Evolver needs Node.js 20 or later with npm (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Policy Evolver needs Node.js 20 or later; this is $(node --version)" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
exec node dist/cli.js evolve examples/faas/priority.ts --budget "${BUDGET:-400}" --seed "${SEED:-1}" "$@"
