#!/bin/sh
# Sets up what a fresh clone lacks, then runs COMMAND under Node 24. `npm test`, `npm run demo` and
# `npm run sandbox` start here, so they are the first commands a newcomer types: npm (Debian's runs
# on Node 20) only has to start this POSIX script.
#
#   sh scripts/with-setup.sh [--s3] COMMAND [ARGS...]
#
# Each step does nothing when its work is done already (the warm path costs about 0.1 s):
#   1. Debian packages: scripts/install-prereqs.sh (apt-get as root; otherwise it names the
#      missing packages and the command that installs them, and this stops)
#   2. Node >= 22.22 first on PATH: scripts/ensure-node.sh (a cached Node 24 when the system's
#      is older)
#   3. `npm ci` when node_modules is missing or is not what package-lock.json says: every package
#      of node_modules/.package-lock.json (npm's record of what it installed) present, at the
#      locked version and integrity, none missing but optional ones, none extra, and the lockfile's
#      root in step with package.json. `npm ci` also builds dist/ (the `prepare` script).
#   4. the sandbox cluster binary: scripts/build-sandbox-cluster.sh (Go from scripts/ensure-go.sh;
#      cached per source hash; skipped when MCSYNC_SANDBOX_BINARY is set)
#   5. with --s3: the local S3 server of the failover tests (scripts/build-s3-server.sh, Go)
# Set-up messages go to stderr. MCSYNC_SETUP_ONLY=1 sets up, prints the Node and the command it
# would run to stdout, and runs nothing (test/integration/setup/clean-clone.test.ts).
set -eu
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

s3=false
if [ "${1:-}" = "--s3" ]; then
  s3=true
  shift
fi
if [ $# -eq 0 ]; then
  echo "usage: sh scripts/with-setup.sh [--s3] COMMAND [ARGS...]" >&2
  exit 2
fi

# 1. Debian packages.
if ! bash scripts/install-prereqs.sh; then
  say "install the packages above (or run scripts/install-prereqs.sh as root), then run this again"
  exit 1
fi

# 2. Node 24 first on PATH for everything below, and for COMMAND.
if ! node_bin="$(bash scripts/ensure-node.sh)"; then
  say "could not make Node >= 22.22 available (scripts/ensure-node.sh failed; see above)"
  exit 1
fi
PATH="$node_bin:$PATH"
export PATH

# 3. Dependencies. The check prints why node_modules is stale and exits 1.
if ! reason="$(
  node --input-type=module - <<'EOF'
import { existsSync, readFileSync } from 'node:fs';
const read = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};
const stale = (why) => {
  console.log(why);
  process.exit(1);
};
const sorted = (deps) => JSON.stringify(Object.entries(deps ?? {}).sort());
const pkg = read('package.json');
const lock = read('package-lock.json');
const installed = read('node_modules/.package-lock.json');
if (!installed) stale('node_modules is missing');
if (!pkg || !lock?.packages) stale('package.json or package-lock.json does not parse');
const root = lock.packages[''] ?? {};
for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'])
  if (sorted(root[field]) !== sorted(pkg[field])) stale(`package.json ${field} changed since package-lock.json`);
const have = installed.packages ?? {};
for (const [key, want] of Object.entries(lock.packages)) {
  if (key === '') continue;
  const got = have[key];
  if (!got) {
    if (want.optional || want.devOptional) continue;
    stale(`${key} is not installed`);
  }
  if (got.version !== want.version || got.integrity !== want.integrity || got.link !== want.link)
    stale(`${key} is ${got.version}, package-lock.json wants ${want.version}`);
}
for (const key of Object.keys(have)) {
  if (!(key in lock.packages)) stale(`${key} is installed but not in package-lock.json`);
  if (!have[key].link && !existsSync(`${key}/package.json`)) stale(`${key} was removed`);
}
EOF
)"; then
  say "npm ci ($reason)"
  npm ci --no-audit --no-fund >&2
fi

# 4. and 5. The Go builds, each only when its cache has no binary for the current sources. Each
# build script takes Go from scripts/ensure-go.sh (the machine's, or a cached toolchain of
# go.mod's version fetched from the Go module proxy) and says what failed.
go_build() { # SCRIPT WHAT
  if bash "scripts/$1" --cached-only >/dev/null; then return 0; fi
  say "building $2 (Go; the first time takes minutes)"
  if ! bash "scripts/$1" >/dev/null; then
    say "building $2 failed (see above)"
    exit 1
  fi
}
if [ -z "${MCSYNC_SANDBOX_BINARY:-}" ]; then
  go_build build-sandbox-cluster.sh "the sandbox cluster binary (tools/sandbox-cluster)"
fi
if $s3; then
  go_build build-s3-server.sh "the local S3 server (versitygw) of the failover tests"
fi

if [ "${MCSYNC_SETUP_ONLY:-}" = "1" ]; then
  echo "ready: node $(node --version) ($(command -v node)); would run: $*"
  exit 0
fi
exec "$@"
