/**
 * What a worker hands a trigger (a command like oc observe's, or a playbook run in-process) and
 * what it gets back. Triggers never throw for a failed run: the outcome says so, and the observer
 * requeues the key with backoff and counts it toward --maximum-errors (once per event), unless the
 * run's only failures were unreachable targets: then it is retried without being an error.
 *
 * A trigger that can converge a whole selection in one run (the playbook) also takes passes:
 * after the first list, each relist and each resync the observer hands it everything the cluster
 * holds instead of one Sync item per object (reconcile-pass.ts).
 */
import type { KubeObject, ResourceInfo } from '../kube/types.ts';
import type { ObservedEvent, StoreSyncCause } from './contracts.ts';

/** One key's latest change, as the worker takes it from the queue. */
export interface TriggerItem extends ObservedEvent {
  key: string;
  resource: ResourceInfo;
  /**
   * False for deletions found by reconciling --names at start: only the namespace and name are
   * known, so no template argument is rendered (oc does the same).
   */
  finalStateKnown: boolean;
}

/** How one target (an inventory host) fared in a run: as its recap says. */
export type TargetResult = 'ok' | 'failed' | 'unreachable';

/** One pass over the whole selection on one observed cluster. */
export interface TriggerPass {
  /** The pass's queue key and name in log lines: `cluster/namespace/*` (`*` every namespace). */
  key: string;
  cluster: string;
  resource: ResourceInfo;
  /** The observed namespace; undefined: every namespace, or a cluster-scoped kind. */
  namespace: string | undefined;
  labelSelector: string | undefined;
  /** Every object of the selection the cluster holds now (the trigger applies its own filters). */
  objects: readonly KubeObject[];
  cause: StoreSyncCause;
}

/**
 * What a pass found on one target about copies whose source is gone or no longer selected
 * (`namespace/name`, or `name` for cluster-scoped kinds): removed, or kept for want of prune.
 */
export interface CopiesFound {
  removed: string[];
  kept: string[];
}

export interface TriggerOutcome {
  /** 0 on success; the command's exit code, or the playbook's (2 failed, 4 unreachable). */
  exitCode: number;
  /** Set when the run failed: what to print after `error: `. */
  error?: string;
  /** True when nothing ran (a filtered object, a Deleted event without --delete). */
  skipped?: boolean;
  /**
   * Per target, from the playbook's recap (a command trigger has none): the observer keeps each
   * target's health from these, and tells a run that failed only on unreachable targets from one
   * that failed.
   */
  targets?: Readonly<Record<string, TargetResult>>;
  /** A pass's findings per target (absent for a target the pass did not look at). */
  copies?: Readonly<Record<string, CopiesFound>>;
}

/**
 * The targets that were down, when they are a failed run's only failures: exit 4 (the engine's
 * "unreachable"), at least one target unreachable and none failed. The master was read then: a
 * source that cannot be read fails the task on every target (k8s_sync reports it as a failure,
 * not as the target being unreachable). Undefined for any other outcome.
 */
export function unreachableOnly(outcome: TriggerOutcome): string[] | undefined {
  if (outcome.exitCode !== 4 || outcome.error === undefined || !outcome.targets) return undefined;
  const results = Object.entries(outcome.targets);
  if (results.some(([, result]) => result === 'failed')) return undefined;
  const down = results.filter(([, result]) => result === 'unreachable').map(([target]) => target);
  return down.length > 0 ? down : undefined;
}

export interface Trigger {
  run(item: TriggerItem, signal: AbortSignal): Promise<TriggerOutcome>;
  /** Converges the whole selection in one run; without it every object runs on its own. */
  runPass?(pass: TriggerPass, signal: AbortSignal): Promise<TriggerOutcome>;
  /** Releases what the trigger holds (kube clients, file watchers). */
  close?(): Promise<void>;
}
