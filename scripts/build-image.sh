#!/usr/bin/env bash
# Builds the mcsync observer image from deploy/Containerfile with buildah (vfs storage, chroot
# isolation: no daemon, no overlay, no user namespaces) and prints the image reference as the
# last line of its output.
#
#   scripts/build-image.sh                      # on the public node:24-slim base; prints localhost/mcsync/observer:TAG
#   scripts/build-image.sh --sandbox .sandbox   # on the local base (scripts/build-base-image.sh), pushed to the
#                                               # master registry of that sandbox; prints 127.0.0.1:PORT/mcsync/observer:TAG
#   scripts/build-image.sh --base IMAGE         # any other Debian-based Node 24 image
#
# TAG is the package version plus a hash of the files the image holds, so an unchanged tree is
# not rebuilt. Pushing uses DIR/registry-auth.json and the sandbox CA (DIR/certs): the password
# never appears on a command line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/buildah-store.sh
source "$root/scripts/buildah-store.sh"

sandbox="" base=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sandbox) sandbox="${2:?--sandbox needs a directory}"; shift 2 ;;
    --base) base="${2:?--base needs an image}"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "build-image: unknown option $1 (see --help)" >&2; exit 5 ;;
  esac
done
command -v buildah >/dev/null 2>&1 || { echo "build-image: 'buildah' not found; install it with: apt-get install -y buildah" >&2; exit 3; }

if [[ -n "$sandbox" ]]; then
  state="$sandbox/state.json"
  [[ -f "$state" ]] || { echo "build-image: no sandbox in $sandbox (run: mcsync sandbox up --dir $sandbox)" >&2; exit 3; }
  [[ -n "$base" ]] || base="$("$root/scripts/build-base-image.sh" | tail -1)"
fi
base="${base:-docker.io/library/node:24-slim}"

version="$(node -p "require('$root/package.json').version")"
files_hash="$(cd "$root" && find package.json package-lock.json tsconfig.json tsconfig.build.json src bin roles playbooks vars deploy \
  -type f -print0 | sort -z | xargs -0 sha256sum | { cat; echo "$base"; } | sha256sum | cut -c1-12)"
tag="$version-$files_hash"
local_ref="localhost/mcsync/observer:$tag"

# Behind a TLS-inspecting proxy the host trusts an extra CA (NODE_EXTRA_CA_CERTS); the build stage's
# npm needs it too. It is mounted for the build only, never copied into a layer.
ca_args=()
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -f "$NODE_EXTRA_CA_CERTS" ]]; then
  ca_args=(--volume "$NODE_EXTRA_CA_CERTS:/run/mcsync-build-ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/mcsync-build-ca.crt)
fi
if ! "${bah[@]}" inspect --type image "$local_ref" >/dev/null 2>&1; then
  echo "build-image: building $local_ref on $base..." >&2
  "${bah[@]}" build --quiet "${ca_args[@]}" --build-arg "BASE=$base" -f "$root/deploy/Containerfile" -t "$local_ref" "$root" >&2
fi

if [[ -z "$sandbox" ]]; then
  echo "$local_ref"
  exit 0
fi
registry="$(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`127.0.0.1:${s.clusters[0].registryPort}`);' "$state")"
remote="$registry/mcsync/observer:$tag"
echo "build-image: pushing to $remote..." >&2
"${bah[@]}" push --quiet --authfile "$sandbox/registry-auth.json" --cert-dir "$sandbox/certs" "$local_ref" "docker://$remote" >&2
echo "$remote"
