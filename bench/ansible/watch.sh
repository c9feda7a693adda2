#!/usr/bin/env bash
# The seed's watch.sh: called by `oc observe` (here `mcsync observe`, the same contract) as
#   watch.sh NAMESPACE NAME ANNOTATION-VALUE
# for every change of an imagestream; runs the playbook for that one object when the object is
# annotated sync=me. BENCH_INVENTORY names the inventory (bench/run.ts sets it).
#   mcsync observe imagestreams -A -i DIR/inventory.yml -a '{ .metadata.annotations.sync }' -- bench/ansible/watch.sh
set -euo pipefail
namespace=$1 name=$2 value=${3:-}
[ "$value" = me ] || exit 0
here=$(cd "$(dirname "$0")" && pwd)
export ANSIBLE_CONFIG=${ANSIBLE_CONFIG:-$here/ansible.cfg}
exec ansible-playbook -i "${BENCH_INVENTORY:?set BENCH_INVENTORY to the inventory}" "$here/watch.yml" \
  -e "namespace=$namespace" -e "name=$name"
