/**
 * The cluster side of the access rules: kinds mapped to resources by a host's discovery (the
 * cache k8s_sync and k8s resolve through when they run), the observed resource resolved as
 * `mcsync observe` resolves its RESOURCE argument, and the inventory's groups as a pattern scope.
 */
import type { PatternScope } from '../inventory/host-patterns.ts';
import type { KubeClient } from '../kube/index.ts';
import { resolveResource } from '../observe/observe-resource.ts';
import type { KindResolver, ObservedResource } from './access-rules.ts';

/** Resolves kinds through `client`'s discovery (a miss re-discovers once, for new CRDs). */
export function discoveryResolver(client: KubeClient): KindResolver {
  return async (apiVersion, kind) => {
    const info = await client.resource(apiVersion, kind);
    return { group: info.group, resource: info.resource };
  };
}

/** The resource `text` names on `host` (plural, singular, short name or Kind, maybe with its group). */
export async function observedResource(
  client: KubeClient,
  host: string,
  text: string,
): Promise<ObservedResource> {
  const info = await resolveResource(client, text);
  const { group, resource, apiVersion, kind, namespaced } = info;
  return { host, group, resource, apiVersion, kind, namespaced };
}

/** Host patterns over a plain `group -> hosts` mapping; `all` is every host of it. */
export function groupsScope(groups: Readonly<Record<string, readonly string[]>>): PatternScope {
  const hosts = [...new Set(Object.values(groups).flat())];
  const all: Record<string, readonly string[]> = { all: hosts, ...groups };
  return {
    hostNames: () => hosts,
    groupNames: () => Object.keys(all),
    groupHosts: (group) => [...(all[group] ?? [])],
  };
}
