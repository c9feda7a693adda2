/** The help text of `mcsync observe` (kept apart so the parser stays short). */
export const OBSERVE_HELP = `Usage: mcsync observe RESOURCE [options] [-- COMMAND ARGS...]
       mcsync-observe RESOURCE [options] [-- COMMAND ARGS...]

Watches RESOURCE (plural, singular, short name, Kind or resource.group) and reacts to every change:
runs COMMAND like 'oc observe' does, or runs a playbook in-process (--playbook). Each object is
handled first as a Sync event (initial list, and every --resync-period), then Added, Updated, Deleted.
COMMAND gets: ARGS... [namespace] name <rendered --template as one argument, '' without one>.

Cluster:
      --kubeconfig FILE        kubeconfig file (default: KUBECONFIG, ~/.kube/config)
      --context NAME           kubeconfig context
  -i, --inventory PATH         inventory (repeatable); with it the cluster is an inventory host
      --host NAME              the inventory host to observe (default: the single host of group master)
      --hosts PATTERN          observe every host matching PATTERN (keys carry the host name)
  -n, --namespace NS           namespace (default: the context's namespace, else default)
  -A, --all-namespaces         observe every namespace
  -l, --selector SELECTOR      label selector (key=value,key!=value,key)
      --field-selector SEL     field selector

oc observe flags:
  -a, --argument TEMPLATE      argument template (repeatable; joined with a space; old name of --template)
      --template TEMPLATE      argument template, in the format of --output
  -o, --output FORMAT          jsonpath (default), jsonpath=TEMPLATE, go-template, go-template=TEMPLATE
      --allow-missing-template-keys[=BOOL]  a missing key renders empty (default true)
      --names CMD              prints the known names (ns/name per line); repeat to add arguments
  -d, --delete CMD             runs for deleted objects with [namespace] name; repeat to add arguments
      --resync-period DUR      re-run every object as a Sync event this often (Go duration: 30s, 5m)
      --watch-silence-timeout DUR  restart a watch silent this long, not even a bookmark (default 90s)
      --once                   exit 0 once the initial list has been processed
      --exit-after DUR         exit 0 after DUR (the current item finishes first)
      --maximum-errors N       exit after N failed commands (default 20; -1: no maximum)
      --retry-on-exit-code N   retry a command that exits N, up to --retry-count times
      --retry-count N          retries for --retry-on-exit-code (default 2)
      --type-env-var NAME      set NAME to the event type (Sync, Added, Updated, Deleted)
      --object-env-var NAME    set NAME to the object as JSON
      --listen-addr ADDR       serve /metrics, /healthz, /healthz/ready (default :11251; '' disables)
      --print-metrics-on-exit  print the metrics on exit
  -q, --quiet                  do not print a line per event

mcsync:
      --workers N              keys processed in parallel (default 1); one key never runs twice at once
      --playbook PLAYBOOK      run PLAYBOOK in-process per change, with extra var 'observed'
  -e, --extra-vars VARS        extra vars for --playbook (repeatable)
      --vault-password-file FILE  vault password for --playbook (FILE's content, or its output)
      --vault-id [LABEL@]SOURCE   vault secret for --playbook (repeatable; file, executable or prompt)
      --ask-vault-pass         ask for the vault password on the terminal, once at start
      --when-annotation K[=V]  only run --playbook for objects with this annotation (deletes still run)
      --prune                  after the first list, each relist and each resync, delete the copies
                               whose source is gone or no longer selected (default: report them)
      --watch-files            reload the playbook, its vars files and the inventory when they change
      --leader-elect           only the holder of a Lease observes (replicas in a Deployment)
      --lease-name NAME        the Lease (default mcsync-observe)
      --lease-namespace NS     its namespace (default: the observed namespace, else default)
      --lease-duration DUR     default 15s; --renew-deadline 10s; --retry-period 2s
      --identity ID            this replica's name in the Lease (default hostname-pid)
  -v, --verbose                -v the full task output of each playbook run
  -h, --help                   show this help

Exit codes: 0 done (--once, --exit-after, SIGTERM/SIGINT), 1 --maximum-errors reached or the watch
failed too often, 4 invalid playbook/inventory, 5 bad option.

Examples:
  mcsync observe imagestreams --all-namespaces -a '{ .metadata.annotations.sync }' -- ./watch.sh
  mcsync observe imagestreams -A -i inventory --playbook playbooks/watch.yml --when-annotation sync=me
  mcsync observe nodes -a '{ .status.addresses[0].address }' --names ./known.sh --delete ./remove.sh -- ./add.sh`;
