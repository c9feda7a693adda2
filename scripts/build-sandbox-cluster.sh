#!/usr/bin/env bash
# Builds tools/sandbox-cluster once per (Kubernetes version, source hash) into the
# user's cache and prints the binary's path. Later calls only print the path.
# A cold build compiles kube-apiserver and the kubelet (its `node` subcommand) from
# Go modules: minutes, not seconds. The static pod-sandbox program (pause/) is built
# next to it, for sandbox nodes.
# With --cached-only it never builds: it prints the path and exits 0 if the binary
# is cached, else exits 1 (callers use it to know whether `go` is needed).
set -euo pipefail
cached_only=false
[[ "${1:-}" == "--cached-only" ]] && cached_only=true

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/tools/sandbox-cluster"

k8s_version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v1\./ { print $2; exit }' "$src/go.mod")"
if [[ -z "$k8s_version" ]]; then
  echo "build-sandbox-cluster: cannot find the k8s.io/kubernetes version in $src/go.mod" >&2
  exit 3
fi
hash="$(cd "$src" && cat go.mod go.sum ./*.go pause/*.go | sha256sum | cut -c1-12)"
out_dir="${XDG_CACHE_HOME:-$HOME/.cache}/mcsync/sandbox-${k8s_version}-${hash}"
bin="$out_dir/sandbox-cluster"

if [[ -x "$bin" && -x "$out_dir/pause" ]]; then
  echo "$bin"
  exit 0
fi
if $cached_only; then
  exit 1
fi
# Go from scripts/ensure-go.sh: the machine's when it can switch to go.mod's toolchain, else one
# installed once into the cache.
if ! go_bin="$(bash "$(dirname "$0")/ensure-go.sh")"; then
  echo "build-sandbox-cluster: no Go toolchain (scripts/ensure-go.sh failed; see above); install Go from https://go.dev/dl/" >&2
  exit 3
fi
PATH="$go_bin:$PATH"

minor="${k8s_version#v1.}"
minor="${minor%%.*}"
pkg="k8s.io/component-base/version"
ldflags="-s -w -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
ldflags="$ldflags -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"

mkdir -p "$out_dir"
echo "build-sandbox-cluster: building kube-apiserver $k8s_version (cold builds take minutes)..." >&2
tmp="$bin.tmp.$$"
(cd "$src" && GOFLAGS="-trimpath -mod=readonly" go build -ldflags "$ldflags" -o "$tmp" .)
(cd "$src" && CGO_ENABLED=0 GOFLAGS="-trimpath -mod=readonly" go build -ldflags "-s -w" -o "$out_dir/pause.tmp.$$" ./pause)
mv -f "$out_dir/pause.tmp.$$" "$out_dir/pause"
mv -f "$tmp" "$bin"
echo "$bin"
