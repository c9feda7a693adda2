/**
 * The text of the files `mcsync init` writes, as pure functions of what it found. The vars files
 * hold every key of the seed's shapes (roles/create, roles/sync) as commented examples: the
 * project runs as written and changes nothing until the user uncomments one.
 */
import { stringify } from 'yaml';

/** One inventory host made from one kubeconfig context. */
export interface InitHost {
  host: string;
  context: string;
}

export interface InventoryContent {
  /** The kubeconfig as the inventory names it (`~/…` or absolute). */
  kubeconfig: string;
  master: InitHost;
  slaves: readonly InitHost[];
}

/**
 * How an example line is told from an explanation: `#key:` or `#  - item` (no space after the
 * `#`, or an indent of two), never `# text`.
 */
const HOW_TO_UNCOMMENT = `# An example is a '#key:' line and the indented '#  ' lines under it: to use it, delete the '#'
# at the start of each of those lines. Keys left commented keep the role's defaults (empty).`;

/** inventory/hosts.yml: groups master and slaves, each host only `kubeconfig` + `context`. */
export function renderInventory(content: InventoryContent): string {
  const hostVars = (h: InitHost): Record<string, string> => ({
    kubeconfig: content.kubeconfig,
    context: h.context,
  });
  const hosts = (list: readonly InitHost[]): Record<string, Record<string, string>> =>
    Object.fromEntries(list.map((h) => [h.host, hostVars(h)]));
  const inventory = {
    all: {
      children: {
        master: { hosts: hosts([content.master]) },
        slaves: { hosts: hosts(content.slaves) },
      },
    },
  };
  return `# Written by \`mcsync init --from-kubeconfig\`: one host per context of ${content.kubeconfig}.
# \`master\` is the cluster objects are copied from, \`slaves\` the clusters they are copied to.
# Credentials stay in the kubeconfig (nothing of it is copied here): each host names the file and
# its context. For image copies add \`registry\` (and registry_*); see docs/inventory.md.
${stringify(inventory)}`;
}

/** vars/create.yml: what the create role makes exist on every cluster. */
export const CREATE_VARS = `# What the create role makes exist on EVERY cluster (playbooks/create.yml, playbooks/sync.yml),
# in the shapes of the 2017 proof of concept's vars/create.yml (\`user_groups\` is new).
${HOW_TO_UNCOMMENT}

# Projects: an OpenShift Project where project.openshift.io is served, else a Namespace with the
# display name and description as openshift.io/ annotations.
#projects:
#  - name: team-a
#    display: Team A
#    description: Applications of team A

# Users (user.openshift.io/v1 User; skipped, with the reason, where that API is not served).
#users:
#  - name: alice
#    fullname: Alice Example

# Groups of users (user.openshift.io/v1 Group). Not \`groups\`: that name is the inventory's.
#user_groups:
#  - name: team-a-developers
#    users: [alice]

# Permissions: one RoleBinding per entry, named mcsync-<role> in the project, bound to the
# ClusterRole <role> (add \`kind: Role\` for a Role of the project). users, groups and
# serviceaccounts are optional lists; put every subject of one role in one project in one entry.
#permissions:
#  - role: edit
#    project: team-a
#    users: [alice]
#    groups: [team-a-developers]
#  - role: system:image-puller
#    project: team-a
#    serviceaccounts: [deployer]

# Service accounts.
#serviceaccounts:
#  - name: deployer
#    project: team-a
`;

/** vars/sync.yml: what the sync role copies from the master to the slaves. */
export const SYNC_VARS = `# What the sync role copies from the master (the host of group \`master\`) to the slaves
# (playbooks/sync.yml), in the shapes of the 2017 proof of concept's vars/sync.yml.
${HOW_TO_UNCOMMENT}

# ImageStreams, by project and name.
#imagestreams:
#  - name: app
#    project: team-a

# The pull secret linked to this service account on the master (its imagePullSecrets, only those
# whose docker config names \`registryhost\` when it is not empty) is copied to each slave and linked
# to the same service account there. One mapping, as in the PoC, or a list of them.
#dockerpullsecret:
#  serviceaccount: deployer
#  project: team-a
#  registryhost: ""

# Any other objects, by selector (every key but \`kind\` optional): api_version (default v1),
# kind, namespace or namespaces, names, label_selector, annotation_selector.
#objects:
#  - kind: ConfigMap
#    namespace: team-a
#    label_selector: sync=me

# Delete objects synced earlier that are no longer selected (only objects mcsync marked).
#sync_prune: true

# A slave object that exists but was not written by mcsync: fail (default), skip or adopt.
#sync_conflict: adopt

# Per-slave changes, by host or group: a JSON merge patch (merge) or a JSON patch (json).
#sync_overrides:
#  slaves:
#    merge: {metadata: {labels: {copied-by: mcsync}}}
`;

/**
 * mcsync.yaml. `roles_path` points at the roles mcsync ships, since the project has none of its
 * own; `rolesPath` is written as given (relative to the project, or absolute).
 */
export function renderProjectConfig(rolesPath: string): string {
  return `# mcsync's settings for this project (ansible.cfg's part), read from the directory you run
# mcsync-play in. Command-line flags win over them.
inventory: inventory/
# The roles mcsync ships (create, sync, apply, copy-image, failover); add your own role folders.
roles_path:
  - ${JSON.stringify(rolesPath)}
# Hosts run in parallel per task.
#forks: 10
# Vault password for files and !vault values made by ansible-vault.
#vault_password_file: ~/.mcsync/vault-pass
`;
}
