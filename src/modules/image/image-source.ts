/**
 * The source side of image_copy: which host is the source (default the single host of group
 * `master`), which images an ImageStream stands for, and the source manifest's digest, read
 * once per run for every target (hosts running the same task share one request).
 */
import { McsyncError } from '../../errors.ts';
import { getObject, kubeClientFor } from '../../kube/index.ts';
import type { ModuleContext } from '../../model/module.ts';
import { forget, getOrCreate, runCacheKey } from '../../model/run-cache.ts';
import type { ImageSpec, ImageStreamSpec } from './image-copy-args.ts';
import type { ImageRef } from '../../image/image-ref.ts';
import { referenceOf } from '../../image/image-ref.ts';
import type { RegistryClient } from '../../image/registry-client.ts';
import { RegistryError } from '../../image/registry-errors.ts';
import type { RetryPolicy } from '../../image/retry.ts';
import { withRetries } from '../../image/retry.ts';

const LIST_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** What the targets must end up with. */
export interface SourceImage {
  /** Digest of the source manifest (the list's own digest for a manifest list). */
  digest: string;
  mediaType: string;
  isList: boolean;
  /** The digest a target must have: `digest`, or this platform's image of a list without `all`. */
  expected: string;
}

/** The source host: `from`, or the single host of group `master`. */
export function sourceHost(from: string | undefined, context: ModuleContext): string {
  if (from) {
    if (!context.inventory.hostNames().includes(from))
      throw new McsyncError(`image_copy: from: '${from}' is not a host of the inventory`, { key: 'from' });
    return from;
  }
  const masters = context.inventory.groupHosts('master');
  if (masters.length === 1) return masters[0] as string;
  const why = masters.length === 0 ? 'has no host' : `has ${masters.length} hosts (${masters.join(', ')})`;
  throw new McsyncError(`image_copy: group 'master' ${why}; set from: <host> (the source of the images)`, {
    key: 'from',
  });
}

/** `images` entries for every tag of each ImageStream, read from the source host's cluster. */
export async function imageStreamImages(
  streams: readonly ImageStreamSpec[],
  source: string,
  context: ModuleContext,
): Promise<ImageSpec[]> {
  if (!streams.length) return [];
  const client = await kubeClientFor(context, source);
  const images: ImageSpec[] = [];
  for (const stream of streams) {
    const tags = stream.tags ?? (await streamTags(client, stream, source));
    images.push(...tags.map((tag) => ({ name: `${stream.namespace}/${stream.name}:${tag}` })));
  }
  return images;
}

async function streamTags(
  client: Awaited<ReturnType<typeof kubeClientFor>>,
  stream: ImageStreamSpec,
  source: string,
): Promise<string[]> {
  const object = await getObject(client, {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    namespace: stream.namespace,
    name: stream.name,
  });
  if (!object) {
    throw new McsyncError(
      `image_copy: ImageStream ${stream.namespace}/${stream.name} not found on ${source}`,
      {
        key: 'imagestreams',
      },
    );
  }
  const body = object as { spec?: { tags?: { name?: string }[] }; status?: { tags?: { tag?: string }[] } };
  const names = [
    ...(body.spec?.tags ?? []).map((t) => t.name),
    ...(body.status?.tags ?? []).map((t) => t.tag),
  ].filter((n): n is string => typeof n === 'string' && n !== '');
  return [...new Set(names)];
}

/** How long a source digest read by one host is reused by the others (one task on all targets; short, as watch mode reuses the run cache). */
const SOURCE_TTL_MS = 10_000;

/**
 * The source manifest of `ref`, shared through the run cache for a short while so N targets make
 * one request. Throws when the source has no such image.
 */
export function sourceImage(
  client: RegistryClient,
  ref: ImageRef,
  all: boolean,
  policy: RetryPolicy,
  context: ModuleContext,
): Promise<SourceImage> {
  const key = runCacheKey<{ at: number; value: Promise<SourceImage> }>(
    `image_copy:source:${client.endpoint.host}/${ref.repository}@${referenceOf(ref)}:${all}`,
  );
  const cache = context.services.runCache;
  const now = context.services.clock.now();
  const read = (): { at: number; value: Promise<SourceImage> } => {
    const entry = { at: now, value: withRetries(() => readSource(client, ref, all), policy, context) };
    entry.value.catch(() => forget(cache, key, entry));
    return entry;
  };
  return getOrCreate(cache, key, read, { stale: (entry) => now - entry.at >= SOURCE_TTL_MS }).value;
}

async function readSource(client: RegistryClient, ref: ImageRef, all: boolean): Promise<SourceImage> {
  const reference = referenceOf(ref);
  const head = await client.headManifest(ref.repository, reference);
  const name = `${client.endpoint.host}/${ref.repository}${ref.digest ? '@' : ':'}${reference}`;
  if (!head) throw new RegistryError(`${client.endpoint.label}: source image ${name} not found`);
  const isList = LIST_TYPES.has(head.mediaType);
  if (!isList || all) return { ...head, isList, expected: head.digest };
  const list = await client.getManifest(ref.repository, head.digest);
  if (!list)
    throw new RegistryError(`${client.endpoint.label}: source image ${name} disappeared while reading it`);
  return { ...head, isList, expected: platformDigest(list.body, name) };
}

/** Go's name of this machine's architecture, as manifest lists use it. */
export function goArch(arch: string = process.arch): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64' };
  return names[arch] ?? arch;
}

/** The digest of the linux/<this arch> image in a manifest list (what skopeo copies without --all). */
export function platformDigest(body: Buffer, name: string, arch: string = goArch()): string {
  const list = JSON.parse(body.toString('utf8')) as {
    manifests?: { digest?: string; platform?: { os?: string; architecture?: string } }[];
  };
  const match = (list.manifests ?? []).find(
    (m) => m.platform?.os === 'linux' && m.platform.architecture === arch && typeof m.digest === 'string',
  );
  if (!match?.digest) {
    throw new RegistryError(
      `source image ${name} is a manifest list without a linux/${arch} image; set all: true to copy the whole list`,
    );
  }
  return match.digest;
}
