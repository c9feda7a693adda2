// Discovery entries the unit tests share: what a cluster serves for a kind, as src/kube/discovery.ts
// reports it.
import type { ResourceInfo } from '../../src/kube/types.ts';

/** A namespaced kind the observer can list and watch, served at `apiVersion` (`group/version` or `v1`). */
function watchable(apiVersion: string, kind: string, resource: string, shortName: string): ResourceInfo {
  const slash = apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: apiVersion.slice(slash + 1),
    apiVersion,
    kind,
    resource,
    namespaced: true,
    verbs: ['list', 'watch'],
    shortNames: [shortName],
    singular: kind.toLowerCase(),
  };
}

/** OpenShift's ImageStreams (image.openshift.io/v1), namespaced. */
export const IMAGESTREAMS: ResourceInfo = watchable(
  'image.openshift.io/v1',
  'ImageStream',
  'imagestreams',
  'is',
);

/** Core ConfigMaps (v1), namespaced. */
export const CONFIGMAPS: ResourceInfo = watchable('v1', 'ConfigMap', 'configmaps', 'cm');
