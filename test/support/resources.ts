// Discovery entries the unit tests share: what a cluster serves for a kind, as src/kube/discovery.ts
// reports it.
import type { ResourceInfo } from '../../src/kube/types.ts';

/** OpenShift's ImageStreams (image.openshift.io/v1), namespaced. */
export const IMAGESTREAMS: ResourceInfo = {
  group: 'image.openshift.io',
  version: 'v1',
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  resource: 'imagestreams',
  namespaced: true,
  verbs: ['list', 'watch'],
  shortNames: ['is'],
  singular: 'imagestream',
};
