/**
 * Reads and deletes through a host's client, resolving kinds by discovery: get, list (selectors,
 * all namespaces, pagination), delete (delete options, dry-run) and merge/JSON patches.
 * Server-side apply lives in apply.ts.
 */
import type { KubeClient } from './client.ts';
import { isApiStatus } from './errors.ts';
import { resourcePath } from './paths.ts';
import { forComparison } from './sanitize.ts';
import type { KubeObject, ObjectList, ObjectRef, ResourceInfo } from './types.ts';
import { isRecord } from './types.ts';
import { isDeepStrictEqual } from 'node:util';

/** The namespace an object lands in: none for cluster-scoped kinds, else given → default → `default`. */
export function namespaceFor(
  info: ResourceInfo,
  given: string | undefined,
  fallback: string | undefined,
): string | undefined {
  if (!info.namespaced) return undefined;
  return given || fallback || 'default';
}

/** One object, or undefined when it does not exist (404). */
export async function getObject(client: KubeClient, ref: ObjectRef): Promise<KubeObject | undefined> {
  const info = await client.resource(ref.apiVersion, ref.kind);
  const ns = namespaceFor(info, ref.namespace, client.connection.defaultNamespace);
  try {
    return withType(await client.get<KubeObject>(resourcePath(info, ns, ref.name)), info);
  } catch (error) {
    if (isApiStatus(error, 404)) return undefined;
    throw error;
  }
}

export interface ListOptions {
  apiVersion: string;
  kind: string;
  /** One namespace; undefined lists every namespace (namespaced kinds). */
  namespace?: string | undefined;
  /** `app=web,tier!=db` */
  labelSelector?: string | undefined;
  /** `metadata.name=x,status.phase=Running` */
  fieldSelector?: string | undefined;
  /** Page size (default 500); pages are followed with `continue`. */
  limit?: number;
}

/** Lists objects (every page); items get apiVersion and kind, which list items lack. */
export async function listObjects(client: KubeClient, options: ListOptions): Promise<ObjectList> {
  const info = await client.resource(options.apiVersion, options.kind);
  const path = resourcePath(info, options.namespace);
  const items: KubeObject[] = [];
  let cont: string | undefined;
  let resourceVersion: string | undefined;
  let restarted = false;
  do {
    let page: Record<string, unknown>;
    try {
      page = await client.get<Record<string, unknown>>(path, {
        labelSelector: options.labelSelector || undefined,
        fieldSelector: options.fieldSelector || undefined,
        limit: options.limit ?? 500,
        continue: cont,
      });
    } catch (error) {
      // 410 Gone: the continue token expired while paging; start over once.
      if (!isApiStatus(error, 410) || restarted) throw error;
      restarted = true;
      items.length = 0;
      cont = undefined;
      continue;
    }
    const list = Array.isArray(page['items']) ? page['items'].filter(isRecord) : [];
    for (const item of list) items.push(withType(item as KubeObject, info));
    const meta = isRecord(page['metadata']) ? page['metadata'] : {};
    cont = typeof meta['continue'] === 'string' && meta['continue'] ? meta['continue'] : undefined;
    resourceVersion = typeof meta['resourceVersion'] === 'string' ? meta['resourceVersion'] : resourceVersion;
  } while (cont);
  return { items, resourceVersion };
}

/** Options of DELETE (Kubernetes DeleteOptions) plus dry-run. */
export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeleteResult {
  /** `deleted` when this call deleted it; `absent` when it was gone or already being deleted. */
  action: 'deleted' | 'absent';
  changed: boolean;
  /** The live object before the delete (undefined when absent). */
  before: KubeObject | undefined;
}

/** Deletes one object; a missing or already terminating object is not a change. */
export async function deleteObject(
  client: KubeClient,
  ref: ObjectRef,
  options: DeleteOptions = {},
): Promise<DeleteResult> {
  const before = await getObject(client, ref);
  if (!before || before.metadata?.deletionTimestamp) return { action: 'absent', changed: false, before };
  const info = await client.resource(ref.apiVersion, ref.kind);
  const ns = namespaceFor(info, ref.namespace, client.connection.defaultNamespace);
  const body = {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    propagationPolicy: options.propagationPolicy,
    gracePeriodSeconds: options.gracePeriodSeconds,
    preconditions: options.preconditions,
    dryRun: options.dryRun ? ['All'] : undefined,
  };
  try {
    await client.request({
      method: 'DELETE',
      path: resourcePath(info, ns, ref.name),
      body,
      query: { dryRun: options.dryRun ? 'All' : undefined },
    });
  } catch (error) {
    if (isApiStatus(error, 404)) return { action: 'absent', changed: false, before: undefined };
    throw error;
  }
  return { action: 'deleted', changed: true, before };
}

export type PatchType = 'merge' | 'json' | 'strategic';

const PATCH_CONTENT: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export interface PatchResult {
  /** `missing`: the object does not exist, nothing was patched. */
  action: 'configured' | 'unchanged' | 'missing';
  changed: boolean;
  before: KubeObject | undefined;
  after: KubeObject | undefined;
}

/** Patches an existing object (never creates one); `changed` only when the object really changed. */
export async function patchObject(
  client: KubeClient,
  ref: ObjectRef,
  patch: unknown,
  options: { type?: PatchType; dryRun?: boolean; fieldManager?: string } = {},
): Promise<PatchResult> {
  const before = await getObject(client, ref);
  if (!before) return { action: 'missing', changed: false, before: undefined, after: undefined };
  const info = await client.resource(ref.apiVersion, ref.kind);
  const ns = namespaceFor(info, ref.namespace, client.connection.defaultNamespace);
  const res = await client.request<KubeObject>({
    method: 'PATCH',
    path: resourcePath(info, ns, ref.name),
    body: patch,
    contentType: PATCH_CONTENT[options.type ?? 'merge'],
    query: { fieldManager: options.fieldManager ?? 'mcsync', dryRun: options.dryRun ? 'All' : undefined },
  });
  const after = withType(res.body, info);
  const changed = objectChanged(before, after, options.dryRun ?? false);
  return { action: changed ? 'configured' : 'unchanged', changed, before, after };
}

/**
 * True when a write changed the live object: a new resourceVersion for real writes; for dry-run
 * results (which keep the old resourceVersion) a difference once managedFields, resourceVersion
 * and generation are set aside.
 */
export function objectChanged(before: KubeObject, after: KubeObject, dryRun: boolean): boolean {
  if (!dryRun) return before.metadata?.resourceVersion !== after.metadata?.resourceVersion;
  return !isDeepStrictEqual(forComparison(before), forComparison(after));
}

/** Fills in apiVersion/kind (list items and some answers lack them). */
export function withType(object: KubeObject, info: ResourceInfo): KubeObject {
  if (object.apiVersion && object.kind) return object;
  return { apiVersion: info.apiVersion, kind: info.kind, ...object };
}
