/**
 * The observe loop, client-go style: reflectors (one per cluster) turn changes into events; each
 * event stores the key's latest state and queues the key; N workers take keys and run the trigger
 * with the latest state (so a burst of changes to one key runs once, and a change during a run
 * runs once more after it). A failed run is requeued with the key's backoff and counted toward
 * --maximum-errors once per event, as oc observe counts it: retries of the same event are not new
 * errors. A run whose only failures are unreachable targets is no error at all: the key retries
 * with backoff capped at the resync period (5 min without one); each target's health is kept from
 * the runs' recaps (target-health.ts).
 *
 * A trigger that takes passes (the playbook) gets no Sync item per object: after the first list,
 * each relist and each resync, one pass over the cluster's whole selection runs in the reconcile
 * lane on a worker of its own (reconcile-pass.ts); what it finds about copies left without a
 * source is reported (orphan-report.ts). `--names` is re-run after every relist, as oc does.
 * Stops on --once (initial list processed), --exit-after, the caller's signal, or too many errors;
 * the run in flight always finishes first.
 */
import type { KubeClient } from '../kube/client.ts';
import type { ResourceInfo } from '../kube/types.ts';
import { goDurationString } from '../shared/duration.ts';
import { eventKey } from './contracts.ts';
import type {
  ObservedEvent,
  QueueLane,
  Reflector,
  ReflectorOptions,
  StoreSyncCause,
  WorkQueue,
} from './contracts.ts';
import type { ObserveMetrics } from './observe-metrics.ts';
import { missingNames, parseKnownNames, runNamesCommand } from './observe-names.ts';
import { OrphanReport } from './orphan-report.ts';
import { PassOverlaps, passKey } from './reconcile-pass.ts';
import type { PassRequest } from './reconcile-pass.ts';
import type { NamesCommandOptions } from './observe-names.ts';
import { TargetHealth } from './target-health.ts';
import { unreachableOnly } from './trigger.ts';
import type { Trigger, TriggerItem, TriggerOutcome } from './trigger.ts';

/** The retry cap of an unreachable target's keys without a resync period. */
const UNREACHABLE_RETRY_CAP_MS = 5 * 60_000;

export interface LoopTarget {
  cluster: string;
  client: KubeClient;
  /** Undefined: every namespace (or a cluster-scoped resource). */
  namespace: string | undefined;
}

export interface LoopConfig {
  targets: readonly LoopTarget[];
  resource: ResourceInfo;
  labelSelector: string | undefined;
  fieldSelector: string | undefined;
  resyncPeriodMs: number;
  watchSilenceTimeoutMs: number;
  once: boolean;
  exitAfterMs: number;
  /** -1: no maximum. */
  maximumErrors: number;
  workers: number;
  trigger: Trigger;
  names: { argv: readonly string[]; options: NamesCommandOptions } | undefined;
  metrics: ObserveMetrics;
  err: NodeJS.WritableStream;
  verbosity: number;
  startReflector(options: ReflectorOptions): Reflector;
  workQueue: WorkQueue;
}

export interface LoopHandle {
  /** True once every cluster's initial list has been queued. */
  ready(): boolean;
  /** Resolves with the exit code when the loop has stopped. */
  done: Promise<number>;
}

/** Starts the loop; it stops when `signal` aborts (exit code 0) or by its own rules. */
export function startObserveLoop(config: LoopConfig, signal: AbortSignal): LoopHandle {
  const loop = new ObserveLoop(config);
  return { ready: () => loop.synced, done: loop.run(signal) };
}

class ObserveLoop {
  readonly #c: LoopConfig;
  readonly #pending = new Map<string, TriggerItem>();
  /** Requested passes by pass key (reconcile lane); see reconcile-pass.ts. */
  readonly #passes = new Map<string, PassRequest>();
  readonly #overlaps = new PassOverlaps();
  readonly #stop = new AbortController();
  /** Targets whose --names run is in flight (see #namesOrStop). */
  readonly #namesInFlight = new Set<LoopTarget>();
  /** The work of the initial list not yet done (for --once), and whether there was any. */
  readonly #initial = new Set<string>();
  #hadInitial = false;
  /**
   * Work (an item per event, a request per pass) whose failure was already counted toward
   * --maximum-errors. A retry runs the same work again, so it is not counted twice; a newer event
   * replaces it and counts.
   */
  readonly #counted = new WeakSet<TriggerItem | PassRequest>();
  readonly #health: TargetHealth;
  readonly #orphans: OrphanReport;
  #reflectors: Reflector[] = [];
  #exitCode = 0;
  #errors = 0;
  #stopping = false;
  #onceArmed = false;
  synced = false;
  #finish: (() => void) | undefined;

