/**
 * What a kubectl user strips from `kubectl get -o json` before applying the objects to another
 * cluster: the fields the source API server owns or allocated (uid, resourceVersion, timestamps,
 * generation, managedFields, selfLink, status, kubectl's last-applied annotation, a Service's
 * cluster IPs). The kubectl peer and the floor send objects reduced this way. Pure; inputs are
 * not mutated.
 */
import type { KubeJson } from './cluster.ts';

/** Metadata the API server owns. */
export const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
] as const;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The object without server-owned fields (see the file comment); headless Services keep `None`. */
export function stripServerFields(object: KubeJson): KubeJson {
  const { status: _status, ...rest } = object;
  const meta: Record<string, unknown> = { ...object.metadata };
  for (const key of SERVER_METADATA) delete meta[key];
  const annotations = meta['annotations'] as Record<string, string> | undefined;
  if (annotations && LAST_APPLIED in annotations) {
    const { [LAST_APPLIED]: _last, ...kept } = annotations;
    if (Object.keys(kept).length) meta['annotations'] = kept;
    else delete meta['annotations'];
  }
  const out: KubeJson = { ...rest, metadata: meta };
  const spec = object['spec'] as Record<string, unknown> | undefined;
  if (object.kind === 'Service' && spec && spec['clusterIP'] !== 'None') {
    const { clusterIP: _ip, clusterIPs: _ips, ...keptSpec } = spec;
    out['spec'] = keptSpec;
  }
  return out;
}

/**
 * `kubectl get -o json` output (a `List`, or one object) as a List of stripped objects, in the
 * order kubectl printed them (kinds in the order they were asked for, so namespaces first).
 */
export function stripList(output: unknown): KubeJson {
  const doc = output as KubeJson & { items?: KubeJson[] };
  const items = doc.kind === 'List' || Array.isArray(doc.items) ? (doc.items ?? []) : [doc];
  return { apiVersion: 'v1', kind: 'List', items: items.map(stripServerFields) };
}
