import { setTimeout as sleep } from 'node:timers/promises';
import {
  openshiftCrds,
  PROJECT_CRD_NAME,
  PROJECT_REQUEST_CRD_NAME,
  projectCrds,
  REQUESTER_POLICY_NAME,
  requesterPolicy,
  viewerRbac,
  type Manifest,
} from './crds.ts';
import { SandboxError } from './errors.ts';
import { httpsRequest, type HttpsTarget } from './https-json.ts';

const FIELD_MANAGER = 'mcsync-sandbox';

const COLLECTIONS: Record<string, string> = {
  CustomResourceDefinition: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  ClusterRole: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  ClusterRoleBinding: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  MutatingAdmissionPolicy: '/apis/admissionregistration.k8s.io/v1/mutatingadmissionpolicies',
  MutatingAdmissionPolicyBinding: '/apis/admissionregistration.k8s.io/v1/mutatingadmissionpolicybindings',
};

/** Deletes a cluster-scoped object; absent is fine. */
async function deleteIfPresent(admin: HttpsTarget, path: string): Promise<void> {
  const res = await httpsRequest(admin, 'DELETE', path);
  if (res.status >= 300 && res.status !== 404)
    throw new SandboxError(`delete ${path} on ${admin.url}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
}

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

/**
 * Waits until a dry-run ProjectRequest passes admission. The requester policy's type checker
 * needs the CRD's OpenAPI schema, published a moment after Established; until then every
 * create is refused with 503 ("There can be a delay between when CustomResourceDefinitions
 * are created and when they are available").
 */
async function waitRequesterPolicyActive(admin: HttpsTarget, deadline: number): Promise<void> {
  const path = '/apis/project.openshift.io/v1/projectrequests?dryRun=All';
  const body = {
    apiVersion: 'project.openshift.io/v1',
    kind: 'ProjectRequest',
    metadata: { name: 'mcsync-sandbox-readiness' },
  };
  for (;;) {
    const res = await httpsRequest(admin, 'POST', path, { body });
    if (res.status < 300) return;
    if (Date.now() > deadline)
      throw new SandboxError(
        `ProjectRequest admission on ${admin.url}: still HTTP ${res.status} for a dry-run create: ${res.text.slice(0, 300)}`,
      );
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
 * installs the OpenShift CRDs, adds or removes the Project and ProjectRequest
 * CRDs and the requester admission policy to match --openshift-projects, grants the viewer read access, and waits until the
 * CRDs are Established, a ProjectRequest passes admission and the viewer's RBAC is in effect
 * (role aggregation is asynchronous), so tests never race the setup.
 */
export async function bootstrapCluster(admin: HttpsTarget, options: BootstrapOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const crds = options.openshiftProjects ? [...openshiftCrds(), ...projectCrds()] : openshiftCrds();
  const policy = options.openshiftProjects ? requesterPolicy() : [];
  await Promise.all(
    [...crds, ...policy, ...viewerRbac(options.viewerUser)].map((m) => applyManifest(admin, m)),
  );
  if (!options.openshiftProjects) {
    await Promise.all([
      deleteIfPresent(admin, `${COLLECTIONS.MutatingAdmissionPolicyBinding}/${REQUESTER_POLICY_NAME}`),
      deleteIfPresent(admin, `${COLLECTIONS.MutatingAdmissionPolicy}/${REQUESTER_POLICY_NAME}`),
      deleteIfPresent(admin, `${COLLECTIONS.CustomResourceDefinition}/${PROJECT_CRD_NAME}`),
      deleteIfPresent(admin, `${COLLECTIONS.CustomResourceDefinition}/${PROJECT_REQUEST_CRD_NAME}`),
    ]);
  }
  const names = crds.map((m) => (m.metadata as { name: string }).name);
  await Promise.all(names.map((name) => waitEstablished(admin, name, deadline)));
  if (options.openshiftProjects) await waitRequesterPolicyActive(admin, deadline);
  const viewer: HttpsTarget = { url: admin.url, ca: admin.ca, token: options.viewerToken };
  await waitUntilOk(viewer, '/api/v1/namespaces/default/configmaps', 'viewer RBAC', deadline);
  await waitUntilOk(viewer, '/apis/image.openshift.io/v1/imagestreams', 'viewer RBAC', deadline);
}
