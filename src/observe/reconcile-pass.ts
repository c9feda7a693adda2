/**
 * Level-based reconcile (issue 15). With a trigger that takes passes (the playbook), the observer
 * does not run once per object of a list: after the first list, every relist and every resync of
 * an observed cluster (so also at the start of each leadership term) it runs one pass over the
 * whole selection, which converges the targets in batched requests and removes, or reports,
 * copies whose source is gone or no longer selected. Nothing depends on having seen a delete.
 *
 * Passes wait in the work queue's reconcile lane and run on a worker of their own, so live
 * changes keep their speed however large the selection. A change served while a pass of its
 * cluster runs is run once more after the pass: the pass may have read the source before the
 * change and written (or pruned) after it.
 */
import type { ResourceInfo } from '../kube/types.ts';
import type { PassCause, TriggerItem } from './trigger.ts';

/** A requested pass; a new request is a new event (counted once toward --maximum-errors). */
export interface PassRequest {
  cluster: string;
  cause: PassCause;
  /** Only these targets: the retry of the targets the pass failed on, or a down target's recovery. */
  only?: readonly string[];
  /** Set on a down target's recovery pass: that target (see target-recovery.ts). */
  recovery?: string;
}

/** The queue key of a down target's recovery pass over `cluster` (see target-recovery.ts). */
export function recoveryKey(
  cluster: string,
  resource: ResourceInfo,
  namespace: string | undefined,
  target: string,
): string {
  // A space is in no inventory host name and no object name: this never collides with a key.
  return `${passKey(cluster, resource, namespace)} recover ${target}`;
}

/**
 * The queue key of the pass over `cluster`: `cluster/namespace/*`, `cluster/*\/*` for every
 * namespace, `cluster//*` for a cluster-scoped kind. `*` is no object name, so it never collides
 * with an object's key.
 */
export function passKey(cluster: string, resource: ResourceInfo, namespace: string | undefined): string {
  return `${cluster}/${resource.namespaced ? (namespace ?? '*') : ''}/*`;
}

/** Which live changes ran while a pass of their cluster did (see the file comment). */
export class PassOverlaps {
  readonly #running = new Map<string, TriggerItem>();
  readonly #duringPass = new Map<string, Map<string, TriggerItem>>();

  changeStarted(key: string, item: TriggerItem): void {
    this.#running.set(key, item);
    this.#duringPass.get(item.cluster)?.set(key, item);
  }

  changeFinished(key: string): void {
    this.#running.delete(key);
  }

  passStarted(cluster: string): void {
    const running = [...this.#running].filter(([, item]) => item.cluster === cluster);
    this.#duringPass.set(cluster, new Map(running));
  }

  /** The changes to run once more: each key with the item it last ran. */
  passFinished(cluster: string): [string, TriggerItem][] {
    const overlapped = this.#duringPass.get(cluster);
    this.#duringPass.delete(cluster);
    return [...(overlapped ?? [])];
  }
}
