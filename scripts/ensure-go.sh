#!/usr/bin/env bash
# Makes a Go toolchain able to build tools/sandbox-cluster available and prints the directory to
# prepend to PATH, as scripts/ensure-node.sh does for Node.
#
#   export PATH="$(scripts/ensure-go.sh):$PATH"
#
# In order: the `go` on PATH, then go.dev's install location (/usr/local/go/bin), when it is Go
# 1.21 or newer (those fetch the go.mod's toolchain themselves); else the toolchain that go.mod
# names, installed once into ~/.cache/mcsync/go-<version> from the Go module proxy
# (golang.org/toolchain, the module the go command itself downloads when it switches toolchains),
# its content checked against the checksum database's hash for that module version. Debian's
# golang-go is 1.19 on bookworm: too old to switch toolchains, so it is not used.
set -euo pipefail
cd "$(dirname "$0")/.."

want="$(awk '$1 == "go" { print $2; exit }' tools/sandbox-cluster/go.mod)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/mcsync/go-$want"

# True when $1 is a go of 1.21 or newer.
go_ok() {
  local version major minor
  version="$("$1" env GOVERSION 2>/dev/null)" || return 1
  version="${version#go}"
  major="${version%%.*}"
  minor="${version#*.}"
  minor="${minor%%[.a-z]*}"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major > 1 || (major == 1 && minor >= 21)))
}

# go.dev's installer puts Go in /usr/local/go, often without adding it to PATH (tests point
# MCSYNC_STANDARD_GO elsewhere).
standard="${MCSYNC_STANDARD_GO:-/usr/local/go/bin/go}"
for candidate in "$(command -v go 2>/dev/null || true)" "$standard" "$cache/go/bin/go"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && go_ok "$candidate"; then
    dirname "$candidate"
    exit 0
  fi
done

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *)
    echo "ensure-go: no Go toolchain for $(uname -m); install Go $want from https://go.dev/dl/" >&2
    exit 1
    ;;
esac
module="golang.org/toolchain"
version="v0.0.1-go$want.linux-$arch"
# The first proxy of GOPROXY (a list separated by commas or pipes), as the go command would ask.
proxy="${GOPROXY:-https://proxy.golang.org}"
proxy="${proxy%%[,|]*}"
[ "$proxy" = direct ] || [ "$proxy" = off ] && proxy=https://proxy.golang.org
proxy="${proxy%/}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ensure-go.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "ensure-go: installing Go $want ($module@$version from $proxy) into $cache" >&2
curl -fsSL --retry 3 -o "$tmp/toolchain.zip" "$proxy/$module/@v/$version.zip"
# The checksum database's line for the module zip: "golang.org/toolchain VERSION h1:HASH".
expected="$(curl -fsSL --retry 3 "$proxy/sumdb/sum.golang.org/lookup/$module@$version" |
  awk -v m="$module" -v v="$version" '$1 == m && $2 == v { print $3; exit }')"
if [ -z "$expected" ]; then
  echo "ensure-go: the checksum database has no hash for $module@$version (asked $proxy/sumdb)" >&2
  exit 1
fi
mkdir -p "$tmp/x"
unzip -q "$tmp/toolchain.zip" -d "$tmp/x"
# dirhash's h1: the SHA-256 of the lines "SHA256  NAME" of every file, sorted by name, in base64.
actual="h1:$(cd "$tmp/x" && find . -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 sha256sum |
  sha256sum | cut -d' ' -f1 | xxd -r -p | base64)"
if [ "$actual" != "$expected" ]; then
  echo "ensure-go: $module@$version hashes to $actual, the checksum database says $expected; not installed" >&2
  exit 1
fi
# The module zip drops file modes: the go command restores them when it unpacks a toolchain.
chmod +x "$tmp/x/$module@$version"/bin/* "$tmp/x/$module@$version"/pkg/tool/*/*
rm -rf "$cache"
mkdir -p "$cache"
mv "$tmp/x/$module@$version" "$cache/go"
echo "$cache/go/bin"
