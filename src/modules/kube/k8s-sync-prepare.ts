/**
 * What k8s_sync writes, and what the target already has: source objects sanitized, renamed,
 * overridden and marked (managed-by label, origin annotations, content hash); the target's live
 * objects listed once per kind.
 */
import {
  isManagedByMcsync,
  listObjects,
  ORIGIN_CLUSTER_ANNOTATION,
  ORIGIN_UID_ANNOTATION,
  sanitizeForSync,
  UnknownKindError,
  withAnnotations,
  withManagedBy,
} from '../../kube/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { getOrCreate, runCacheKey } from '../../model/run-cache.ts';
import type { SyncOverride } from './k8s-sync-args.ts';
import type { ImageStreamPlan, ImageStreamSettings } from './k8s-sync-imagestream.ts';
import { planImageStream } from './k8s-sync-imagestream.ts';
import { applyOverride, contentHash } from './k8s-sync-patch.ts';
import type { SyncScope } from './k8s-sync-source.ts';

/** Hash of what k8s_sync last wrote; a rerun with the same content and no drift sends nothing. */
export const SYNC_HASH_ANNOTATION = 'mcsync.io/origin-hash';

export interface PrepareOptions {
  source: string;
  overrides: readonly SyncOverride[];
  prefix: string;
  suffix: string;
  /** How ImageStreams carry their images; without it, their spec as it is. */
  imageStreams?: ImageStreamSettings;
}

/** One object as it is written to the target, with its ImageStream plan when it has one. */
export interface PreparedObject {
  object: KubeObject;
  plan?: ImageStreamPlan;
}

/** The object as it is written to the target. Pure; the input is not mutated. */
export function prepareForTarget(object: KubeObject, options: PrepareOptions): KubeObject {
  return prepareObject(object, options).object;
}

/** prepareForTarget, keeping the ImageStream plan (what the target's tags must resolve to). */
export function prepareObject(object: KubeObject, options: PrepareOptions): PreparedObject {
  const name = `${options.prefix}${object.metadata?.name ?? ''}${options.suffix}`;
  const plan = options.imageStreams
    ? planImageStream(object, options.imageStreams, { namespace: object.metadata?.namespace ?? '', name })
    : undefined;
  let out = sanitizeForSync(plan?.object ?? object);
  out = { ...out, metadata: { ...out.metadata, name } };
  for (const override of options.overrides) out = applyOverride(out, override);
  out = withAnnotations(withManagedBy(out), {
    [ORIGIN_CLUSTER_ANNOTATION]: options.source,
    [ORIGIN_UID_ANNOTATION]: object.metadata?.uid ?? '',
  });
  const prepared = withAnnotations(out, { [SYNC_HASH_ANNOTATION]: contentHash(out) });
  return plan ? { object: prepared, plan } : { object: prepared };
}

const PREPARED = runCacheKey<WeakMap<KubeObject, Map<string, PreparedObject>>>('k8s_sync:prepared');

/**
 * prepareObject for every source object, each prepared once per run for all the targets whose
 * options are the same: the targets of one task read the same listed objects (the source's lists
 * are shared while in flight, k8s-sync-source.ts), and preparing (sanitizing, marking, hashing)
 * was a sync's largest own cost per object after the requests. Prepared objects are shared, so
 * nothing downstream may change them (applyObject copies before it adds the namespace).
 */
export function prepareAll(
  objects: readonly KubeObject[],
  options: PrepareOptions,
  runCache: Map<string, unknown>,
): PreparedObject[] {
  const byObject = getOrCreate(runCache, PREPARED, () => new WeakMap());
  // Only an ImageStream's preparation reads the image settings (which name the target's registry).
  const withImages = JSON.stringify(options);
  const withoutImages = JSON.stringify({ ...options, imageStreams: undefined });
  return objects.map((object) => {
    const key = object.kind === 'ImageStream' ? withImages : withoutImages;
    let prepared = byObject.get(object);
    if (!prepared) byObject.set(object, (prepared = new Map()));
    let one = prepared.get(key);
    if (!one) prepared.set(key, (one = prepareObject(object, options)));
    return one;
  });
}

/** `Kind|namespace|name`: identity of an object on one cluster. */
export function keyOf(
  kind: string | undefined,
  namespace: string | undefined,
  name: string | undefined,
): string {
  return `${kind ?? ''}|${namespace ?? ''}|${name ?? ''}`;
}

/** True when mcsync synced this object from `source` (both marks present). */
export function syncedFrom(object: KubeObject, source: string): boolean {
  return isManagedByMcsync(object) && object.metadata?.annotations?.[ORIGIN_CLUSTER_ANNOTATION] === source;
}

export interface LiveIndex {
  /** Live object by key; absent key with `listed(kind)` true means known not to exist. */
  objects: Map<string, KubeObject>;
  listedKinds: Set<string>;
}

interface KindToList {
  apiVersion: string;
  kind: string;
  namespaces: Set<string | undefined>;
  /** The only names of that kind the task looks at; null: every name. */
  names: Set<string> | null;
}

/**
 * Lists the target once per kind — one namespace when everything of that kind lives in one,
 * else all namespaces; only one object (a field selector) when the task looks at one name of
 * that kind only (a watch run for one object). A kind the target does not serve yet (a CRD
 * synced in the same task) is left unlisted.
 */
export async function listTarget(
  client: KubeClient,
  desired: readonly KubeObject[],
  scopes: readonly SyncScope[],
): Promise<LiveIndex> {
  const kinds = new Map<string, KindToList>();
  const note = (
    apiVersion: string,
    kind: string,
    namespaces: (string | undefined)[],
    names: readonly string[] | undefined,
  ): void => {
    const entry = kinds.get(kind) ?? { apiVersion, kind, namespaces: new Set(), names: new Set() };
    for (const ns of namespaces) entry.namespaces.add(ns);
    if (!names) entry.names = null;
    else for (const name of names) entry.names?.add(name);
    kinds.set(kind, entry);
  };
  for (const o of desired)
    note(o.apiVersion ?? 'v1', o.kind ?? '', [o.metadata?.namespace], [o.metadata?.name ?? '']);
  for (const s of scopes) note(s.apiVersion, s.kind, s.namespaces ?? [undefined], s.names);
  const index: LiveIndex = { objects: new Map(), listedKinds: new Set() };
  await Promise.all(
    [...kinds.values()].map(async ({ apiVersion, kind, namespaces, names }) => {
      const only = namespaces.size === 1 ? [...namespaces][0] : undefined;
      const fieldSelector = names?.size === 1 ? `metadata.name=${[...names][0]}` : undefined;
      try {
        const { items } = await listObjects(client, { apiVersion, kind, namespace: only, fieldSelector });
        for (const item of items)
          index.objects.set(keyOf(kind, item.metadata?.namespace, item.metadata?.name), item);
        index.listedKinds.add(kind);
      } catch (error) {
        if (!(error instanceof UnknownKindError)) throw error;
      }
    }),
  );
  return index;
}
