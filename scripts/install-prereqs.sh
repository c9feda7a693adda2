#!/usr/bin/env bash
# Installs the Debian packages the sandbox clusters, registries and roles need, when missing:
# docker-registry (a real registry per sandbox cluster), skopeo (copy-image), openssl (sandbox
# TLS), apache2-utils (htpasswd for registry auth), ansible-core (the oracle suite, test/oracle/,
# compares mcsync with the real ansible-playbook); for the sandbox nodes and the observer image
# (`mcsync sandbox up --node`, scripts/build-image.sh): containerd, runc, containernetworking-plugins,
# iproute2, buildah and debootstrap; zsh (the completion test runs the zsh script in real zsh); unzip
# and xxd (scripts/ensure-go.sh unpacks and checks a Go toolchain when the machine has none).
# Needs root; prints what it would do otherwise.
set -euo pipefail
need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v containerd >/dev/null 2>&1 || need+=(containerd)
command -v runc >/dev/null 2>&1 || need+=(runc)
[ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v buildah >/dev/null 2>&1 || need+=(buildah)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible-core)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v xxd >/dev/null 2>&1 || need+=(xxd)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-prereqs: missing Debian packages: ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "install-prereqs: apt-get install -y ${need[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
