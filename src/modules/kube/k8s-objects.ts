/** Gathers and checks the k8s module's objects from all of its sources. */
import { McsyncError } from '../../errors.ts';
import type { ModuleContext } from '../../model/module.ts';
import { isRecord } from '../../kube/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import type { K8sArgs } from './k8s-args.ts';
import { definitionObjects, srcObjects, templateObjects } from './manifest-sources.ts';
import type { SourcedObject } from './manifest-sources.ts';

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Objects from `definition`, `src` and `template` (in that order), or the single object named
 * by `api_version` + `kind` + `name`. `api_version`/`kind` also fill in objects that lack them.
 * Throws a McsyncError naming the source of an object without apiVersion, kind or name.
 */
export async function collectObjects(
  args: K8sArgs,
  context: ModuleContext,
  state: string,
): Promise<SourcedObject[]> {
  const sourced: SourcedObject[] = [];
  if (args.definition !== undefined && args.definition !== null)
    sourced.push(...definitionObjects(args.definition));
  sourced.push(...(await srcObjects(list(args.src), context)));
  sourced.push(...(await templateObjects(list(args.template), context)));
  const given = args.definition !== undefined || args.src !== undefined || args.template !== undefined;
  if (!given) {
    if (!args.kind || !args.name) {
      throw new McsyncError(
        'k8s needs definition, src or template, or api_version + kind + name of one object',
        { key: 'definition' },
      );
    }
    const metadata = { name: args.name, ...(args.namespace ? { namespace: args.namespace } : {}) };
    sourced.push({
      object: { apiVersion: args.api_version ?? 'v1', kind: args.kind, metadata },
      origin: 'api_version/kind/name',
    });
  }
  const objects = sourced.map((s) => ({
    ...s,
    object: checked(withDefaults(s.object, args), s.origin, state),
  }));
  rejectDuplicates(objects, args.namespace);
  return objects;
}

/**
 * The same object twice in one task would be written twice, the later copy silently replacing the
 * earlier one's fields on every run; refuse before anything is written, naming both sources.
 */
function rejectDuplicates(objects: readonly SourcedObject[], namespace: string | undefined): void {
  const seen = new Map<string, string>();
  for (const { object, origin } of objects) {
    const ns = object.metadata?.namespace ?? namespace ?? '';
    const key = `${object.apiVersion}/${object.kind} ${ns ? `${ns}/` : ''}${object.metadata?.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new McsyncError(
        `${key} is defined twice in this task (${first} and ${origin}): merge the two or give them different names`,
        { key: 'definition' },
      );
    }
    seen.set(key, origin);
  }
}

function withDefaults(object: KubeObject, args: K8sArgs): KubeObject {
  return {
    ...object,
    apiVersion: object.apiVersion ?? args.api_version,
    kind: object.kind ?? args.kind,
  };
}

function checked(object: KubeObject, origin: string, state: string): KubeObject {
  const missing: string[] = [];
  if (typeof object.apiVersion !== 'string' || !object.apiVersion) missing.push('apiVersion');
  if (typeof object.kind !== 'string' || !object.kind) missing.push('kind');
  const metadata = object.metadata;
  if (!isRecord(metadata) || typeof metadata['name'] !== 'string' || !metadata['name']) {
    const hint =
      isRecord(metadata) && metadata['generateName']
        ? ' (generateName is not supported: server-side apply needs a name)'
        : '';
    missing.push(`metadata.name${hint}`);
  }
  if (missing.length) {
    throw new McsyncError(`${origin}: object to make ${state} has no ${missing.join(', ')}`, {
      key: 'definition',
    });
  }
  return object;
}
