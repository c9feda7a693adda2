/**
 * Pure parsers for the API server's discovery documents: aggregated discovery
 * (`APIGroupDiscoveryList`, apidiscovery.k8s.io v2 and v2beta1) and the legacy per-group-version
 * `APIResourceList`. Subresources (`pods/log`) are left out: they are not kinds.
 */
import type { ResourceInfo } from './types.ts';
import { isRecord, splitApiVersion } from './types.ts';

/** The Accept header asking for aggregated discovery, with plain JSON as the fallback. */
export const AGGREGATED_ACCEPT = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json',
].join(',');

/** True when a discovery answer is an aggregated APIGroupDiscoveryList. */
export function isAggregated(body: unknown): boolean {
  return isRecord(body) && body['kind'] === 'APIGroupDiscoveryList';
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** Every resource in an APIGroupDiscoveryList (from `/api` or `/apis`). */
export function parseAggregated(body: unknown): ResourceInfo[] {
  if (!isRecord(body) || !Array.isArray(body['items'])) return [];
  const out: ResourceInfo[] = [];
  for (const group of body['items'].filter(isRecord)) {
    const meta = isRecord(group['metadata']) ? group['metadata'] : {};
    const groupName = typeof meta['name'] === 'string' ? meta['name'] : '';
    const versions = Array.isArray(group['versions']) ? group['versions'].filter(isRecord) : [];
    for (const version of versions) {
      const v = typeof version['version'] === 'string' ? version['version'] : '';
      const resources = Array.isArray(version['resources']) ? version['resources'].filter(isRecord) : [];
      for (const resource of resources) {
        const info = aggregatedResource(groupName, v, resource);
        if (info) out.push(info);
      }
    }
  }
  return out;
}

function aggregatedResource(
  group: string,
  version: string,
  resource: Record<string, unknown>,
): ResourceInfo | undefined {
  const name = resource['resource'];
  const responseKind = isRecord(resource['responseKind']) ? resource['responseKind'] : {};
  const kind = responseKind['kind'];
  if (typeof name !== 'string' || typeof kind !== 'string' || !version) return undefined;
  return {
    group,
    version,
    apiVersion: group ? `${group}/${version}` : version,
    kind,
    resource: name,
    namespaced: resource['scope'] === 'Namespaced',
    verbs: strings(resource['verbs']),
    shortNames: strings(resource['shortNames']),
    singular:
      typeof resource['singularResource'] === 'string' ? resource['singularResource'] : kind.toLowerCase(),
  };
}

/** The resources of one group/version from a legacy `APIResourceList`. */
export function parseResourceList(apiVersion: string, body: unknown): ResourceInfo[] {
  if (!isRecord(body) || !Array.isArray(body['resources'])) return [];
  const { group, version } = splitApiVersion(apiVersion);
  const out: ResourceInfo[] = [];
  for (const r of body['resources'].filter(isRecord)) {
    const name = r['name'];
    const kind = r['kind'];
    if (typeof name !== 'string' || typeof kind !== 'string' || name.includes('/')) continue;
    out.push({
      group,
      version,
      apiVersion,
      kind,
      resource: name,
      namespaced: r['namespaced'] === true,
      verbs: strings(r['verbs']),
      shortNames: strings(r['shortNames']),
      singular:
        typeof r['singularName'] === 'string' && r['singularName'] ? r['singularName'] : kind.toLowerCase(),
    });
  }
  return out;
}

/** Group versions named by a legacy `/apis` APIGroupList (every version, not only preferred). */
export function parseGroupList(body: unknown): string[] {
  if (!isRecord(body) || !Array.isArray(body['groups'])) return [];
  const out: string[] = [];
  for (const group of body['groups'].filter(isRecord)) {
    const versions = Array.isArray(group['versions']) ? group['versions'].filter(isRecord) : [];
    for (const v of versions) if (typeof v['groupVersion'] === 'string') out.push(v['groupVersion']);
  }
  return out;
}

/** Versions named by a legacy `/api` APIVersions document (normally just `v1`). */
export function parseCoreVersions(body: unknown): string[] {
  return isRecord(body) ? strings(body['versions']) : [];
}
