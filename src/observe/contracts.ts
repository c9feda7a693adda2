/**
 * The seams of watch mode (issue 5), fixed first so the watch machinery and the `mcsync observe`
 * command can be built side by side. client-go's split: a reflector lists and watches one
 * resource on one cluster and turns changes into events; the observer keys them into a work
 * queue that de-duplicates; workers run a trigger (a command, or a playbook in-process) per key.
 */
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject, ResourceInfo } from '../kube/types.ts';
import { keyOf } from '../kube/types.ts';
import type { Clock } from '../shared/clock.ts';
import type { LeaseLock } from './lease-lock.ts';

/** oc observe's event types: Sync for the initial list and every resync. */
export type ObserveEventType = 'Sync' | 'Added' | 'Updated' | 'Deleted';

/** One change to one object on one cluster. */
export interface ObservedEvent {
  type: ObserveEventType;
  /** Inventory host (or kubeconfig context) the object lives on. */
  cluster: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
  /** The object as last seen (for Deleted: its final state). */
  object: KubeObject;
}

/**
 * `cluster/namespace/name`: the work queue's key, shown in the observer's log lines and errors;
 * namespace is '' for cluster-scoped kinds (`east//node-1`).
 */
export function eventKey(event: Pick<ObservedEvent, 'cluster' | 'namespace' | 'name'>): string {
  return keyOf({ cluster: event.cluster, namespace: event.namespace, name: event.name });
}

/** Why the reflector's store was brought in step with the server (see onStoreSynced). */
export type StoreSyncCause = 'list' | 'relist' | 'resync';

export interface ReflectorOptions {
  client: KubeClient;
  cluster: string;
  resource: ResourceInfo;
  /** Undefined: all namespaces (or a cluster-scoped kind). */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Re-emit every cached object as Sync this often (0: never). */
  resyncPeriodMs?: number | undefined;
  /** Restart a watch that has sent nothing (not even a bookmark) for this long (default 90 s). */
  watchdogMs?: number | undefined;
  /** The watch's server-side timeoutSeconds (default: 180-300 s, jittered per watch). */
  watchTimeoutSeconds?: number | undefined;
  /** Reconnect backoff after a failure: base doubling to max (defaults 100 ms and 30 s). */
  backoffBaseMs?: number | undefined;
  backoffMaxMs?: number | undefined;
  /** List page size (default 500; pages are followed with `continue`). */
  pageSize?: number | undefined;
  /** Called in order, one event at a time, for every change; never concurrently. */
  onEvent(event: ObservedEvent): void;
  /**
   * Called once the store holds the whole selection again, after the events that brought it
   * there: the first list, a relist (after 410 Gone or a 401), a resync. The moments a
   * level-based consumer compares everything (oc re-runs --names on each list).
   */
  onStoreSynced?(cause: StoreSyncCause): void;
  /** Called after every failed list/watch before the reflector backs off and tries again. */
  onError?(error: Error): void;
  /** Backoff, watchdog, resync and sync times (default the system clock). */
  clock?: Clock | undefined;
  signal: AbortSignal;
}

export interface Reflector {
  /** Resolves after the first successful list has been emitted as Sync events. */
  readonly synced: Promise<void>;
  /** The objects currently known, by `namespace/name`. */
  readonly store: ReadonlyMap<string, KubeObject>;
  /** Counters for metrics: how often the watch reconnected, relisted after 410, timed out. */
  readonly stats: { reconnects: number; relists: number; watchdogRestarts: number; lastSyncMs: number };
  /** Stops watching; resolves once every connection is closed. */
  stop(): Promise<void>;
}

/**
 * Where a key waits, each lane with workers of its own: `changes` for what the watch saw,
 * `reconcile` for passes over a whole selection (so a long pass never delays a live change).
 */
export type QueueLane = 'changes' | 'reconcile';

/** client-go's rate-limited work queue, for string keys. */
export interface WorkQueue {
  /**
   * Queue a key in `lane` (default `changes`); a key already waiting is not queued twice (and
   * keeps its lane); a key being processed is re-queued after done().
   */
  add(key: string, lane?: QueueLane): void;
  /**
   * Queue after the key's backoff (per key, exponential: base doubling to cap). `maxDelayMs`
   * lowers the cap for this call: an unreachable target's keys retry at least once per resync.
   */
  addRateLimited(key: string, maxDelayMs?: number): void;
  /** Reset a key's backoff after it succeeded. */
  forget(key: string): void;
  /** Failures counted for a key since its last forget(). */
  retries(key: string): number;
  /** The next key of `lane` (default `changes`), or undefined once shut down and that lane is drained. */
  get(lane?: QueueLane): Promise<string | undefined>;
  /** Marks a key processed (required after every get()). */
  done(key: string): void;
  /** Keys waiting in either lane (not counting delayed ones). */
  readonly length: number;
  /** Stop accepting keys; get() drains what is queued, then returns undefined. */
  shutDown(): void;
}

/** Leader election on a coordination.k8s.io/v1 Lease. */
export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Runs while this process leads; its signal aborts when leadership is lost or on stop. */
  onStartedLeading(signal: AbortSignal): Promise<void>;
  onStoppedLeading?(): void;
  /** Called when a Lease read or write fails (the elector retries on its own). */
  onError?(error: Error): void;
  /** The lock (default: the Lease `namespace/name` through `client`); tests pass an in-memory one. */
  lock?: LeaseLock | undefined;
  /** Retry, renew and lease-expiry times (default the system clock). */
  clock?: Clock | undefined;
  signal: AbortSignal;
}
