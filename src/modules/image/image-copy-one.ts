/**
 * One image to one target: read the source digest (shared by all targets), HEAD the
 * destination — equal digest means `unchanged` and no process starts — otherwise copy with
 * skopeo (or only report it in check mode), then verify that the destination now has the
 * source's digest and, when asked, point the target's ImageStream tag at it.
 */
import { kubeClientFor } from '../../kube/index.ts';
import type { ModuleContext } from '../../model/module.ts';
import type { CopyWorkspace } from '../../image/copy-workspace.ts';
import type { ImageSpec } from './image-copy-args.ts';
import type { ImageRef } from '../../image/image-ref.ts';
import { formatRef, parseImageRef, referenceOf, targetRef } from '../../image/image-ref.ts';
import { sourceImage } from './image-source.ts';
import type { TagAction } from '../../image/image-stream-tag.ts';
import { pointStreamTag, streamTagOf } from '../../image/image-stream-tag.ts';
import type { RegistryClient } from '../../image/registry-client.ts';
import type { ResolvedRegistry } from '../../image/registry-endpoint.ts';
import { RegistryError } from '../../image/registry-errors.ts';
import type { RetryPolicy } from '../../image/retry.ts';
import { withRetries } from '../../image/retry.ts';
import type { SkopeoOptions } from '../../image/skopeo.ts';
import { skopeoCopy } from '../../image/skopeo.ts';

/** How one image ended on one target. */
export interface ImageOutcome {
  /** Full source reference. */
  image: string;
  /** Full destination reference. */
  destination: string;
  action: 'copied' | 'unchanged' | 'would copy' | 'failed';
  changed: boolean;
  /** The digest the target has now (in check mode: would have). */
  digest?: string;
  /** The target's digest before (absent: no such image). */
  before?: string;
  imagestream?: TagAction | `would ${'create' | 'update'}`;
  msg?: string;
}

/** What every image of one run shares. */
export interface CopySession {
  context: ModuleContext;
  /** The registry a host:port stands for (the source's, the target's, another host's). */
  registry(host: string | undefined, side: 'src' | 'dest'): Promise<ResolvedRegistry>;
  client(registry: ResolvedRegistry): RegistryClient;
  workspace(src: ResolvedRegistry, dest: ResolvedRegistry): Promise<CopyWorkspace>;
  skopeo: SkopeoOptions;
  policy: RetryPolicy;
  all: boolean;
  updateImageStream: boolean;
}

/** Copies (or checks) one image; failures become a `failed` outcome, never a throw. */
export async function copyImage(spec: ImageSpec, index: number, session: CopySession): Promise<ImageOutcome> {
  let names = { image: spec.name, destination: spec.to ?? spec.name };
  try {
    const sourceRef = parseImageRef(spec.name, `images[${index}].name`);
    const destRef = targetRef(sourceRef, spec.to ? parseImageRef(spec.to, `images[${index}].to`) : undefined);
    const src = await session.registry(sourceRef.registry, 'src');
    const dest = await session.registry(destRef.registry, 'dest');
    names = { image: formatRef(src.host, sourceRef), destination: formatRef(dest.host, destRef) };
    return await transfer({ sourceRef, destRef, src, dest, ...names }, session);
  } catch (error) {
    return { ...names, action: 'failed', changed: false, msg: (error as Error).message };
  }
}

interface Transfer {
  sourceRef: ImageRef;
  destRef: ImageRef;
  src: ResolvedRegistry;
  dest: ResolvedRegistry;
  image: string;
  destination: string;
}

async function transfer(t: Transfer, session: CopySession): Promise<ImageOutcome> {
  const { context, policy } = session;
  const source = await sourceImage(session.client(t.src), t.sourceRef, session.all, policy, context);
  const destClient = session.client(t.dest);
  const head = () => destClient.headManifest(t.destRef.repository, referenceOf(t.destRef));
  const before = (await withRetries(head, policy, context))?.digest;
  const base = { image: t.image, destination: t.destination, ...(before ? { before } : {}) };
  if (before === source.expected) {
    return {
      ...base,
      action: 'unchanged',
      changed: false,
      digest: before,
      ...(await tagStep(t, before, session)),
    };
  }
  if (context.check) {
    return {
      ...base,
      action: 'would copy',
      changed: true,
      digest: source.expected,
      ...(await tagStep(t, source.expected, session)),
    };
  }
  const workspace = await session.workspace(t.src, t.dest);
  const request = { source: t.image, destination: t.destination, src: t.src, dest: t.dest };
  await skopeoCopy(request, workspace, session.skopeo, context);
  const after = (await withRetries(head, policy, context))?.digest;
  if (after !== source.expected) {
    throw new RegistryError(
      `${t.dest.label}: ${t.destination} has digest ${after ?? '(none)'} after the copy, expected ${source.expected} from ${t.image}` +
        (session.skopeo.preserveDigests
          ? ''
          : ' (skopeo rewrote the manifest, e.g. compressed plain layers; set preserve_digests: true)'),
    );
  }
  return { ...base, action: 'copied', changed: true, digest: after, ...(await tagStep(t, after, session)) };
}

async function tagStep(
  t: Transfer,
  digest: string,
  session: CopySession,
): Promise<Partial<Pick<ImageOutcome, 'imagestream' | 'changed'>>> {
  if (!session.updateImageStream) return {};
  const target = streamTagOf(t.destRef.repository, t.destRef.tag ?? t.sourceRef.tag);
  const image = `${t.dest.host}/${t.destRef.repository}@${digest}`;
  const client = await kubeClientFor(session.context);
  const action = await pointStreamTag(client, target, image, session.context.check);
  if (action === 'unchanged') return { imagestream: action };
  return {
    imagestream: session.context.check ? `would ${action === 'created' ? 'create' : 'update'}` : action,
    changed: true,
  };
}
