/**
 * How k8s_sync carries an ImageStream's images to a target. On OpenShift, pushed images live only
 * in `status.tags`, which a sync never copies; so before the object is sanitized, its spec is
 * rewritten from its status:
 *
 * - `mirror` (default; what `oc export` did): each status tag with images becomes a spec tag
 *   `from: {kind: DockerImage, name: <source repository>:<tag>}` (or `@<digest>` with
 *   `pin: digest`), keeping the spec tag's other fields (annotations, importPolicy…); spec-only
 *   tags stay as they are. The target's importer then pulls the tag from the source's registry
 *   with the synced pull secret.
 * - `copy`: the images are copied to the target's own registry and each tag points there by
 *   digest, so the target never pulls across clusters.
 * - `spec`: the spec as it is (for users who manage spec tags themselves).
 *
 * The source repository is `status.publicDockerImageRepository` when OpenShift reports one (the
 * registry's route, reachable from other clusters), else `status.dockerImageRepository` (as
 * `oc export`); a stream without either points each tag at its image's `dockerImageReference`.
 * A stream whose `spec.dockerImageRepository` names an upstream repository keeps its spec, as
 * `oc export` did. Pure: inputs are never mutated.
 */
import { McsyncError } from '../../errors.ts';
import { isRecord } from '../../kube/index.ts';
import type { KubeObject } from '../../kube/index.ts';

export type ImageStreamMode = 'mirror' | 'copy' | 'spec';
export type ImageStreamPin = 'tag' | 'digest';

/** Per-object choice, on the source ImageStream; wins over the task's `imagestream_mode`. */
export const IMAGESTREAM_MODE_ANNOTATION = 'mcsync.io/imagestream-mode';
/** Per-object choice of `tag` or `digest` references in `mirror` mode. */
export const IMAGESTREAM_PIN_ANNOTATION = 'mcsync.io/imagestream-pin';

const MODES: readonly string[] = ['mirror', 'copy', 'spec'];
const PINS: readonly string[] = ['tag', 'digest'];

/** The task's settings. */
export interface ImageStreamSettings {
  mode: ImageStreamMode;
  pin: ImageStreamPin;
  /** The source host's registry (host:port), for `copy`. */
  sourceRegistry?: string | undefined;
  /** The target host's registry (host:port), for `copy`. */
  targetRegistry?: string | undefined;
}

/** One tag the target must end up with: the image the source's status has for it. */
export interface TagPlan {
  tag: string;
  /** Digest of the image on the source (`status.tags[].items[0].image`). */
  digest: string;
  /** What the target's spec tag points at. */
  from: string;
  /** `copy`: the image to copy, `<namespace>/<name>@<digest>` in the source registry, and its name at the target. */
  copy?: { name: string; to: string };
}

/** An ImageStream as it is sent to a target, and what its tags must resolve to there. */
export interface ImageStreamPlan {
  mode: ImageStreamMode;
  /** The source object with its spec rewritten (status still present; sanitize drops it). */
  object: KubeObject;
  tags: TagPlan[];
}

interface TagEvent {
  image?: unknown;
  dockerImageReference?: unknown;
}

interface StatusTag {
  tag: string;
  latest: TagEvent;
}

export function isImageStream(object: KubeObject): boolean {
  return object.kind === 'ImageStream' && (object.apiVersion ?? '').startsWith('image.openshift.io/');
}

