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
# TAG is the package version plus a hash of what the image holds (compiled code, bin, roles,
# playbooks, vars, deploy, package files, the runtime layer), so an unchanged image is not rebuilt.
# The runtime stage is built once per package-lock.json and src/ is compiled here with the
# repository's TypeScript (npm ci first), so a code change rebuilds only the last stage. Pushing
# uses DIR/registry-auth.json and the sandbox CA (DIR/certs): the password never appears on a
# command line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/buildah-store.sh
source "$root/scripts/buildah-store.sh"

sandbox="" base=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sandbox) sandbox="${2:?--sandbox needs a directory}"; shift 2 ;;
    --base) base="${2:?--base needs an image}"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
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
cache="${XDG_CACHE_HOME:-$HOME/.cache}/mcsync"
# Hash of files, by their paths relative to the directory DIR it is run in: hash_files DIR PATH...
hash_files() { (cd "$1" && shift && find "$@" -type f -print0 | sort -z | xargs -0 sha256sum); }

# Behind a TLS-inspecting proxy the host trusts an extra CA (NODE_EXTRA_CA_CERTS); the build stage's
# npm needs it too. It is mounted for the build only, never copied into a layer.
ca_args=()
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -f "$NODE_EXTRA_CA_CERTS" ]]; then
  ca_args=(--volume "$NODE_EXTRA_CA_CERTS:/run/mcsync-build-ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/mcsync-build-ca.crt)
fi
build() { "${bah[@]}" build --quiet "${ca_args[@]}" --build-arg "BASE=$base" -f "$root/deploy/Containerfile" "$@" "$root" >&2; }

# 1. The Containerfile's `runtime` stage (skopeo, the user, production node_modules): the slow,
#    network-bound part, kept per base, stage text and package-lock.json.
runtime_hash="$( { echo "$base"; sed -n '/^FROM ${BASE} AS runtime/,/^FROM /p' "$root/deploy/Containerfile"; \
  cat "$root/package-lock.json"; } | sha256sum | cut -c1-12)"
runtime_ref="localhost/mcsync/observer-runtime:$runtime_hash"
if ! "${bah[@]}" inspect --type image "$runtime_ref" >/dev/null 2>&1; then
  echo "build-image: building $runtime_ref (production node_modules, skopeo) on $base..." >&2
  build --target runtime -t "$runtime_ref"
fi

# 2. The code, compiled and bundled here (the `build` stage's job) once per source tree, with the
#    repository's TypeScript and esbuild. --noCheck: only the JavaScript is needed, type checking is the tests' job
#    (npx tsc --noEmit). Without source maps: they would name this machine's paths, and the
#    image has no sources for them.
src_hash="$(hash_files "$root" package-lock.json tsconfig.json tsconfig.build.json src scripts/precompile-validators.ts \
  scripts/bundle.ts | sha256sum | cut -c1-12)"
code="$cache/image-code/$src_hash"
if [[ ! -d "$code/src/dist" ]]; then
  [[ -f "$root/node_modules/typescript/bin/tsc" ]] || { echo "build-image: TypeScript not installed; run npm ci first" >&2; exit 3; }
  echo "build-image: compiling src/ for the image..." >&2
  trap 'rm -rf "$code.tmp.$$"' EXIT
  (cd "$root" && node node_modules/typescript/bin/tsc -p tsconfig.build.json --noCheck --sourceMap false \
    --outDir "$code.tmp.$$/src/dist")
  # The rest of `npm run build`: the precompiled validators and the bundle bin/ runs.
  (cd "$root" && node scripts/precompile-validators.ts "$code.tmp.$$/src/dist/generated" >/dev/null \
    && node scripts/bundle.ts "$code.tmp.$$/src/dist")
  mv -T "$code.tmp.$$" "$code" 2>/dev/null || true  # a parallel build may have won; the trap removes ours
  # Keep the three newest trees.
  ls -1dt "$cache/image-code"/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
fi

# 3. The image: the runtime plus what the last stage copies. Its tag hashes exactly that, so a
#    change that leaves the compiled code and the shipped files alone builds nothing.
files_hash="$( { hash_files "$root" package.json package-lock.json bin roles playbooks vars deploy; \
  hash_files "$code/src" dist; echo "$runtime_ref"; } | sha256sum | cut -c1-12)"
tag="$version-$files_hash"
local_ref="localhost/mcsync/observer:$tag"
if ! "${bah[@]}" inspect --type image "$local_ref" >/dev/null 2>&1; then
  echo "build-image: building $local_ref on $runtime_ref..." >&2
  build --build-context "runtime=container-image://$runtime_ref" --build-context "build=$code" -t "$local_ref"
  # vfs stores every image as full copies of its layers (~570 MB each): keep the newest few.
  for keep in "localhost/mcsync/observer 3" "localhost/mcsync/observer-runtime 2"; do
    read -r repo count <<<"$keep"
    "${bah[@]}" images --noheading --format '{{.Name}}:{{.Tag}}' --filter "reference=$repo" \
      | tail -n +"$((count + 1))" | xargs -r "${bah[@]}" rmi >/dev/null 2>&1 || true
  done
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
