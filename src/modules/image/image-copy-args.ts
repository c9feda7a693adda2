/** Arguments of the `image_copy` module and their JSON Schema (validated before `run`). */
import type { SchemaObject } from 'ajv';
import type { RegistrySettings } from '../../image/registry-endpoint.ts';

/** One image: `<namespace>/<repository>:<tag>` or `…@sha256:<digest>`, optionally renamed at the target. */
export interface ImageSpec {
  name: string;
  /** Name at the target (default: the same repository and tag); may name another registry. */
  to?: string;
}

/** Every tag of an ImageStream on the source cluster (`<namespace>/<name>:<tag>` in its registry). */
export interface ImageStreamSpec {
  namespace: string;
  name: string;
  /** Only these tags (default: every tag in spec and status). */
  tags?: string[];
}

export interface ImageCopyArgs {
  /** Images by name; a plain string is `{name: string}`. */
  images?: (ImageSpec | string)[];
  /** ImageStreams whose tags are copied (read from the source host's cluster). */
  imagestreams?: ImageStreamSpec[];
  /**
   * Source host (its registry, and the cluster `imagestreams` are read from); default (also when
   * empty) the single host of group `master`. With `source:` it names only that cluster.
   */
  from?: string;
  /** An explicit source registry instead of the source host's. */
  source?: RegistrySettings;
  /** An explicit destination registry instead of the task host's. */
  destination?: RegistrySettings;
  /** Copy manifest lists whole (`skopeo --all`); default false: only this platform's image. */
  all?: boolean;
  /** `skopeo --preserve-digests`: fail rather than change a digest. Default false. */
  preserve_digests?: boolean;
  /** Point the target cluster's ImageStream tag at the copied digest. Default false. */
  update_imagestream?: boolean;
  /** Images copied at once per target; default 4. */
  concurrency?: number;
  /** Tries after the first (HTTP requests and skopeo); default 2. */
  retries?: number;
  /** First backoff delay in seconds, doubled per try; default 1. */
  retry_delay?: number;
  /** Seconds one skopeo copy may take; default 600. */
  timeout?: number;
  /** The skopeo program; default `skopeo` from PATH. */
  skopeo?: string;
}

const nonEmpty = { type: 'string', minLength: 1 };

const registrySchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['registry'],
  properties: {
    registry: nonEmpty,
    username: nonEmpty,
    password: nonEmpty,
    password_file: nonEmpty,
    token: nonEmpty,
    ca_file: nonEmpty,
    insecure: { type: 'boolean' },
  },
};

const imageSchema: SchemaObject = {
  oneOf: [
    nonEmpty,
    {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: nonEmpty, to: nonEmpty },
    },
  ],
};

const imageStreamSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['namespace', 'name'],
  properties: {
    namespace: nonEmpty,
    name: nonEmpty,
    tags: { type: 'array', items: nonEmpty },
  },
};

export const imageCopyArgsSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['images'] }, { required: ['imagestreams'] }],
  properties: {
    images: { type: 'array', items: imageSchema },
    imagestreams: { type: 'array', items: imageStreamSchema },
    from: { type: 'string' },
    source: registrySchema,
    destination: registrySchema,
    all: { type: 'boolean' },
    preserve_digests: { type: 'boolean' },
    update_imagestream: { type: 'boolean' },
    concurrency: { type: 'integer', minimum: 1, maximum: 64 },
    retries: { type: 'integer', minimum: 0, maximum: 20 },
    retry_delay: { type: 'number', minimum: 0, maximum: 300 },
    timeout: { type: 'number', exclusiveMinimum: 0 },
    skopeo: nonEmpty,
  },
};