/** The mode and pin for one object: its annotations, else the task's settings. */
export function effectiveSettings(object: KubeObject, settings: ImageStreamSettings): ImageStreamSettings {
  const annotations = object.metadata?.annotations ?? {};
  const where = `ImageStream ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  const mode = annotations[IMAGESTREAM_MODE_ANNOTATION];
  const pin = annotations[IMAGESTREAM_PIN_ANNOTATION];
  if (mode !== undefined && !MODES.includes(mode))
    throw new McsyncError(
      `k8s_sync: ${where}: annotation ${IMAGESTREAM_MODE_ANNOTATION}: '${mode}' is not one of ${MODES.join(', ')}`,
    );
  if (pin !== undefined && !PINS.includes(pin))
    throw new McsyncError(
      `k8s_sync: ${where}: annotation ${IMAGESTREAM_PIN_ANNOTATION}: '${pin}' is not one of ${PINS.join(', ')}`,
    );
  return {
    ...settings,
    mode: (mode as ImageStreamMode | undefined) ?? settings.mode,
    pin: (pin as ImageStreamPin | undefined) ?? settings.pin,
  };
}

/** Status tags that hold at least one image, newest image first (OpenShift's order). */
function statusTags(status: Record<string, unknown>): StatusTag[] {
  const tags = Array.isArray(status['tags']) ? status['tags'] : [];
  return tags.flatMap((entry): StatusTag[] => {
    if (!isRecord(entry) || typeof entry['tag'] !== 'string') return [];
    const items = Array.isArray(entry['items']) ? entry['items'] : [];
    const latest = items[0];
    if (!isRecord(latest) || typeof latest['image'] !== 'string') return [];
    return [{ tag: entry['tag'], latest }];
  });
}

function sourceRepository(status: Record<string, unknown>): string | undefined {
  for (const key of ['publicDockerImageRepository', 'dockerImageRepository']) {
    const value = status[key];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

function requireRegistry(value: string | undefined, side: string, where: string): string {
  if (value) return value;
  throw new McsyncError(
    `k8s_sync: imagestream_mode: copy for ${where} needs the ${side} host's registry variable (host:port of its registry)`,
    { key: 'imagestream_mode' },
  );
}

/** Target identity of the stream (after renaming). */
export interface StreamTarget {
  namespace: string;
  name: string;
}

/**
 * The plan for one source ImageStream, or undefined when it is not an ImageStream or its mode is
 * `spec`. `target` is where it lands (renamed by name_prefix/name_suffix).
 */
export function planImageStream(
  source: KubeObject,
  settings: ImageStreamSettings,
  target: StreamTarget,
): ImageStreamPlan | undefined {
  if (!isImageStream(source)) return undefined;
  const chosen = effectiveSettings(source, settings);
  if (chosen.mode === 'spec') return undefined;
  const object = structuredClone(source);
  const spec: Record<string, unknown> = isRecord(object['spec']) ? object['spec'] : {};
  object['spec'] = spec;
  const status = isRecord(source['status']) ? source['status'] : {};
  if (typeof spec['dockerImageRepository'] === 'string' && spec['dockerImageRepository'])
    return { mode: chosen.mode, object, tags: [] };
  const where = `ImageStream ${target.namespace}/${target.name}`;
  const plans = statusTags(status).map((s) => tagPlan(s, status, chosen, source, target, where));
  const specTags = (Array.isArray(spec['tags']) ? spec['tags'] : []).filter(isRecord);
  const byName = new Map(plans.map((p) => [p.tag, p]));
  const rewritten = specTags.map((tag) => {
    const plan = typeof tag['name'] === 'string' ? byName.get(tag['name']) : undefined;
    return plan ? { ...tag, from: { kind: 'DockerImage', name: plan.from } } : tag;
  });
  const named = new Set(specTags.map((t) => t['name']));
  for (const plan of plans)
    if (!named.has(plan.tag))
      rewritten.push({ name: plan.tag, from: { kind: 'DockerImage', name: plan.from } });
  if (rewritten.length) spec['tags'] = rewritten;
  return { mode: chosen.mode, object, tags: plans };
}

function tagPlan(
  s: StatusTag,
  status: Record<string, unknown>,
  settings: ImageStreamSettings,
  source: KubeObject,
  target: StreamTarget,
  where: string,
): TagPlan {
  const digest = s.latest.image as string;
  if (settings.mode === 'copy') {
    requireRegistry(settings.sourceRegistry, 'source', where);
    const to = requireRegistry(settings.targetRegistry, 'target', where);
    const sourceRepo = `${source.metadata?.namespace ?? ''}/${source.metadata?.name ?? ''}`;
    return {
      tag: s.tag,
      digest,
      from: `${to}/${target.namespace}/${target.name}@${digest}`,
      copy: { name: `${sourceRepo}@${digest}`, to: `${target.namespace}/${target.name}:${s.tag}` },
    };
  }
  const repository = sourceRepository(status);
  if (!repository) {
    const reference = typeof s.latest.dockerImageReference === 'string' ? s.latest.dockerImageReference : '';
    if (!reference)
      throw new McsyncError(
        `k8s_sync: ${where}: status tag '${s.tag}' has no dockerImageReference and the stream no repository`,
      );
    return { tag: s.tag, digest, from: reference };
  }
  const from = settings.pin === 'digest' ? `${repository}@${digest}` : `${repository}:${s.tag}`;
  return { tag: s.tag, digest, from };
}
