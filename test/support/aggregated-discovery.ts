// Aggregated discovery documents (apidiscovery.k8s.io/v2), as an apiserver serves them at /api and
// /apis, for the unit tests that parse them or serve them from a fake apiserver.

/** An APIGroupDiscoveryList of `items` (see aggregatedGroup). */
export function aggregatedList(items: unknown[]): { kind: string; apiVersion: string; items: unknown[] } {
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', items };
}

/** One group of an aggregated list, served at a single version with these resources. */
export function aggregatedGroup(
  metadata: Record<string, unknown>,
  version: string,
  resources: Record<string, unknown>[],
): {
  metadata: Record<string, unknown>;
  versions: { version: string; resources: Record<string, unknown>[] }[];
} {
  return { metadata, versions: [{ version, resources }] };
}
