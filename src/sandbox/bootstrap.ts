import { setTimeout as sleep } from 'node:timers/promises';
import { openshiftCrds, PROJECT_CRD_NAME, projectCrd, viewerRbac, type Manifest } from './crds.ts';
import { SandboxError } from './errors.ts';
import { httpsRequest, type HttpsTarget } from './https-json.ts';

const FIELD_MANAGER = 'mcsync-sandbox';

const COLLECTIONS: Record<string, string> = {
  CustomResourceDefinition: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  ClusterRole: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  ClusterRoleBinding: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
};

function objectPath(manifest: Manifest): string {
  const collection = COLLECTIONS[String(manifest.kind)];
  const name = (manifest.metadata as { name?: string } | undefined)?.name;
  if (!collection || !name) throw new SandboxError(`cannot apply ${String(manifest.kind)} ${String(name)}`);
  return `${collection}/${name}`;
}

/** Server-side applies one cluster-scoped object with the sandbox's field manager. */
export async function applyManifest(admin: HttpsTarget, manifest: Manifest): Promise<void> {
  const path = `${objectPath(manifest)}?fieldManager=${FIELD_MANAGER}&force=true`;
  const res = await httpsRequest(admin, 'PATCH', path, {
    body: manifest,
    contentType: 'application/apply-patch+yaml',
  });
  if (res.status >= 300)
    throw new SandboxError(`apply ${path} on ${admin.url}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
}

interface Condition {
  type?: string;
  status?: string;
}

async function waitEstablished(admin: HttpsTarget, name: string, deadline: number): Promise<void> {
  for (;;) {
    const res = await httpsRequest(admin, 'GET', `${COLLECTIONS.CustomResourceDefinition}/${name}`);
    const conditions =
      (res.json as { status?: { conditions?: Condition[] } } | null)?.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new SandboxError(`CRD ${name} on ${admin.url} not Established in time`);
    await sleep(100);
  }
}

async function waitUntilOk(target: HttpsTarget, path: string, what: string, deadline: number): Promise<void> {
  for (;;) {
    const res = await httpsRequest(target, 'GET', path);
    if (res.status === 200) return;
    if (Date.now() > deadline)
      throw new SandboxError(`${what} on ${target.url}: still HTTP ${res.status} for GET ${path}`);
    await sleep(100);
  }
}

/** What bootstrap installs on a cluster. */
export interface BootstrapOptions {
  viewerUser: string;
  viewerToken: string;
  openshiftProjects: boolean;
  timeoutMs?: number;
}

/**
 * Makes a fresh (or reused) cluster look enough like OpenShift for the roles:
 * installs the OpenShift CRDs, adds or removes the Project CRD to match
 * --openshift-projects, grants the viewer read access, and waits until the
 * CRDs are Established and the viewer's RBAC is in effect (role aggregation is
 * asynchronous), so tests never race the setup.
 */
export async function bootstrapCluster(admin: HttpsTarget, options: BootstrapOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const crds = options.openshiftProjects ? [...openshiftCrds(), projectCrd()] : openshiftCrds();
  await Promise.all([...crds, ...viewerRbac(options.viewerUser)].map((m) => applyManifest(admin, m)));
  if (!options.openshiftProjects) {
    const res = await httpsRequest(
      admin,
      'DELETE',
      `${COLLECTIONS.CustomResourceDefinition}/${PROJECT_CRD_NAME}`,
    );
    if (res.status >= 300 && res.status !== 404)
      throw new SandboxError(`delete ${PROJECT_CRD_NAME}: HTTP ${res.status}`);
  }
  const names = crds.map((m) => (m.metadata as { name: string }).name);
  await Promise.all(names.map((name) => waitEstablished(admin, name, deadline)));
  const viewer: HttpsTarget = { url: admin.url, ca: admin.ca, token: options.viewerToken };
  await waitUntilOk(viewer, '/api/v1/namespaces/default/configmaps', 'viewer RBAC', deadline);
  await waitUntilOk(viewer, '/apis/image.openshift.io/v1/imagestreams', 'viewer RBAC', deadline);
}
