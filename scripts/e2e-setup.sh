#!/usr/bin/env bash
# Installs code-server (VS Code 1.100 in a browser) for the end-to-end tests, offline-safe: its
# normal install downloads ripgrep from GitHub, so scripts are skipped and the native modules are
# rebuilt by hand. The install is cached outside the repository and reused when complete.
# Prints the install folder on its last line.
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${POLICY_EVOLVER_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/policy-evolver-e2e}"
DEST="$CACHE/code-server-$VERSION"
STAMP="$DEST/.installed"

if [ -f "$STAMP" ]; then
  echo "$DEST"
  exit 0
fi

missing=()
for tool in rg chromium node npm; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
for header in /usr/include/krb5.h /usr/include/X11/extensions/XKBfile.h /usr/include/libsecret-1/libsecret/secret.h; do
  [ -f "$header" ] || missing+=("$header")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e-setup: missing ${missing[*]}; install them with:" >&2
  echo "  apt-get update && apt-get install -y libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev ripgrep chromium" >&2
  exit 1
fi

rm -rf "$DEST" "$DEST.tmp"
mkdir -p "$DEST.tmp"
cd "$DEST.tmp"
echo "e2e-setup: fetching code-server@$VERSION" >&2
npm pack "code-server@$VERSION" --silent >/dev/null
tar -xzf "code-server-$VERSION.tgz" --strip-components=1
rm "code-server-$VERSION.tgz"

quiet_install() { (cd "$1" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null); }
echo "e2e-setup: installing dependencies (about a minute)" >&2
quiet_install .
quiet_install lib/vscode
quiet_install lib/vscode/extensions
(cd lib/vscode && npm_config_yes=true npm rebuild kerberos @parcel/watcher @vscode/deviceid @vscode/spdlog native-watchdog node-pty --loglevel=error >/dev/null)
mkdir -p lib/vscode/node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" lib/vscode/node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules lib/vscode/node_modules.asar
npm rebuild argon2 --loglevel=error >/dev/null

cd "$CACHE"
mv "$DEST.tmp" "$DEST"
touch "$STAMP"
echo "$DEST"
