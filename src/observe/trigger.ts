/**
 * What a worker hands a trigger (a command like oc observe's, or a playbook run in-process) and
 * what it gets back. Triggers never throw for a failed run: the outcome says so, and the observer
 * requeues the key with backoff and counts it toward --maximum-errors.
 */
import type { ResourceInfo } from '../kube/types.ts';
import type { ObservedEvent } from './contracts.ts';

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

export interface TriggerOutcome {
  /** 0 on success; the command's exit code, or the playbook's (2 failed, 4 unreachable). */
  exitCode: number;
  /** Set when the run failed: what to print after `error: `. */
  error?: string;
  /** True when nothing ran (a filtered object, a Deleted event without --delete). */
  skipped?: boolean;
}

export interface Trigger {
  run(item: TriggerItem, signal: AbortSignal): Promise<TriggerOutcome>;
  /** Releases what the trigger holds (kube clients, file watchers). */
  close?(): Promise<void>;
}
