/**
 * Shapes shared by the kube layer: Kubernetes objects as plain JSON, references to them, and what
 * discovery knows about a resource. Objects stay `Record<string, unknown>`-like on purpose: any
 * kind (CRDs, OpenShift types) flows through the same code.
 */
import { McsyncError } from '../errors.ts';

/** Any Kubernetes object as the API serves it (JSON). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeMetadata;
  [key: string]: unknown;
}

export interface KubeMetadata {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** Points at one object: apiVersion + kind + name (+ namespace for namespaced kinds). */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
}

/** What discovery says about one resource of a group/version. */
export interface ResourceInfo {
  /** '' for the core group. */
  group: string;
  version: string;
  /** `v1` or `group/version`. */
  apiVersion: string;
  kind: string;
  /** Plural resource name used in URLs, e.g. `configmaps`. */
  resource: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  singular: string;
}

/** A list response: the items (apiVersion and kind filled in) and the list's resourceVersion. */
export interface ObjectList {
  items: KubeObject[];
  resourceVersion: string | undefined;
}

/** Splits `group/version` (or `v1`) into its parts. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** `v1/ConfigMap demo/settings` style label for messages and diff headers. */
export function describeRef(ref: {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string | undefined;
}): string {
  const where = ref.namespace ? `${ref.namespace}/` : '';
  return `${ref.apiVersion ?? '?'}/${ref.kind ?? '?'} ${where}${ref.name ?? '?'}`;
}

/** The ObjectRef of an object; throws a McsyncError when apiVersion, kind or name is missing. */
export function refOf(object: KubeObject): ObjectRef {
  const name = object.metadata?.name;
  if (!object.apiVersion || !object.kind || !name) {
    throw new McsyncError(
      `object needs apiVersion, kind and metadata.name (got ${describeRef({ apiVersion: object.apiVersion, kind: object.kind, name })})`,
    );
  }
  return { apiVersion: object.apiVersion, kind: object.kind, name, namespace: object.metadata?.namespace };
}

/** What an object key is built from; `kind` and `cluster` are the optional qualifiers. */
export interface KeyParts {
  name: string;
  /** Undefined or '' for a cluster-scoped object. */
  namespace?: string | undefined;
  /** With `kind`: keys also tell kinds apart (an ObjectRef has both). */
  apiVersion?: string | undefined;
  kind?: string | undefined;
  /** Keys also tell clusters apart (the observer's work queue). */
  cluster?: string | undefined;
}

/**
 * The one key format for objects in maps, sets and queues, after client-go's
 * `MetaNamespaceKeyFunc`: `namespace/name`, or `name` alone for a cluster-scoped object.
 * Qualifiers go in front when keys must also tell clusters apart (`cluster/`) or kinds apart
 * (`apiVersion/kind/`, when `kind` is given), in that order. A qualified key keeps the namespace
 * segment even when it is empty (`east//node-1`), so keys of one shape have the same segments.
 */
export function keyOf(parts: KeyParts): string {
  const namespace = parts.namespace ?? '';
  const qualifiers: string[] = [];
  if (parts.cluster !== undefined) qualifiers.push(parts.cluster);
  if (parts.kind !== undefined) qualifiers.push(parts.apiVersion ?? '', parts.kind);
  if (qualifiers.length === 0) return namespace ? `${namespace}/${parts.name}` : parts.name;
  return [...qualifiers, namespace, parts.name].join('/');
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
