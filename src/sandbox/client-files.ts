import { stringify } from 'yaml';

/** What clients need to reach one sandbox cluster and its registry. */
export interface ClusterEndpoint {
  name: string;
  apiUrl: string;
  adminTokenFile: string;
  caFile: string;
  registry: string;
  registryUsername: string;
  registryPasswordFile: string;
}

function hostVars(c: ClusterEndpoint): Record<string, string> {
  return {
    api_url: c.apiUrl,
    token_file: c.adminTokenFile,
    ca_file: c.caFile,
    registry: c.registry,
    registry_ca_file: c.caFile,
    registry_username: c.registryUsername,
    registry_password_file: c.registryPasswordFile,
  };
}

/**
 * Ansible-style YAML inventory of the sandbox: `master` is the first cluster,
 * `slaves` the others, `hubs` all of them (the seed PoC's groups), with the
 * connection variables DESIGN.md defines. Paths are absolute so the file works
 * from any directory.
 */
export function renderInventory(clusters: readonly ClusterEndpoint[]): string {
  const hosts = (list: readonly ClusterEndpoint[]): Record<string, Record<string, string>> =>
    Object.fromEntries(list.map((c) => [c.name, hostVars(c)]));
  const names = (list: readonly ClusterEndpoint[]): Record<string, Record<string, never>> =>
    Object.fromEntries(list.map((c) => [c.name, {}]));
  const [master, ...slaves] = clusters;
  const inventory = {
    all: {
      children: {
        master: { hosts: master ? hosts([master]) : {} },
        slaves: { hosts: hosts(slaves) },
        hubs: { hosts: names(clusters) },
      },
    },
  };
  return `# Written by \`mcsync sandbox up\`; regenerated on every up.\n${stringify(inventory)}`;
}

/** A kubeconfig with one context per cluster named like the inventory host, admin token by file. */
export function renderKubeconfig(clusters: readonly ClusterEndpoint[]): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': clusters[0]?.name ?? '',
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.apiUrl, 'certificate-authority': c.caFile },
    })),
    users: clusters.map((c) => ({ name: `${c.name}-admin`, user: { tokenFile: c.adminTokenFile } })),
    contexts: clusters.map((c) => ({ name: c.name, context: { cluster: c.name, user: `${c.name}-admin` } })),
    preferences: {},
  };
  return `# Written by \`mcsync sandbox up\`.\n${stringify(config)}`;
}
