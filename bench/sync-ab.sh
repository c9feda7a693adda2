#!/usr/bin/env bash
# A/B of two mcsync trees on one sandbox: the first sync and the no-op rerun of bench/sync-500.ts's
# playbook, the trees run in turn so that the machine's load falls on both alike.
#
#   node bench/sync-500.ts            # leaves its sandbox and playbooks in .sandbox-bench/
#   git worktree add /tmp/a REV_A && (cd /tmp/a && ln -s "$PWD/node_modules" && npx tsc -p tsconfig.build.json)
#   bench/sync-ab.sh /tmp/a /tmp/b [ROUNDS]
#
# Prints one line per run: wall seconds, user and system CPU seconds, peak RSS (KB), the no-op's wall
# seconds and the load average.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$("$root/scripts/ensure-node.sh"):$PATH"
dir="$root/.sandbox-bench"
a="$1" b="$2" rounds="${3:-3}"
timing="$(mktemp)"
trap 'rm -f "$timing"' EXIT

empty_slaves() {
  for host in west south; do
    for n in 0 1 2 3 4; do
      kubectl --kubeconfig "$dir/kubeconfig" --context "$host" delete namespace "bench-$n" \
        --wait=true --ignore-not-found >/dev/null
    done
  done
}

play() { "$1/bin/mcsync-play.js" "$dir/work/sync.yml" -i "$dir/inventory.yml" >/dev/null; }

run() {
  empty_slaves
  local start end noop_start
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S %M" -o "$timing" "$1/bin/mcsync-play.js" "$dir/work/sync.yml" \
    -i "$dir/inventory.yml" >/dev/null
  end=$(date +%s.%N)
  noop_start=$(date +%s.%N)
  play "$1"
  printf '%s first=%.2f s cpu(user sys KB)=%s noop=%.2f s load=%s\n' "$1" \
    "$(echo "$end - $start" | bc)" "$(cat "$timing")" "$(echo "$(date +%s.%N) - $noop_start" | bc)" \
    "$(cut -d' ' -f1 /proc/loadavg)"
}

for _ in $(seq "$rounds"); do
  run "$a"
  run "$b"
done
