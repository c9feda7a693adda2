/**
 * The source side of k8s_sync: which host to read from, and the selected objects read from it —
 * one list per kind and namespace (all namespaces when the selector names none), shared by the
 * target hosts that run the same task at the same time.
 */
import { McsyncError, UnreachableError } from '../../errors.ts';
import type { ModuleContext } from '../../model/module.ts';
import { getOrCreate, runCacheKey } from '../../model/run-cache.ts';
import { getObject, keyOf, listObjects, neverSynced } from '../../kube/index.ts';
import type { KubeClient, KubeObject, ObjectList } from '../../kube/index.ts';
import type { SyncSelector } from './k8s-sync-args.ts';
import { matchesAnnotations } from './k8s-sync-patch.ts';

/** Where one selector may prune on the target: a kind in some namespaces (undefined: all). */
export interface SyncScope {
  apiVersion: string;
  kind: string;
  namespaced: boolean;
  namespaces: string[] | undefined;
  /** The selector's `names`: prune only looks at these (undefined: every name). */
  names?: string[] | undefined;
  /**
   * Listed on the target for the task's own needs (create_namespace's Namespaces), not selected:
   * a target that refuses the list leaves the kind unlisted instead of failing the task.
   */
  listOnly?: boolean;
}

export interface SourceRead {
  objects: KubeObject[];
  scopes: SyncScope[];
  /** Service account links to make on the target: namespace, service account, secret names. */
  links: { namespace: string; serviceAccount: string; secrets: string[] }[];
}

/**
 * The source host: `from`, else the single host of group `master`. No master, or more than one,
 * is an error that says what to do.
 */
export function sourceHost(from: string | undefined, context: ModuleContext): string {
  if (from) {
    if (!context.inventory.hostNames().includes(from))
      throw new McsyncError(`k8s_sync: from: '${from}' is not a host of the inventory`, { key: 'from' });
    return from;
  }
  const masters = context.inventory.groupHosts('master');
  if (masters.length === 1) return masters[0] as string;
  if (masters.length === 0)
    throw new McsyncError("k8s_sync: the inventory has no host in group 'master'; set from: <host>", {
      key: 'from',
    });
  throw new McsyncError(
    `k8s_sync: group 'master' has ${masters.length} hosts (${masters.join(', ')}); ` +
      'sync needs exactly one source: keep one master or set from: <host>',
    { key: 'from' },
  );
}

const INFLIGHT = runCacheKey<Map<string, Promise<ObjectList>>>('k8s_sync:inflight');

/** Lists through a map of in-flight promises so concurrent hosts share one request per list. */
function sharedList(
  context: ModuleContext,
  key: string,
  load: () => Promise<ObjectList>,
): Promise<ObjectList> {
  const inflight = getOrCreate(context.services.runCache, INFLIGHT, () => new Map());
  const running = inflight.get(key);
  if (running) return running;
  const promise = load().finally(() => inflight.delete(key));
  inflight.set(key, promise);
  return promise;
}

function namespacesOf(selector: SyncSelector): string[] | undefined {
  if (selector.namespaces) return selector.namespaces;
  return selector.namespace ? [selector.namespace] : undefined;
}

function dockerConfigText(secret: KubeObject): string {
  const data = (secret['data'] ?? {}) as Record<string, string>;
  const raw = data['.dockerconfigjson'] ?? data['.dockercfg'] ?? '';
  return Buffer.from(raw, 'base64').toString('utf8');
}

async function linkedSecretNames(
  client: KubeClient,
  source: string,
  selector: SyncSelector,
  namespace: string | undefined,
): Promise<string[]> {
  const sa = selector.service_account as string;
  if (!namespace)
    throw new McsyncError(`k8s_sync: service_account '${sa}' needs a namespace in its selector`, {
      key: 'objects',
    });
  const found = await getObject(client, { apiVersion: 'v1', kind: 'ServiceAccount', name: sa, namespace });
  if (!found)
    throw new McsyncError(`k8s_sync: service account ${namespace}/${sa} does not exist on source ${source}`);
  const refs = Array.isArray(found['imagePullSecrets'])
    ? (found['imagePullSecrets'] as { name?: unknown }[])
    : [];
  return refs.map((r) => r.name).filter((n): n is string => typeof n === 'string');
}

