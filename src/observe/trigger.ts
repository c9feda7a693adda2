/**
 * What a worker hands a trigger (a command like oc observe's, or a playbook run in-process) and
 * what it gets back. Triggers never throw for a failed run: the outcome says so, per target when
 * the trigger has targets (the playbook's recap). The observer retries a failed target on its own
 * and counts the event once toward --maximum-errors; an unreachable target is no error at all, it
 * is down until its recovery succeeds (target-recovery.ts).
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
  cause: PassCause;
}

/** Why a pass runs: the store was synced (list, relist, resync), or a down target is retried. */
export type PassCause = StoreSyncCause | 'recovery';

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
 * Which playbook targets a run is for: the observer's per-target isolation (target-recovery.ts).
 * Absent, or both fields absent: every target. A command trigger has no targets and ignores it.
 */
export interface RunScope {
  /**
   * Only these targets: the retry of the targets a run failed on, or a down target's recovery.
   * Such a run is a retry of work that was already taken, so filters that remember what they
   * saw (--when-annotation) are not applied again.
   */
  only?: readonly string[];
  /** Every target but these: the targets known to be down, which their recovery catches up. */
  except?: readonly string[];
}

export interface Trigger {
  run(item: TriggerItem, signal: AbortSignal, scope?: RunScope): Promise<TriggerOutcome>;
  /** Converges the whole selection in one run; without it every object runs on its own. */
  runPass?(pass: TriggerPass, signal: AbortSignal, scope?: RunScope): Promise<TriggerOutcome>;
  /** Releases what the trigger holds (kube clients, file watchers). */
  close?(): Promise<void>;
}
