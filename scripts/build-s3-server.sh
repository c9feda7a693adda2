#!/usr/bin/env bash
# Builds versitygw (an S3-compatible gateway; its posix backend serves a local directory)
# from the Go module proxy, once per version, into the user's cache, and prints the
# binary's path. Later calls only print it. Used by test/support/s3-server.ts and
# bench/failover.ts. With --cached-only it never builds: it prints the path and exits 0
# if the binary is cached, else exits 1.
set -euo pipefail
cached_only=false
[[ "${1:-}" == "--cached-only" ]] && cached_only=true

version="${MCSYNC_VERSITYGW_VERSION:-v1.8.0}"
out_dir="${XDG_CACHE_HOME:-$HOME/.cache}/mcsync/versitygw-${version}"
bin="$out_dir/versitygw"

if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi
if $cached_only; then
  exit 1
fi
# Go from scripts/ensure-go.sh: the machine's when it can switch to go.mod's toolchain, else one
# installed once into the cache.
if ! go_bin="$(bash "$(dirname "$0")/ensure-go.sh")"; then
  echo "build-s3-server: no Go toolchain (scripts/ensure-go.sh failed; see above); install Go from https://go.dev/dl/" >&2
  exit 3
fi
PATH="$go_bin:$PATH"

mkdir -p "$out_dir"
echo "build-s3-server: building github.com/versity/versitygw ${version} (first time: a minute or two)..." >&2
tmp="$(mktemp -d "$out_dir/gobin.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" GOFLAGS="-trimpath" CGO_ENABLED=0 \
  go install -ldflags "-s -w" "github.com/versity/versitygw/cmd/versitygw@${version}"
mv -f "$tmp/versitygw" "$bin"
echo "$bin"
