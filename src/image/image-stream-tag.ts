/**
 * `update_imagestream`: points tag T of ImageStream <namespace>/<name> on the target cluster at
 * the copied image by digest (`DockerImage <registry>/<namespace>/<name>@sha256:…`), so
 * deployments with image-change triggers roll out. Creates the ImageStream when missing (marked
 * managed-by mcsync); other tags are left alone (JSON patch guarded by a `test` of the tag name).
 */
import { McsyncError } from '../errors.ts';
import { applyObject, getObject, patchObject, withManagedBy } from '../kube/index.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../kube/index.ts';

/** What happened to the tag. */
export type TagAction = 'created' | 'updated' | 'unchanged';

export interface StreamTag {
  namespace: string;
  name: string;
  tag: string;
}

interface TagEntry {
  name?: string;
  from?: { kind?: string; name?: string };
}

/** The ImageStream tag a target repository (`namespace/name`) and tag stand for. */
export function streamTagOf(repository: string, tag: string | undefined): StreamTag {
  const parts = repository.split('/');
  if (parts.length !== 2 || !tag) {
    throw new McsyncError(
      `image_copy: update_imagestream needs targets named <namespace>/<name>:<tag>, got '${repository}${tag ? `:${tag}` : ''}'`,
      { key: 'update_imagestream' },
    );
  }
  return { namespace: parts[0] as string, name: parts[1] as string, tag };
}

/** Points the tag at `image` (a by-digest reference); `dryRun` writes nothing (check mode). */
export async function pointStreamTag(
  client: KubeClient,
  target: StreamTag,
  image: string,
  dryRun: boolean,
): Promise<TagAction> {
  const ref: ObjectRef = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    namespace: target.namespace,
    name: target.name,
  };
  const from = { kind: 'DockerImage', name: image };
  const live = await getObject(client, ref);
  if (!live) {
    const object: KubeObject = withManagedBy({
      ...ref,
      metadata: { name: target.name, namespace: target.namespace },
      spec: { tags: [{ name: target.tag, from }] },
    });
    await applyObject(client, object, { dryRun });
    return 'created';
  }
  const tags = ((live as { spec?: { tags?: TagEntry[] } }).spec?.tags ?? []) as TagEntry[];
  const index = tags.findIndex((t) => t.name === target.tag);
  const current = index >= 0 ? tags[index] : undefined;
  if (current?.from?.kind === 'DockerImage' && current.from.name === image) return 'unchanged';
  const patch =
    index >= 0
      ? [
          { op: 'test', path: `/spec/tags/${index}/name`, value: target.tag },
          { op: 'replace', path: `/spec/tags/${index}/from`, value: from },
        ]
      : tags.length
        ? [{ op: 'add', path: '/spec/tags/-', value: { name: target.tag, from } }]
        : undefined;
  if (patch) await patchObject(client, ref, patch, { type: 'json', dryRun });
  else
    await patchObject(
      client,
      ref,
      { spec: { tags: [{ name: target.tag, from }] } },
      { type: 'merge', dryRun },
    );
  return 'updated';
}
