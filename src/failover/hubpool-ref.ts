/**
 * The HubPool read from a cluster, as the rhacm-mirror seed deploys it: a custom resource
 * (`rhacm-mirror.openshift.io/v1alpha1`, kind HubPool, plural `hubpools`, namespaced) applied to
 * the hubs. `hubpool_ref` names it: `{host, namespace, name}` or `[host/]namespace/name`. The pool
 * is not known before the HubPool is read, so the hub asked is `host`, else the hosts of the
 * inventory group `hubs` in order: the first that answers with the object wins; a dead, hung or
 * object-less hub is skipped and named in the error when none has it.
 */
import { errorMessage, LoadError, McsyncError } from '../errors.ts';
import { isApiStatus, isRecord, KubeClient, resolveConnection } from '../kube/index.ts';
import type { SecretRegistry } from '../model/module.ts';
import type { Vars } from '../model/vars.ts';
import { isMapping, text } from './fields.ts';

/** Where the HubPool custom resource is. */
export interface HubPoolRef {
  /** Inventory host to read it from; undefined: the first hub of group `hubs` that has it. */
  host: string | undefined;
  /** Default `rhacm-mirror`, the seed's namespace. */
  namespace: string;
  name: string;
}

/** The document read, and the words errors about it start with. */
export interface ClusterHubPool {
  document: Record<string, unknown>;
  /** `HubPool rhacm-mirror/my-hubpool on west`. */
  origin: string;
}

export const HUBPOOL_API_PATH = '/apis/rhacm-mirror.openshift.io/v1alpha1';
const REF_KEYS = ['host', 'namespace', 'name'];
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * `hubpool_ref` → HubPoolRef; undefined when empty (`""`, `{}`, null). Throws LoadError naming
 * `hubpool_ref` for anything else that is not a valid reference.
 */
export function parseHubPoolRef(value: unknown): HubPoolRef | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (isMapping(value) && Object.keys(value).length === 0) return undefined;
  const bad = (message: string): LoadError =>
    new LoadError(`hubpool_ref: ${message}`, { key: 'hubpool_ref' });
  let parts: { host?: unknown; namespace?: unknown; name?: unknown };
  if (typeof value === 'string') {
    const segments = value.trim().split('/');
    if (segments.length > 3 || segments.some((s) => !s))
      throw bad(`expected NAME, NAMESPACE/NAME or HOST/NAMESPACE/NAME, got '${value}'`);
    const [name, namespace, host] = [...segments].reverse();
    parts = { host, namespace, name };
  } else if (isMapping(value)) {
    const unknown = Object.keys(value).filter((k) => !REF_KEYS.includes(k));
    if (unknown.length) throw bad(`unknown field ${unknown.join(', ')} (expected host, namespace, name)`);
    parts = value;
  } else {
    throw bad('expected {host, namespace, name} or a string NAMESPACE/NAME');
  }
  const name = text(parts.name);
  if (!name) throw bad('name is missing: the name of the HubPool custom resource');
  const namespace = text(parts.namespace) ?? 'rhacm-mirror';
  for (const [field, v] of [
    ['name', name],
    ['namespace', namespace],
  ] as const) {
    if (!DNS_NAME.test(v)) throw bad(`${field} '${v}' is not a valid Kubernetes name`);
  }
  return { host: text(parts.host), namespace, name };
}

export interface ReadRefOptions {
  /** Inventory hosts to try when ref.host is not set (group `hubs`), in order. */
  candidates: readonly string[];
  hostNames: readonly string[];
  hostVars(name: string): Vars;
  secrets?: SecretRegistry | undefined;
  /** Per request (default 5 s): a hung hub must not hold the monitor long. */
  timeoutMs?: number;
}

/** Reads the HubPool; McsyncError naming every hub tried and why when none gives it. */
export async function readHubPoolRef(ref: HubPoolRef, options: ReadRefOptions): Promise<ClusterHubPool> {
  const object = `HubPool ${ref.namespace}/${ref.name}`;
  const hosts = ref.host ? [ref.host] : [...options.candidates];
  if (!hosts.length)
    throw new LoadError(`hubpool_ref: no host given and the inventory group 'hubs' is empty`, {
      key: 'hubpool_ref.host',
    });
  if (ref.host && !options.hostNames.includes(ref.host))
    throw new LoadError(`hubpool_ref.host: '${ref.host}' is not an inventory host`, {
      key: 'hubpool_ref.host',
    });
  const problems: string[] = [];
  for (const host of hosts) {
    const outcome = await readFrom(host, ref, options);
    if (typeof outcome !== 'string') return { document: outcome, origin: `${object} on ${host}` };
    problems.push(`${host}: ${outcome}`);
  }
  throw new McsyncError(`hubpool_ref: cannot read ${object} (${problems.join('; ')})`);
}

/** The document as read, or why not (a string). */
async function readFrom(
  host: string,
  ref: HubPoolRef,
  options: ReadRefOptions,
): Promise<Record<string, unknown> | string> {
  let client: KubeClient | undefined;
  try {
    const conn = await resolveConnection(options.hostVars(host), host, { secrets: options.secrets });
    client = new KubeClient(conn, {
      timeoutMs: options.timeoutMs ?? 5000,
      retry: { attempts: 2, baseMs: 100, capMs: 500 },
    });
    const found = await client.get<unknown>(
      `${HUBPOOL_API_PATH}/namespaces/${ref.namespace}/hubpools/${ref.name}`,
    );
    if (!isRecord(found)) return 'the answer is not an object';
    return asDocument(found);
  } catch (error) {
    return isApiStatus(error, 404) ? 'not found' : errorMessage(error);
  } finally {
    client?.close();
  }
}

/** Only what a HubPool document has: the server's metadata and status are not configuration. */
function asDocument(found: Record<string, unknown>): Record<string, unknown> {
  const meta = isRecord(found['metadata']) ? found['metadata'] : {};
  const document: Record<string, unknown> = {
    apiVersion: found['apiVersion'],
    kind: found['kind'],
    metadata: { name: meta['name'], namespace: meta['namespace'] },
    spec: found['spec'],
  };
  if (found['alert'] !== undefined) document['alert'] = found['alert'];
  return document;
}
