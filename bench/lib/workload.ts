/**
 * What the scenarios write: mixed-kind objects for sync (the mix of bench/sync-500.ts) and the
 * seed's vars/create.yml shape scaled to N projects.
 */
import type { KubeJson } from './cluster.ts';

/** Label on every object the sync scenarios seed on the master. */
export const SYNC_LABEL = 'bench=sync';
/** Kinds the sync scenarios copy, in the order they are written. */
export const SYNC_KINDS = ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount'];
/** Collection paths of SYNC_KINDS, for snapshots and cleanup. */
export const SYNC_PATHS = [
  '/api/v1/namespaces',
  '/api/v1/configmaps',
  '/api/v1/secrets',
  '/api/v1/services',
  '/api/v1/serviceaccounts',
];
/** Prefix of the namespaces holding the sync objects. */
export const SYNC_NS_PREFIX = 'bench-sync-';

/** Namespaces for `count` objects: 5, or one per 2,000 objects beyond 10,000. */
export function syncNamespaces(count: number): string[] {
  const n = Math.max(5, Math.ceil(count / 2000));
  return Array.from({ length: n }, (_, i) => `${SYNC_NS_PREFIX}${i}`);
}

/**
 * `count` objects spread over syncNamespaces(count), per namespace 40% ConfigMaps, 30% Secrets,
 * 15% Services and 15% ServiceAccounts, plus the namespaces themselves, all labelled bench=sync.
 */
export function mixedObjects(count: number, namespaces = syncNamespaces(count)): KubeJson[] {
  const labels = { bench: 'sync' };
  const docs: KubeJson[] = namespaces.map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels },
  }));
  const per = Math.ceil(count / namespaces.length);
  let made = 0;
  for (const namespace of namespaces) {
    for (let i = 0; i < per && made < count; i++, made++) {
      const metadata = { name: `obj-${i}`, namespace, labels };
      const slot = i % 20;
      if (slot < 8)
        docs.push({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata,
          data: { index: String(i), payload: 'x'.repeat(200) },
        });
      else if (slot < 14)
        docs.push({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata,
          type: 'Opaque',
          stringData: { password: `secret-${i}` },
        });
      else if (slot < 17)
        docs.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata,
          spec: { ports: [{ port: 80 + (i % 10), targetPort: 8080 }], selector: { app: `a${i}` } },
        });
      else docs.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata });
    }
  }
  return docs;
}

/** Prefixes of what the create scenario makes, for snapshots and cleanup. */
export const CREATE_PROJECT_PREFIX = 'bench-p-';
export const CREATE_USER_PREFIX = 'bench-u-';

/**
 * The seed's vars/create.yml scaled to `n` projects: per project one user with `edit`, a
 * service account `deployer` with `system:image-puller` (as in vars/create.yml).
 */
export function createVars(n: number): Record<string, unknown> {
  const index = Array.from({ length: n }, (_, i) => i);
  return {
    projects: index.map((i) => ({
      name: `${CREATE_PROJECT_PREFIX}${i}`,
      display: `Bench project ${i}`,
      description: 'Created by npm run bench',
    })),
    users: index.map((i) => ({ name: `${CREATE_USER_PREFIX}${i}`, fullname: `Bench User ${i}` })),
    permissions: index.flatMap((i) => [
      { role: 'edit', project: `${CREATE_PROJECT_PREFIX}${i}`, users: [`${CREATE_USER_PREFIX}${i}`] },
      { role: 'system:image-puller', project: `${CREATE_PROJECT_PREFIX}${i}`, serviceaccounts: ['deployer'] },
    ]),
    serviceaccounts: index.map((i) => ({ name: 'deployer', project: `${CREATE_PROJECT_PREFIX}${i}` })),
  };
}

/** The shape of createVars(n), for the peers that get manifests instead of vars. */
interface CreateVars {
  projects: Array<{ name: string; display: string; description: string }>;
  users: Array<{ name: string; fullname: string }>;
  permissions: Array<{ role: string; project: string; users?: string[]; serviceaccounts?: string[] }>;
  serviceaccounts: Array<{ name: string; project: string }>;
}

/**
 * The objects createVars(n) makes on a cluster without project.openshift.io (the sandbox), as
 * bench/ansible/create.yml and mcsync's roles/create write them: Namespaces with the display
 * name and description annotations, then service accounts, RoleBindings `mcsync-<role>` and
 * Users. Namespaces come first, so an apply in list order finds them.
 */
export function createManifests(n: number): KubeJson[] {
  const vars = createVars(n) as unknown as CreateVars;
  const rbac = 'rbac.authorization.k8s.io';
  return [
    ...vars.projects.map((p) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: p.name,
        annotations: { 'openshift.io/display-name': p.display, 'openshift.io/description': p.description },
      },
    })),
    ...vars.serviceaccounts.map((sa) => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: sa.name, namespace: sa.project },
    })),
    ...vars.permissions.map((p) => ({
      apiVersion: `${rbac}/v1`,
      kind: 'RoleBinding',
      metadata: { name: `mcsync-${p.role.toLowerCase().replaceAll(':', '-')}`, namespace: p.project },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: p.role },
      subjects: [
        ...(p.users ?? []).map((name) => ({ name, kind: 'User', apiGroup: rbac })),
        ...(p.serviceaccounts ?? []).map((name) => ({ name, kind: 'ServiceAccount', namespace: p.project })),
      ],
    })),
    ...vars.users.map((u) => ({
      apiVersion: 'user.openshift.io/v1',
      kind: 'User',
      metadata: { name: u.name },
      fullName: u.fullname,
    })),
  ];
}
