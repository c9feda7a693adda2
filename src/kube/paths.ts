/** URL paths of resources, built from discovery's ResourceInfo. */
import type { ResourceInfo } from './types.ts';

/**
 * `/api/v1/namespaces/demo/configmaps/x` style path. `namespace` is ignored for cluster-scoped
 * resources; without it a namespaced resource's path spans all namespaces (list only).
 */
export function resourcePath(info: ResourceInfo, namespace?: string, name?: string): string {
  const root = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const tail = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  return `${root}${ns}/${info.resource}${tail}`;
}
