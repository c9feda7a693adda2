/** Arguments of the `k8s_sync` module and their JSON Schema (validated before `run`). */
import type { SchemaObject } from 'ajv';

/** One selector: which objects of one kind to read from the source host. */
export interface SyncSelector {
  /** Default `v1`. */
  api_version?: string;
  kind: string;
  /** One namespace; `namespaces` for several; neither: every namespace (namespaced kinds). */
  namespace?: string;
  namespaces?: string[];
  /** Only these names. */
  names?: string[];
  /** Kubernetes label selector, e.g. `app=web,tier!=db`. */
  label_selector?: string;
  /** Like a label selector, on annotations: `sync=me`, `sync`, `!skip`, `sync!=no` (comma = and). */
  annotation_selector?: string;
  /** Secrets only: the image pull secrets of this service account; they are linked to it on the target. */
  service_account?: string;
  /** Secrets only: keep pull secrets whose docker config names this registry host. */
  registry_host?: string;
}

/** A per-target override: a JSON merge patch, or a JSON patch, applied to every synced object. */
export type SyncOverride = { merge: Record<string, unknown> } | { json: JsonPatchOp[] };

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

export interface K8sSyncArgs {
  /** Source host; default (also when empty) the single host of group `master`. */
  from?: string;
  objects: SyncSelector[];
  /** Keyed by host or group name; the host's own entry wins over its groups'. */
  overrides?: Record<string, SyncOverride>;
  /** Create missing target namespaces. Default false. */
  create_namespace?: boolean;
  /** Delete target objects synced earlier from this source that are no longer selected. Default false. */
  prune?: boolean;
  /** A target object that exists but was not written by mcsync: fail (default), skip or adopt. */
  conflict?: 'fail' | 'skip' | 'adopt';
  /** Added before/after every target name (peer exchange: `{{ item }}-`). */
  name_prefix?: string;
  name_suffix?: string;
  /** Writes in flight per wave; default 32 (streams on one HTTP/2 connection). */
  concurrency?: number;
  /**
   * How ImageStreams carry their images (docs/kube.md): `mirror` (default, as `oc export`: pushed
   * tags point at the source's registry), `copy` (images copied to the target's registry, tags
   * point there by digest) or `spec` (the spec as it is). An ImageStream's own
   * `mcsync.io/imagestream-mode` annotation wins.
   */
  imagestream_mode?: 'mirror' | 'copy' | 'spec';
  /** `mirror`: point tags at `<repository>:<tag>` (default) or at the source's digest. */
  imagestream_pin?: 'tag' | 'digest';
  /**
   * Seconds to wait for each target to import the tags (`status.tags` holds the source's digest);
   * an import error fails the object. 0: write and do not look. Default 30.
   */
  imagestream_import_timeout?: number;
}

const nonEmpty = { type: 'string', minLength: 1 };
const names = { type: 'array', items: nonEmpty, minItems: 1 };

const selectorSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    api_version: nonEmpty,
    kind: nonEmpty,
    namespace: nonEmpty,
    namespaces: names,
    names,
    label_selector: { type: 'string' },
    annotation_selector: { type: 'string' },
    service_account: nonEmpty,
    registry_host: { type: 'string' },
  },
};

const overrideSchema: SchemaObject = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['merge'],
      properties: { merge: { type: 'object' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['json'],
      properties: {
        json: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['op', 'path'],
            properties: {
              op: { type: 'string', enum: ['add', 'remove', 'replace', 'test'] },
              path: { type: 'string' },
              value: {},
            },
          },
        },
      },
    },
  ],
};

export const k8sSyncArgsSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['objects'],
  properties: {
    from: { type: 'string' },
    objects: { type: 'array', items: selectorSchema },
    overrides: { type: 'object', additionalProperties: overrideSchema },
    create_namespace: { type: 'boolean' },
    prune: { type: 'boolean' },
    conflict: { type: 'string', enum: ['fail', 'skip', 'adopt'] },
    name_prefix: { type: 'string' },
    name_suffix: { type: 'string' },
    concurrency: { type: 'integer', minimum: 1, maximum: 64 },
    imagestream_mode: { type: 'string', enum: ['mirror', 'copy', 'spec'] },
    imagestream_pin: { type: 'string', enum: ['tag', 'digest'] },
    imagestream_import_timeout: { type: 'number', minimum: 0, maximum: 3600 },
  },
};
