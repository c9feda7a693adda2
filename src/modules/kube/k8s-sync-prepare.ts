/**
 * What k8s_sync writes, and what the target already has: source objects sanitized, renamed,
 * overridden and marked (managed-by label, origin annotations, content hash); the target's live
 * objects listed once per kind.
 */
import {
  isManagedByMcsync,
  KubeApiError,
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
  /** The kinds listed in every namespace by every name: their absent objects are absent everywhere. */
  wholeKinds: Set<string>;
  /** Kinds listed in every namespace for one name only (a field selector): that name's presence is known. */
  singleNames: Map<string, string>;
}

/**
 * The target's Namespaces, listed beside the selectors' kinds for create_namespace (which needs
 * them); used for listing only, never as a scope to prune in. When every selector names its
 * namespaces, only those are listed: a watch run for one object looks up its one namespace by
 * name instead of listing every namespace of the cluster on each change.
 */
export function namespaceListScope(scopes: readonly SyncScope[]): SyncScope {
  const named = scopes.filter((s) => s.namespaced);
  const all = named.some((s) => s.namespaces === undefined);
  const names = all ? undefined : [...new Set(named.flatMap((s) => s.namespaces ?? []))];
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    namespaced: false,
    namespaces: undefined,
    ...(names?.length && { names }),
    listOnly: true,
  };
}

/** One list the target is asked for: a kind, in one namespace or all, by one name or all. */
interface TargetList {
  apiVersion: string;
  kind: string;
  namespace: string | undefined;
  fieldSelector: string | undefined;
  /** The one name the field selector asks for. */
  name: string | undefined;
  /** Only listOnly scopes asked for it: a refusal leaves it unlisted. */
  optional: boolean;
}

/**
 * The lists for a task, one per kind — one namespace when everything of that kind lives in one,
 * else all namespaces; only one object (a field selector) when the task looks at one name of
 * that kind only (a watch run for one object).
 */
function planTargetLists(desired: readonly KubeObject[], scopes: readonly SyncScope[]): TargetList[] {
  const kinds = new Map<
    string,
    {
      apiVersion: string;
      namespaces: Set<string | undefined>;
      names: Set<string> | null;
      optional: boolean;
    }
  >();
  const note = (
    apiVersion: string,
    kind: string,
    namespaces: (string | undefined)[],
    names: readonly string[] | undefined,
    optional = false,
  ): void => {
    const entry = kinds.get(kind) ?? { apiVersion, namespaces: new Set(), names: new Set(), optional };
    entry.optional &&= optional;
    for (const ns of namespaces) entry.namespaces.add(ns);
    if (!names) entry.names = null;
    else for (const name of names) entry.names?.add(name);
    kinds.set(kind, entry);
  };
  for (const o of desired)
    note(o.apiVersion ?? 'v1', o.kind ?? '', [o.metadata?.namespace], [o.metadata?.name ?? '']);
  for (const s of scopes)
    note(s.apiVersion, s.kind, s.namespaces ?? [undefined], s.names, s.listOnly ?? false);
  return [...kinds].map(([kind, { apiVersion, namespaces, names, optional }]) => {
    const name = names?.size === 1 ? [...names][0] : undefined;
    return {
      apiVersion,
      kind,
      namespace: namespaces.size === 1 ? [...namespaces][0] : undefined,
      fieldSelector: name === undefined ? undefined : `metadata.name=${name}`,
      name,
      optional,
    };
  });
}

const sameList = (a: TargetList, b: TargetList): boolean =>
  a.apiVersion === b.apiVersion &&
  a.namespace === b.namespace &&
  a.fieldSelector === b.fieldSelector &&
  a.optional === b.optional;

/**
 * One kind's items on the target; undefined when the target does not serve the kind yet, or
 * refused an optional list.
 */
type KindItems = Promise<KubeObject[] | undefined>;

async function listKind(client: KubeClient, list: TargetList): KindItems {
  try {
    return (await listObjects(client, list)).items;
  } catch (error) {
    if (error instanceof UnknownKindError) return undefined;
    if (list.optional && error instanceof KubeApiError) return undefined;
    throw error;
  }
}

/** Target lists started before the source was read: what was asked, and its answer. */
export type EarlyTargetLists = ReadonlyMap<string, { list: TargetList; items: KindItems }>;

/**
 * Starts the target's lists as the selectors' scopes plan them, so that they run while the source
 * is read. The objects read change that plan only when they are renamed (name_prefix,
 * name_suffix, or an override of their name or namespace); listTarget takes over every early list
 * its final plan still asks for. A failure is thrown where listTarget awaits it, never before.
 */
export function startTargetLists(
  client: Promise<KubeClient>,
  scopes: readonly SyncScope[],
): EarlyTargetLists {
  const early = new Map<string, { list: TargetList; items: KindItems }>();
  for (const list of planTargetLists([], scopes)) {
    const items = client.then((c) => listKind(c, list));
    items.catch(() => undefined); // not an unhandled rejection while the source is read
    early.set(list.kind, { list, items });
  }
  return early;
}

/**
 * Lists the target once per kind, as planTargetLists plans it, taking over the early lists that
 * plan still asks for. A kind the target does not serve yet (a CRD synced in the same task) is
 * left unlisted.
 */
export async function listTarget(
  client: KubeClient,
  desired: readonly KubeObject[],
  scopes: readonly SyncScope[],
  early: EarlyTargetLists = new Map(),
): Promise<LiveIndex> {
  const index: LiveIndex = {
    objects: new Map(),
    listedKinds: new Set(),
    wholeKinds: new Set(),
    singleNames: new Map(),
  };
  await Promise.all(
    planTargetLists(desired, scopes).map(async (list) => {
      const started = early.get(list.kind);
      const items = await (started && sameList(started.list, list) ? started.items : listKind(client, list));
      if (!items) return;
      for (const item of items)
        index.objects.set(keyOf(list.kind, item.metadata?.namespace, item.metadata?.name), item);
      index.listedKinds.add(list.kind);
      if (list.namespace === undefined && list.fieldSelector === undefined) index.wholeKinds.add(list.kind);
      if (list.namespace === undefined && list.name !== undefined)
        index.singleNames.set(list.kind, list.name);
    }),
  );
  return index;
}
