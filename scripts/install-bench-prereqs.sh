#!/usr/bin/env bash
# Installs what `npm run bench` needs for its Ansible baseline, when missing: Debian's `ansible`
# (ansible-core plus the community collections, kubernetes.core among them) and `python3-kubernetes`
# (the Python client kubernetes.core.k8s imports), and fonts-dejavu-core for the chart. Needs root; prints what it would do otherwise.
# Then checks that the kubernetes.core collection is there, and that a kubectl runs for the kubectl
# peer ($MCSYNC_BENCH_KUBECTL, else kubectl on PATH; Debian bookworm has no kubectl package: one
# built from the Go module proxy, `go install k8s.io/kubernetes/cmd/kubectl@v1.36.3` with the
# replaces of tools/sandbox-cluster/go.mod, or any kubectl within the skew of v1.36 will do).
set -euo pipefail
need=()
command -v ansible-playbook >/dev/null 2>&1 || need+=(ansible)
/usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1 || need+=(python3-kubernetes)
# The chart's text (resvg reads system fonts).
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-bench-prereqs: missing Debian packages: ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "install-bench-prereqs: apt-get install -y ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if ! ansible-galaxy collection list kubernetes.core 2>/dev/null | grep -q '^kubernetes\.core '; then
  echo "install-bench-prereqs: the kubernetes.core collection is missing (ansible-galaxy collection list kubernetes.core)" >&2
  exit 1
fi
if ! "${MCSYNC_BENCH_KUBECTL:-kubectl}" version --client >/dev/null 2>&1; then
  echo "install-bench-prereqs: no kubectl for the kubectl peer (set MCSYNC_BENCH_KUBECTL or put kubectl on PATH)" >&2
  exit 1
fi
