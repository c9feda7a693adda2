/**
 * The floor of a benchmark: what the API servers can take at all. A plan lists, per host, the
 * requests a bare client (bench/peers/floor.ts) sends, in waves (a wave starts when the previous
 * one has finished, so namespaces exist before what lives in them), with `inflight` requests
 * in flight per host. Built before the clock starts, so the floor pays for nothing but the
 * requests and its own process start-up. Pure.
 */
import type { BenchHost, KubeJson } from './cluster.ts';

/** One request of the floor, ready to send. */
export interface FloorRequest {
  method: 'PATCH' | 'GET';
  /** Path and query. */
  path: string;
  /** The JSON body (applies). */
  body?: string;
}

/** Where the floor sends: the URL and the files holding the CA and the token (never the token). */
export interface FloorHost {
  name: string;
  url: string;
  caFile: string;
  tokenFile: string;
}

/** Everything bench/peers/floor.ts needs, as JSON. */
export interface FloorPlan {
  inflight: number;
  hosts: FloorHost[];
  /** Host name → waves of requests. */
  waves: Record<string, FloorRequest[][]>;
}

/** Field manager of the floor's applies. */
export const FLOOR_FIELD_MANAGER = 'bench-floor';

/** Group/version path and plural of the kinds the benchmarks write (the floor does no discovery). */
const RESOURCES: Record<string, { base: string; plural: string; namespaced: boolean }> = {
  Namespace: { base: '/api/v1', plural: 'namespaces', namespaced: false },
  ConfigMap: { base: '/api/v1', plural: 'configmaps', namespaced: true },
  Secret: { base: '/api/v1', plural: 'secrets', namespaced: true },
  Service: { base: '/api/v1', plural: 'services', namespaced: true },
  ServiceAccount: { base: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  RoleBinding: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'rolebindings', namespaced: true },
  User: { base: '/apis/user.openshift.io/v1', plural: 'users', namespaced: false },
};

/** The object's own path (`/api/v1/namespaces/ns/configmaps/name`). */
export function objectPath(object: KubeJson): string {
  const kind = object.kind ?? '';
  const r = RESOURCES[kind];
  if (!r) throw new Error(`floor: no resource path known for kind '${kind}'`);
  const name = encodeURIComponent(object.metadata?.name ?? '');
  const ns = object.metadata?.namespace;
  if (r.namespaced && !ns) throw new Error(`floor: ${kind} ${name} has no namespace`);
  return r.namespaced ? `${r.base}/namespaces/${ns}/${r.plural}/${name}` : `${r.base}/${r.plural}/${name}`;
}

/** The collection path of a kind across all namespaces, with an optional label selector. */
export function collectionPath(kind: string, labelSelector?: string): string {
  const r = RESOURCES[kind];
  if (!r) throw new Error(`floor: no resource path known for kind '${kind}'`);
  const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
  return `${r.base}/${r.plural}${query}`;
}

/** Connection files of a sandbox host, from its inventory variables. */
export function floorHost(host: BenchHost): FloorHost {
  return {
    name: host.name,
    url: host.url,
    caFile: String(host.vars['ca_file']),
    tokenFile: String(host.vars['token_file']),
  };
}

/**
 * Server-side applies of `objects` to every host: Namespaces in a first wave, everything else
 * in a second one.
 */
export function applyPlan(
  objects: readonly KubeJson[],
  hosts: readonly BenchHost[],
  inflight: number,
): FloorPlan {
  const apply = (o: KubeJson): FloorRequest => ({
    method: 'PATCH',
    path: `${objectPath(o)}?fieldManager=${FLOOR_FIELD_MANAGER}&force=true`,
    body: JSON.stringify(o),
  });
  const first = objects.filter((o) => o.kind === 'Namespace').map(apply);
  const rest = objects.filter((o) => o.kind !== 'Namespace').map(apply);
  const waves = [first, rest].filter((w) => w.length > 0);
  return {
    inflight,
    hosts: hosts.map(floorHost),
    waves: Object.fromEntries(hosts.map((h) => [h.name, waves])),
  };
}

/** One wave of LISTs per host: each kind, with the label selector (what a no-op must read). */
export function listPlan(
  kinds: readonly string[],
  labelSelector: string,
  hosts: readonly BenchHost[],
  inflight: number,
): FloorPlan {
  const wave = kinds.map((kind): FloorRequest => ({
    method: 'GET',
    path: collectionPath(kind, labelSelector),
  }));
  return {
    inflight,
    hosts: hosts.map(floorHost),
    waves: Object.fromEntries(hosts.map((h) => [h.name, [wave]])),
  };
}