  constructor(config: LoopConfig) {
    this.#c = config;
    this.#health = new TargetHealth(config.metrics, config.err, this.#unreachableRetryCapMs());
    this.#orphans = new OrphanReport(config.metrics, config.err);
  }

  /** True when the trigger converges whole selections: Sync events become passes. */
  get #passing(): boolean {
    return this.#c.trigger.runPass !== undefined;
  }

  async run(signal: AbortSignal): Promise<number> {
    const stopped = new Promise<void>((resolve) => (this.#finish = resolve));
    const onSignal = (): void => this.#requestStop(0);
    if (signal.aborted) return 0;
    signal.addEventListener('abort', onSignal, { once: true });
    const reflectors = this.#c.targets.map((t) => this.#startReflector(t));
    this.#reflectors = reflectors;
    const workers = Array.from({ length: this.#c.workers }, () => this.#worker('changes'));
    if (this.#passing) workers.push(this.#worker('reconcile'));
    const timer =
      this.#c.exitAfterMs > 0 ? setTimeout(() => this.#exitAfter(), this.#c.exitAfterMs) : undefined;
    let live = true;
    this.#c.metrics.registry.onCollect?.(() => live && this.#sample(reflectors));
    void this.#afterSync(reflectors);
    await stopped;
    if (timer) clearTimeout(timer);
    live = false;
    signal.removeEventListener('abort', onSignal);
    this.#c.workQueue.shutDown();
    await Promise.all(workers);
    await Promise.all(reflectors.map((r) => r.stop().catch(() => undefined)));
    await this.#c.trigger.close?.();
    this.#sample(reflectors);
    return this.#exitCode;
  }

  #startReflector(target: LoopTarget): Reflector {
    let listErrors = 0;
    let synced = false;
    const reflector = this.#c.startReflector({
      client: target.client,
      cluster: target.cluster,
      resource: this.#c.resource,
      namespace: target.namespace,
      labelSelector: this.#c.labelSelector,
      fieldSelector: this.#c.fieldSelector,
      resyncPeriodMs: this.#c.resyncPeriodMs,
      watchdogMs: this.#c.watchSilenceTimeoutMs,
      onEvent: (event) => this.#enqueue(event, true),
      onStoreSynced: (cause) => this.#storeSynced(target, cause),
      onError: (error) => {
        if (this.#stopping) return;
        this.#c.err.write(
          `warning: watching ${this.#c.resource.resource} on ${target.cluster}: ${error.message}\n`,
        );
        if (!synced && this.#c.maximumErrors !== -1 && ++listErrors > this.#c.maximumErrors) {
          this.#c.err.write(`error: Maximum list errors of ${this.#c.maximumErrors} reached, exiting\n`);
          this.#requestStop(1);
        }
      },
      signal: this.#stop.signal,
    });
    reflector.synced.then(
      () => (synced = true),
      () => undefined,
    );
    return reflector;
  }

  #enqueue(event: ObservedEvent, finalStateKnown: boolean): void {
    if (this.#stopping) return;
    const key = eventKey(event);
    this.#c.metrics.counts.inc({ type: event.type });
    // The pass that follows the list or resync (#storeSynced) covers every Sync object at once.
    if (event.type === 'Sync' && this.#passing) return;
    if (!this.synced && (event.type === 'Sync' || !finalStateKnown)) this.#addInitial(key);
    this.#pending.set(key, { ...event, key, resource: this.#c.resource, finalStateKnown });
    this.#c.workQueue.add(key);
    this.#c.metrics.queueDepth.set({}, this.#c.workQueue.length);
  }

  /** The store holds the whole selection again: a pass (playbook), --names after a relist. */
  #storeSynced(target: LoopTarget, cause: StoreSyncCause): void {
    if (this.#stopping) return;
    if (this.#passing) {
      const key = passKey(target.cluster, this.#c.resource, target.namespace);
      if (!this.synced) this.#addInitial(key);
      this.#passes.set(key, { cluster: target.cluster, cause });
      this.#c.workQueue.add(key, 'reconcile');
      this.#c.metrics.queueDepth.set({}, this.#c.workQueue.length);
    }
    // After the first list #afterSync runs --names once every cluster is listed.
    if (cause === 'relist' && this.#c.names) void this.#namesOrStop([target]);
  }

  async #afterSync(reflectors: Reflector[]): Promise<void> {
    try {
      await Promise.all(reflectors.map((r) => r.synced));
    } catch {
      return;
    }
    if (this.#stopping) return;
    if (this.#c.names && !(await this.#namesOrStop(this.#c.targets))) return;
    this.synced = true;
    if (this.#c.once) {
      this.#onceArmed = true;
      // All of it may have run already; "nothing" only when there was none.
      if (this.#initial.size === 0) {
        if (!this.#hadInitial) this.#c.err.write('Nothing to sync, exiting immediately\n');
        this.#requestStop(0);
      }
    }
  }

  #addInitial(key: string): void {
    this.#initial.add(key);
    this.#hadInitial = true;
  }

  /**
   * Reconciles --names for `targets`; a failure ends the observer (exit 1), as in oc. A target whose
   * names run is still in flight is left to it: that run reads the store when the command ends, so
   * it already sees what a relist brought, and a second run would report the same deletions twice.
   */
  async #namesOrStop(targets: readonly LoopTarget[]): Promise<boolean> {
    const due = targets.filter((t) => !this.#namesInFlight.has(t));
    if (due.length === 0) return true;
    for (const t of due) this.#namesInFlight.add(t);
    try {
      await this.#reconcileNames(due);
      return true;
    } catch (error) {
      this.#c.err.write(`error: ${(error as Error).message}\n`);
      this.#requestStop(1);
      return false;
    } finally {
      for (const t of due) this.#namesInFlight.delete(t);
    }
  }

  /** Known names the clusters no longer have become Deleted items with only namespace and name. */
  async #reconcileNames(targets: readonly LoopTarget[]): Promise<void> {
    const names = this.#c.names as NonNullable<LoopConfig['names']>;
    const lines = await runNamesCommand(names.argv, names.options);
    const known = parseKnownNames(lines, this.#c.resource.namespaced);
    for (const target of targets) {
      const cluster = { name: target.cluster, store: this.#reflectorOf(target).store };
      for (const event of missingNames(known, cluster, this.#c.resource)) this.#enqueue(event, false);
    }
  }

  #reflectorOf(target: LoopTarget): Reflector {
    return this.#reflectors[this.#c.targets.indexOf(target)] as Reflector;
  }

  async #worker(lane: QueueLane): Promise<void> {
    const queue = this.#c.workQueue;
    for (;;) {
      const key = await queue.get(lane);
      if (key === undefined) return;
      try {
        if (!this.#stopping) await (lane === 'reconcile' ? this.#processPass(key) : this.#process(key));
      } finally {
        queue.done(key);
        this.#c.metrics.queueDepth.set({}, queue.length);
      }
    }
  }

  async #process(key: string): Promise<void> {
    const item = this.#pending.get(key);
    if (!item) return;
    this.#pending.delete(key);
    this.#overlaps.changeStarted(key, item);
    let outcome: TriggerOutcome;
    try {
      outcome = await this.#c.trigger.run(item, this.#stop.signal);
    } finally {
      this.#overlaps.changeFinished(key);
    }
    this.#settle(key, item, outcome, () => this.#pending.has(key) || this.#pending.set(key, item));
  }

  async #processPass(key: string): Promise<void> {
    const request = this.#passes.get(key);
    const runPass = this.#c.trigger.runPass?.bind(this.#c.trigger);
    if (!request || !runPass) return;
    this.#passes.delete(key);
    const target = this.#c.targets.find((t) => t.cluster === request.cluster) as LoopTarget;
    const pass = {
      key,
      cluster: target.cluster,
      resource: this.#c.resource,
      namespace: target.namespace,
      labelSelector: this.#c.labelSelector,
      objects: [...this.#reflectorOf(target).store.values()],
      cause: request.cause,
    };
    this.#overlaps.passStarted(target.cluster);
    let outcome: TriggerOutcome;
    try {
      outcome = await runPass(pass, this.#stop.signal);
    } finally {
      this.#rerunOverlapped(target.cluster);
    }
    this.#orphans.record(target.cluster, outcome.copies);
    this.#settle(key, request, outcome, () => this.#passes.has(key) || this.#passes.set(key, request));
  }

  /** Changes that ran alongside the pass run once more now (see reconcile-pass.ts). */
  #rerunOverlapped(cluster: string): void {
    for (const [key, item] of this.#overlaps.passFinished(cluster)) {
      if (this.#stopping) return;
      if (!this.#pending.has(key)) this.#pending.set(key, item);
      this.#c.workQueue.add(key);
    }
  }

  /** What follows a run: health, then done, a retry, or a counted error. `keep` re-pends the work. */
  #settle(key: string, work: TriggerItem | PassRequest, outcome: TriggerOutcome, keep: () => unknown): void {
    this.#health.record(outcome);
    if (outcome.error === undefined) this.#c.workQueue.forget(key);
    else if (unreachableOnly(outcome)) this.#retryUnreachable(key, keep);
    else this.#failed(key, work, outcome.error, keep);
    this.#initial.delete(key);
    if (this.#onceArmed && this.#initial.size === 0) this.#requestStop(this.#exitCode);
  }

  #failed(key: string, work: TriggerItem | PassRequest, message: string, keep: () => unknown): void {
    this.#c.err.write(`error: ${message}\n`);
    if (!this.#counted.has(work)) {
      this.#counted.add(work);
      this.#errors++;
      this.#c.metrics.errors.inc();
    }
    if (this.#c.maximumErrors !== -1 && this.#errors >= this.#c.maximumErrors) {
      this.#c.err.write(`error: reached maximum error limit of ${this.#c.maximumErrors}, exiting\n`);
      this.#requestStop(1);
      return;
    }
    if (this.#c.once) return;
    keep();
    this.#c.metrics.retries.inc();
    this.#c.workQueue.addRateLimited(key);
  }

  /**
   * A run that failed only because targets were unreachable: the targets that were reached got
   * the change (the engine isolates hosts), so this is not an observer error, or one down slave
   * would stop the fleet's sync. The key retries until the target is back, at least once per
   * resync period; the target's health has logged which target is down.
   */
  #retryUnreachable(key: string, keep: () => unknown): void {
    if (this.#c.once) return;
    keep();
    this.#c.metrics.retries.inc();
    this.#c.workQueue.addRateLimited(key, this.#unreachableRetryCapMs());
  }

  #unreachableRetryCapMs(): number {
    return this.#c.resyncPeriodMs > 0 ? this.#c.resyncPeriodMs : UNREACHABLE_RETRY_CAP_MS;
  }

  #exitAfter(): void {
    this.#c.err.write(`Shutting down after ${goDurationString(this.#c.exitAfterMs)} ...\n`);
    this.#requestStop(0);
  }

  #requestStop(code: number): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#exitCode = code;
    this.#stop.abort();
    this.#finish?.();
  }

  #sample(reflectors: Reflector[]): void {
    const m = this.#c.metrics;
    m.queueDepth.set({}, this.#c.workQueue.length);
    this.#c.targets.forEach((t, i) => {
      const stats = (reflectors[i] as Reflector).stats;
      m.reconnects.set({ cluster: t.cluster }, stats.reconnects);
      m.relists.set({ cluster: t.cluster }, stats.relists);
      m.watchdogRestarts.set({ cluster: t.cluster }, stats.watchdogRestarts);
      if (stats.lastSyncMs > 0) m.lastSync.set({ cluster: t.cluster }, stats.lastSyncMs / 1000);
    });
  }
}
