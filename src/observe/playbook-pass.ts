/**
 * A pass as the playbook sees it, and what the playbook's k8s_sync tasks report back about it.
 *
 * The pass's `observed` extra var has no single object: `batch` lists every object of the
 * selection, `selection` is the observer's selection as a k8s_sync selector (so one k8s_sync task
 * converges all of it: one list per kind on the source and per target, one write per object that
 * differs, as mcsync-play does), and `prune` says whether copies whose source is gone or no
 * longer selected are to be deleted (`mcsync observe --prune`).
 *
 * From the run's k8s_sync results of the observed kind, per target: objects `pruned` are the
 * copies removed, `orphans` (k8s_sync without prune) the copies kept.
 */
import type { KubeObject } from '../kube/types.ts';
import type { EngineEvent } from '../model/events.ts';
import { k8sSyncModule } from '../modules/kube/k8s-sync.module.ts';
import type { OrphanReport, SyncObjectReport } from '../modules/kube/k8s-sync.module.ts';
import type { AnnotationMatch } from './observer-options.ts';
import type { CopiesFound, TriggerPass } from './trigger.ts';

const SYNC_MODULE_NAMES = new Set([k8sSyncModule.name, ...(k8sSyncModule.aliases ?? [])]);

/** The `observed` extra var of a pass over `objects` (the selection after --when-annotation). */
export function passVars(
  pass: TriggerPass,
  objects: readonly KubeObject[],
  settings: { prune: boolean; whenAnnotation: AnnotationMatch | undefined },
): Record<string, unknown> {
  const refs = objects.map((o) => ({
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
  }));
  const match = settings.whenAnnotation;
  return {
    kind: pass.resource.kind,
    apiVersion: pass.resource.apiVersion,
    resource: pass.resource.resource,
    namespaced: pass.resource.namespaced,
    namespace: pass.namespace ?? '',
    cluster: pass.cluster,
    type: 'Sync',
    key: pass.key,
    cause: pass.cause,
    batch: refs,
    namespaces: [...new Set(refs.map((r) => r.namespace).filter(Boolean))].sort(),
    selection: {
      api_version: pass.resource.apiVersion,
      kind: pass.resource.kind,
      ...(pass.namespace ? { namespace: pass.namespace } : {}),
      ...(pass.labelSelector ? { label_selector: pass.labelSelector } : {}),
      ...(match
        ? { annotation_selector: match.value === undefined ? match.key : `${match.key}=${match.value}` }
        : {}),
    },
    prune: settings.prune,
  };
}

/** Collects, from a pass's engine events, what its k8s_sync tasks did with copies of `kind`. */
export class CopiesCollector {
  readonly #kind: string;
  readonly #found = new Map<string, CopiesFound>();

  constructor(kind: string) {
    this.#kind = kind;
  }

  /** Feed every engine event of the run. */
  readonly onEvent = (event: EngineEvent): void => {
    if (event.type !== 'host_result' || event.loopSummary || !SYNC_MODULE_NAMES.has(event.task.module))
      return;
    const { objects, orphans } = event.result as { objects?: unknown; orphans?: unknown };
    if (!Array.isArray(objects)) return;
    const found = this.#found.get(event.host) ?? { removed: [], kept: [] };
    this.#found.set(event.host, found);
    for (const o of objects as SyncObjectReport[])
      if (o.action === 'pruned' && o.kind === this.#kind) found.removed.push(refName(o));
    for (const o of Array.isArray(orphans) ? (orphans as OrphanReport[]) : [])
      if (o.kind === this.#kind) found.kept.push(refName(o));
  };

  /** Per target that ran a k8s_sync task: the copies removed and kept. */
  found(): Record<string, CopiesFound> {
    return Object.fromEntries(this.#found);
  }
}

function refName(o: OrphanReport): string {
  return o.namespace ? `${o.namespace}/${o.name}` : o.name;
}
