/**
 * CustomResourceDefinitions for the OpenShift types the roles use and vanilla
 * Kubernetes lacks. Schemas keep unknown fields, so real OpenShift objects
 * (exported from a cluster) apply unchanged. Pure data: bootstrap.ts applies it.
 */

/** A Kubernetes object as plain JSON. */
export type Manifest = Record<string, unknown>;

const openSchema = {
  openAPIV3Schema: {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    properties: {
      spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  },
};

interface CrdSpec {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  scope: 'Namespaced' | 'Cluster';
  shortNames?: string[];
  status?: boolean;
}

function crd(s: CrdSpec): Manifest {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${s.plural}.${s.group}`,
      labels: { 'app.kubernetes.io/managed-by': 'mcsync-sandbox' },
    },
    spec: {
      group: s.group,
      scope: s.scope,
      names: {
        kind: s.kind,
        listKind: `${s.kind}List`,
        plural: s.plural,
        singular: s.singular,
        shortNames: s.shortNames ?? [],
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: openSchema,
          ...(s.status ? { subresources: { status: {} } } : {}),
        },
      ],
    },
  };
}

/** ImageStream (+ ImageStreamTag), User and Group: installed on every sandbox cluster. */
export function openshiftCrds(): Manifest[] {
  return [
    crd({
      group: 'image.openshift.io',
      kind: 'ImageStream',
      plural: 'imagestreams',
      singular: 'imagestream',
      scope: 'Namespaced',
      shortNames: ['is'],
      status: true,
    }),
    crd({
      group: 'image.openshift.io',
      kind: 'ImageStreamTag',
      plural: 'imagestreamtags',
      singular: 'imagestreamtag',
      scope: 'Namespaced',
      shortNames: ['istag'],
    }),
    crd({ group: 'user.openshift.io', kind: 'User', plural: 'users', singular: 'user', scope: 'Cluster' }),
    crd({ group: 'user.openshift.io', kind: 'Group', plural: 'groups', singular: 'group', scope: 'Cluster' }),
  ];
}

/** Name of the Project CRD, installed only with --openshift-projects. */
export const PROJECT_CRD_NAME = 'projects.project.openshift.io';
/** Name of the ProjectRequest CRD, installed only with --openshift-projects. */
export const PROJECT_REQUEST_CRD_NAME = 'projectrequests.project.openshift.io';
/** The admission policy that stamps the requester on ProjectRequests. */
export const REQUESTER_POLICY_NAME = 'mcsync-sandbox-project-requester';

/**
 * project.openshift.io/v1 Project and ProjectRequest (cluster-scoped), to test the roles'
 * OpenShift path. The cluster binary's project controller gives them OpenShift's behaviour:
 * a Project is a view of its Namespace; a ProjectRequest creates the Namespace.
 */
export function projectCrds(): Manifest[] {
  return [
    crd({
      group: 'project.openshift.io',
      kind: 'Project',
      plural: 'projects',
      singular: 'project',
      scope: 'Cluster',
      status: true,
    }),
    crd({
      group: 'project.openshift.io',
      kind: 'ProjectRequest',
      plural: 'projectrequests',
      singular: 'projectrequest',
      scope: 'Cluster',
      status: true,
    }),
  ];
}

/**
 * A MutatingAdmissionPolicy (and its binding) that records who created a ProjectRequest in
 * its `openshift.io/requester` annotation, from the request's user — what OpenShift's project
 * request endpoint knows and a CRD alone does not. The project controller copies it onto the
 * Namespace and makes that user the project's admin.
 */
export function requesterPolicy(): Manifest[] {
  const labels = { 'app.kubernetes.io/managed-by': 'mcsync-sandbox' };
  const path = '/metadata/annotations/openshift.io~1requester';
  const expression =
    `has(object.metadata.annotations) ? ` +
    `[JSONPatch{op: "add", path: "${path}", value: request.userInfo.username}] : ` +
    `[JSONPatch{op: "add", path: "/metadata/annotations", value: {"openshift.io/requester": request.userInfo.username}}]`;
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingAdmissionPolicy',
      metadata: { name: REQUESTER_POLICY_NAME, labels },
      spec: {
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['project.openshift.io'],
              apiVersions: ['v1'],
              operations: ['CREATE'],
              resources: ['projectrequests'],
            },
          ],
        },
        failurePolicy: 'Fail',
        reinvocationPolicy: 'Never',
        mutations: [{ patchType: 'JSONPatch', jsonPatch: { expression } }],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingAdmissionPolicyBinding',
      metadata: { name: REQUESTER_POLICY_NAME, labels },
      spec: { policyName: REQUESTER_POLICY_NAME },
    },
  ];
}

/**
 * RBAC for the restricted identity: `view` everywhere (aggregated by the
 * in-process controller) plus read access to the OpenShift CRDs above.
 */
export function viewerRbac(viewerUser: string): Manifest[] {
  const labels = { 'app.kubernetes.io/managed-by': 'mcsync-sandbox' };
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: {
        name: 'mcsync-sandbox:openshift-view',
        labels: { ...labels, 'rbac.authorization.k8s.io/aggregate-to-view': 'true' },
      },
      rules: [
        {
          apiGroups: ['image.openshift.io', 'user.openshift.io', 'project.openshift.io'],
          resources: ['*'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `mcsync-sandbox:${viewerUser}-view`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: viewerUser }],
    },
  ];
}
