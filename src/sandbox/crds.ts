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

/** project.openshift.io/v1 Project (cluster-scoped), to test the roles' OpenShift path. */
export function projectCrd(): Manifest {
  return crd({
    group: 'project.openshift.io',
    kind: 'Project',
    plural: 'projects',
    singular: 'project',
    scope: 'Cluster',
    status: true,
  });
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