/** A selector's kind as the source serves it, and where a prune may look (discovery only). */
async function scopeOf(client: KubeClient, selector: SyncSelector): Promise<SyncScope> {
  const info = await client.resource(selector.api_version ?? 'v1', selector.kind);
  return {
    apiVersion: info.apiVersion,
    kind: info.kind,
    namespaced: info.namespaced,
    namespaces: info.namespaced ? namespacesOf(selector) : undefined,
    names: selector.names,
  };
}

/** One selector's part of the read: its objects and its service account link. */
async function readSelector(
  client: KubeClient,
  source: string,
  selector: SyncSelector,
  scope: SyncScope,
  context: ModuleContext,
): Promise<Omit<SourceRead, 'scopes'>> {
  const namespaces = scope.namespaces;
  let names = selector.names;
  if (selector.service_account) {
    const linked = await linkedSecretNames(client, source, selector, namespaces?.[0]);
    names = names ? names.filter((n) => linked.includes(n)) : linked;
  }
  // One name (a watch run for one object): the server sends only that object, not the namespace.
  const fieldSelector = names?.length === 1 ? `metadata.name=${names[0]}` : undefined;
  const lists = await Promise.all(
    (namespaces ?? [undefined]).map((namespace) =>
      sharedList(
        context,
        [
          source,
          scope.apiVersion,
          scope.kind,
          namespace ?? '*',
          selector.label_selector ?? '',
          fieldSelector ?? '',
        ].join('|'),
        () =>
          listObjects(client, {
            apiVersion: scope.apiVersion,
            kind: scope.kind,
            namespace,
            labelSelector: selector.label_selector,
            fieldSelector,
          }),
      ),
    ),
  );
  const picked = lists
    .flatMap((l) => l.items)
    .filter((o) => !neverSynced(o))
    .filter((o) => !names || names.includes(o.metadata?.name ?? ''))
    .filter(
      (o) =>
        !selector.annotation_selector ||
        matchesAnnotations(o.metadata?.annotations, selector.annotation_selector),
    )
    .filter((o) => !selector.registry_host || dockerConfigText(o).includes(selector.registry_host));
  const links =
    selector.service_account && namespaces?.[0]
      ? [
          {
            namespace: namespaces[0],
            serviceAccount: selector.service_account,
            secrets: picked.map((o) => o.metadata?.name ?? ''),
          },
        ]
      : [];
  return { objects: picked, links };
}

/** Runs a read of the source, naming the source when it cannot be reached. */
async function fromSource<T>(source: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof UnreachableError)
      throw new McsyncError(`k8s_sync: source host ${source} could not be read: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
}

/**
 * Each selector's scope, from the source's discovery alone: known before any object is read, so
 * the target's lists that the scopes decide can start beside the source's (startTargetLists).
 */
export function selectorScopes(
  client: KubeClient,
  source: string,
  selectors: readonly SyncSelector[],
): Promise<SyncScope[]> {
  return fromSource(source, () => Promise.all(selectors.map((selector) => scopeOf(client, selector))));
}

/**
 * Reads every selector's objects from the source, the selectors' lists all in flight at once
 * (in the selectors' order, deduplicated by uid). `scopes`: selectorScopes' answer, when the
 * caller already has it.
 */
export async function readSource(
  client: KubeClient,
  source: string,
  selectors: readonly SyncSelector[],
  context: ModuleContext,
  scopes?: readonly SyncScope[],
): Promise<SourceRead> {
  const known = scopes ?? (await selectorScopes(client, source, selectors));
  const parts = await fromSource(source, () =>
    Promise.all(selectors.map((selector, i) => readSelector(client, source, selector, known[i]!, context))),
  );
  const read: SourceRead = {
    objects: parts.flatMap((p) => p.objects),
    scopes: [...known],
    links: parts.flatMap((p) => p.links),
  };
  const seen = new Set<string>();
  read.objects = read.objects.filter((o) => {
    const id =
      o.metadata?.uid ??
      keyOf({
        apiVersion: o.apiVersion,
        kind: o.kind ?? '',
        namespace: o.metadata?.namespace,
        name: o.metadata?.name ?? '',
      });
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return read;
}
