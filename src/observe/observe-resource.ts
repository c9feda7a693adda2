/**
 * Resolves the RESOURCE argument as kubectl does: a plural (`imagestreams`), singular, short name
 * or Kind, optionally qualified by its group (`imagestreams.image.openshift.io`, `ImageStream.image.openshift.io`).
 * The core group wins over others on a tie, then the server's preferred (first listed) version.
 */
import { UsageError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { ResourceInfo } from '../kube/types.ts';
import { didYouMean } from '../shared/did-you-mean.ts';

/** Picks the resource `text` names among `resources` (what discovery lists). */
export function pickResource(
  resources: readonly ResourceInfo[],
  text: string,
  cluster: string,
): ResourceInfo {
  const lower = text.toLowerCase();
  const dot = lower.indexOf('.');
  const name = dot < 0 ? lower : lower.slice(0, dot);
  const group = dot < 0 ? undefined : lower.slice(dot + 1);
  const candidates = resources.filter(
    (r) =>
      !r.resource.includes('/') &&
      (group === undefined || r.group === group) &&
      (r.resource === name ||
        r.singular === name ||
        r.kind.toLowerCase() === name ||
        r.shortNames.includes(name)),
  );
  const best = candidates.find((r) => r.group === '') ?? candidates[0];
  if (!best) {
    const names = [...new Set(resources.filter((r) => !r.resource.includes('/')).map((r) => r.resource))];
    throw new UsageError(
      `the server doesn't have a resource type "${text}" (cluster ${cluster})${didYouMean(name, names)}`,
    );
  }
  if (best.verbs.length > 0 && !(best.verbs.includes('list') && best.verbs.includes('watch')))
    throw new UsageError(`resource ${best.resource}.${best.group || 'core'} cannot be listed and watched`);
  return best;
}

/** Resolves `text` through the client's discovery cache. */
export async function resolveResource(client: KubeClient, text: string): Promise<ResourceInfo> {
  const snapshot = await client.discovery.snapshot(client);
  return pickResource(snapshot.all(), text, client.host);
}
