/**
 * Server-side apply of one object with field manager `mcsync`, and an honest `changed`: true only
 * when the live object really changed (a new resourceVersion; for dry-run, a difference from the
 * live object once server bookkeeping is set aside).
 */
import { parseJson } from './client.ts';
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import { FIELD_MANAGER } from './labels.ts';
import { getObject, namespaceFor, objectChanged, withType } from './ops.ts';
import { resourcePath } from './paths.ts';
import type { KubeObject, ObjectRef } from './types.ts';
import { describeRef, refOf } from './types.ts';

export interface ApplyOptions {
  /** Take over fields owned by other managers (`force=true`); default false. */
  force?: boolean;
  /** Server-side dry run (`dryRun=All`): nothing is written (check mode). */
  dryRun?: boolean;
  /** Default `mcsync`. */
  fieldManager?: string;
  /** Namespace for namespaced objects that name none (then the kubeconfig's, then `default`). */
  defaultNamespace?: string | undefined;
  /**
   * The live object when the caller already has it (k8s_sync lists once per kind): `null` means
   * known to be absent, undefined means "GET it first".
   */
  live?: KubeObject | null;
}

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyResult {
  ref: ObjectRef;
  action: ApplyAction;
  changed: boolean;
  /** Live object before the apply (undefined when it did not exist). */
  before: KubeObject | undefined;
  /** The object as the server returned it (the would-be object in dry-run). */
  after: KubeObject;
}

/**
 * Applies `object` (apiVersion, kind and metadata.name required). The namespace is filled in for
 * namespaced kinds and removed for cluster-scoped ones. A field-manager conflict becomes a
 * KubeApiError that suggests `force_conflicts: true`.
 */
export async function applyObject(
  client: KubeClient,
  object: KubeObject,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const given = refOf(object);
  const info = await client.resource(given.apiVersion, given.kind);
  const namespace = namespaceFor(
    info,
    given.namespace,
    options.defaultNamespace ?? client.connection.defaultNamespace,
  );
  const ref: ObjectRef = { apiVersion: info.apiVersion, kind: info.kind, name: given.name, namespace };
  const body: KubeObject = { ...object, metadata: { ...object.metadata, namespace } };
  if (namespace === undefined) delete body.metadata?.namespace;
  const before = options.live === undefined ? await getObject(client, ref) : (options.live ?? undefined);
  let text: string;
  try {
    const res = await client.requestText({
      method: 'PATCH',
      path: resourcePath(info, namespace, given.name),
      body,
      contentType: 'application/apply-patch+yaml',
      query: {
        fieldManager: options.fieldManager ?? FIELD_MANAGER,
        force: options.force ? 'true' : undefined,
        dryRun: options.dryRun ? 'All' : undefined,
      },
    });
    text = res.text;
  } catch (error) {
    throw conflictHint(error, ref);
  }
  const parse = (): KubeObject => withType((parseJson(text) ?? {}) as KubeObject, info);
  if (!before) return createdResult(ref, parse);
  const after = parse();
  const changed = objectChanged(before, after, options.dryRun ?? false);
  return { ref, action: changed ? 'configured' : 'unchanged', changed, before, after };
}

/**
 * The result of a create, whose `after` is parsed from the answer only when read: deciding
 * `changed` needs no answer for a new object, and a sync of thousands of them reads none.
 */
function createdResult(ref: ObjectRef, parse: () => KubeObject): ApplyResult {
  let after: KubeObject | undefined;
  const result = { ref, action: 'created', changed: true, before: undefined } as ApplyResult;
  Object.defineProperty(result, 'after', { enumerable: true, get: () => (after ??= parse()) });
  return result;
}

/** Adds "set force_conflicts: true" to field-manager conflicts (409 on apply). */
function conflictHint(error: unknown, ref: ObjectRef): unknown {
  if (!(error instanceof KubeApiError) || error.status !== 409) return error;
  return new KubeApiError(
    `${describeRef(ref)}: ${error.message}; another field manager owns these fields — ` +
      'set force_conflicts: true to take them over',
    { status: error.status, reason: error.reason, method: error.method, path: error.path },
    { cause: error },
  );
}
