/**
 * The reflector's cache as pure functions: how a watch event or a fresh list changes the store
 * and which observe events that yields. Kept apart from the I/O so the relist-after-410 logic is
 * unit tested without a cluster.
 */
import type { WatchEvent } from '../kube/watch.ts';
import type { KubeObject, ResourceInfo } from '../kube/types.ts';
import { isRecord, keyOf } from '../kube/types.ts';
import type { ObserveEventType } from './contracts.ts';

/** One change the store went through, as the reflector reports it. */
export interface StoreChange {
  type: ObserveEventType;
  object: KubeObject;
}

/** client-go's key: `namespace/name`, or just `name` for cluster-scoped objects. */
export function storeKey(namespace: string | undefined, name: string): string {
  return keyOf({ namespace, name });
}

/** The store key of an object. */
export function objectKey(object: KubeObject): string {
  return storeKey(object.metadata?.namespace, object.metadata?.name ?? '');
}

/** metadata.resourceVersion, or '' when missing. */
export function resourceVersionOf(object: KubeObject): string {
  return object.metadata?.resourceVersion ?? '';
}

/**
 * Applies one watch event to the store and returns what to report, or undefined when nothing
 * changed (a bookmark, or an object whose resourceVersion is the one already stored). ADDED for
 * a known object reports Updated and MODIFIED for an unknown one reports Added, as client-go's
 * shared informer does; DELETED reports the object's final state.
 */
export function applyWatchEvent(store: Map<string, KubeObject>, event: WatchEvent): StoreChange | undefined {
  if (event.type === 'BOOKMARK') return undefined;
  const key = objectKey(event.object);
  const known = store.get(key);
  if (event.type === 'DELETED') {
    store.delete(key);
    return { type: 'Deleted', object: event.object };
  }
  if (known && resourceVersionOf(known) === resourceVersionOf(event.object)) return undefined;
  store.set(key, event.object);
  return { type: known ? 'Updated' : 'Added', object: event.object };
}

/**
 * Replaces the store's content with a fresh list and returns the differences: new objects as
 * Added, objects whose resourceVersion moved as Updated (in list order), then objects no longer
 * listed as Deleted (with the last state seen). Unchanged objects yield nothing.
 */
export function replaceStore(store: Map<string, KubeObject>, items: readonly KubeObject[]): StoreChange[] {
  const changes: StoreChange[] = [];
  const listed = new Map<string, KubeObject>();
  for (const item of items) {
    const key = objectKey(item);
    listed.set(key, item);
    const known = store.get(key);
    if (!known) changes.push({ type: 'Added', object: item });
    else if (resourceVersionOf(known) !== resourceVersionOf(item))
      changes.push({ type: 'Updated', object: item });
  }
  for (const [key, object] of store) if (!listed.has(key)) changes.push({ type: 'Deleted', object });
  store.clear();
  for (const [key, object] of listed) store.set(key, object);
  return changes;
}

/** Exponential backoff: `baseMs` doubling per failure up to `maxMs`. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures, 40));
}

/** One page of a list answer. */
export interface ListPage {
  items: KubeObject[];
  /** The token of the next page, undefined on the last one. */
  continue: string | undefined;
  resourceVersion: string | undefined;
}

/** Reads a list answer without trusting its shape; items get apiVersion and kind (lists omit them). */
export function readListPage(body: unknown, resource: ResourceInfo): ListPage {
  const page = isRecord(body) ? body : {};
  const list = Array.isArray(page['items']) ? page['items'].filter(isRecord) : [];
  const meta = isRecord(page['metadata']) ? page['metadata'] : {};
  const cont = meta['continue'];
  const rv = meta['resourceVersion'];
  return {
    items: list.map((item) => withType(item as KubeObject, resource)),
    continue: typeof cont === 'string' && cont ? cont : undefined,
    resourceVersion: typeof rv === 'string' ? rv : undefined,
  };
}

/**
 * The object as the store keeps it: the resource's apiVersion and kind filled in, and
 * `metadata.managedFields` dropped (as client-go informers' transforms usually do): it is often
 * half of an object's size, and nothing downstream reads it.
 */
export function withType(object: KubeObject, resource: ResourceInfo): KubeObject {
  const metadata = object.metadata;
  if (metadata && 'managedFields' in metadata) delete metadata['managedFields'];
  return {
    ...object,
    apiVersion: object.apiVersion ?? resource.apiVersion,
    kind: object.kind ?? resource.kind,
  };
}
