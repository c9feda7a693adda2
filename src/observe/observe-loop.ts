/**
 * The observe loop, client-go style: reflectors (one per cluster) turn changes into events; each
 * event stores the key's latest state and queues the key; N workers take keys and run the trigger
 * with the latest state (so a burst of changes to one key runs once, and a change during a run
 * runs once more after it). A failed run is counted toward --maximum-errors once per event, as oc
 * observe counts it: retries of the same event are not new errors.
 *
 * With a trigger that reports per target (the playbook's recap), the outcome is judged per
 * target: a target the run failed on is retried on its own (the key runs again for that target
 * only, with backoff capped at the resync period, 5 min without one); a target found unreachable
 * is no error at all: it is down, runs skip it, and its own recovery catches it up
 * (target-recovery.ts; at least every 30 s, or every resync period if shorter). Every other
 * target keeps getting each change at full speed. Each target's health is kept from the recaps
 * (target-health.ts).
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
import type { Clock } from '../shared/clock.ts';
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
import { PassOverlaps, passKey, recoveryKey } from './reconcile-pass.ts';
import type { PassRequest } from './reconcile-pass.ts';
import type { NamesCommandOptions } from './observe-names.ts';
import { TargetHealth } from './target-health.ts';
import { TargetRecovery } from './target-recovery.ts';
import type { RunScope, TargetResult, Trigger, TriggerItem, TriggerOutcome } from './trigger.ts';

/** The retry cap of a failed target's keys without a resync period. */
const TARGET_RETRY_CAP_MS = 5 * 60_000;
/**
 * The longest wait between two recoveries of a down target (or the resync period, if shorter):
 * a recovery that finds it still down costs one read of the master, so a slave that is back
 * waits at most this long for its catch-up.
 */
const RECOVERY_CAP_MS = 30_000;

/** A key's change waiting to run: for every target, or (a retry) only for `only`. */
interface PendingChange {
  item: TriggerItem;
  only?: ReadonlySet<string>;
}

/** True when the run reported per target (the playbook's recap; a command reports none). */
function hasTargetResults(outcome: TriggerOutcome): boolean {
  return Object.keys(outcome.targets ?? {}).length > 0;
}

/** The targets whose result in `outcome` is `result`. */
function targetsWith(outcome: TriggerOutcome, result: TargetResult): string[] {
  return Object.entries(outcome.targets ?? {})
    .filter(([, r]) => r === result)
    .map(([target]) => target);
}

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
  /**
   * Playbook targets the warm-up found unreachable: down from the start, so the first pass and
   * the first changes do not wait on them.
   */
  downAtStart?: readonly string[] | undefined;
  /** Timers of the down targets' recoveries (default the system clock); tests step a fake one. */
  clock?: Pick<Clock, 'after'> | undefined;
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
  readonly #pending = new Map<string, PendingChange>();
  /** Each item's place in the order of events, so a retry never replaces a newer change. */
  readonly #seq = new WeakMap<TriggerItem, number>();
  #nextSeq = 0;
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
   * Work (an item per event, a request per pass, a down target's episode for its recoveries)
   * whose failure was already counted toward --maximum-errors. A retry runs the same work again,
   * so it is not counted twice; a newer event replaces it and counts.
   */
  readonly #counted = new WeakSet<object>();
  readonly #health: TargetHealth;
  readonly #recovery: TargetRecovery;
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
    const recoveryCapMs = Math.min(this.#retryCapMs(), RECOVERY_CAP_MS);
    this.#health = new TargetHealth(config.metrics, config.err, recoveryCapMs);
    this.#recovery = new TargetRecovery({
      capMs: recoveryCapMs,
      due: (target) => this.#queueRecovery(target),
      clock: config.clock,
    });
    this.#orphans = new OrphanReport(config.metrics, config.err);
    if (this.#passing)
      for (const target of config.downAtStart ?? []) {
        this.#health.record({ exitCode: 4, error: 'warm-up', targets: { [target]: 'unreachable' } });
        this.#recovery.markDown(target);
      }
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
    this.#recovery.stop();
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
    const item: TriggerItem = { ...event, key, resource: this.#c.resource, finalStateKnown };
    this.#seq.set(item, ++this.#nextSeq);
    this.#pend(key, item);
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

  /**
   * Makes `item` the key's pending change, for every target or (`only`) for those only. The newer
   * item (by event order) is kept; a change for every target covers a retry for some.
   */
  #pend(key: string, item: TriggerItem, only?: readonly string[]): void {
    const pending = this.#pending.get(key);
    if (pending && !pending.only && only) return;
    const newest =
      pending && (this.#seq.get(pending.item) ?? 0) > (this.#seq.get(item) ?? 0) ? pending.item : item;
    const targets = only && new Set([...(pending?.only ?? []), ...only]);
    this.#pending.set(key, targets ? { item: newest, only: targets } : { item: newest });
  }

  /**
   * The scope of a run for `only` (undefined: every target), and the targets it leaves out
   * because they are down. Null when every target it is for is down.
   */
  #scopeOf(only: Iterable<string> | undefined): { scope: RunScope; skipped: string[] } | null {
    const down = this.#recovery.down();
    if (!only) return { scope: down.length > 0 ? { except: down } : {}, skipped: down };
    const wanted = [...only];
    const reached = wanted.filter((t) => !this.#recovery.isDown(t));
    if (reached.length === 0) return null;
    return { scope: { only: reached }, skipped: wanted.filter((t) => this.#recovery.isDown(t)) };
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
    const change = this.#pending.get(key);
    if (!change) return;
    this.#pending.delete(key);
    const { item } = change;
    const run = this.#scopeOf(change.only);
    if (!run) {
      // Every target this retry is for is down: their recoveries catch them up.
      for (const target of change.only ?? []) this.#recovery.owe(target, key, item);
      this.#settled(key);
      return;
    }
    this.#overlaps.changeStarted(key, item);
    let outcome: TriggerOutcome;
    try {
      outcome = await this.#c.trigger.run(item, this.#stop.signal, run.scope);
    } finally {
      this.#overlaps.changeFinished(key);
    }
    if (!outcome.skipped) this.#oweSkipped(key, item, run.skipped);
    this.#settleChange(key, item, outcome);
  }

  /**
   * The targets a run left out because they were down get the change later: from their recovery,
   * or now, for a target that recovered while the run was in flight.
   */
  #oweSkipped(key: string, item: TriggerItem, skipped: readonly string[]): void {
    for (const target of skipped) {
      if (this.#recovery.isDown(target)) this.#recovery.owe(target, key, item);
      else this.#retryChange(key, item, [target], false);
    }
  }

  /** A change's run is over: targets it was unreachable on are down, failed ones retried. */
  #settleChange(key: string, item: TriggerItem, outcome: TriggerOutcome): void {
    this.#health.record(outcome);
    const unreachable = targetsWith(outcome, 'unreachable');
    if (this.#passing)
      for (const target of unreachable) {
        this.#recovery.markDown(target);
        this.#recovery.owe(target, key, item);
      }
    if (outcome.error === undefined) this.#c.workQueue.forget(key);
    else if (hasTargetResults(outcome)) {
      const failed = targetsWith(outcome, 'failed');
      // Without passes there is no recovery: an unreachable target is retried with the key.
      const retry = this.#passing ? failed : [...failed, ...unreachable];
      if (failed.length > 0 && !this.#countError(item, outcome.error)) return;
      if (retry.length > 0) this.#retryChange(key, item, retry, true);
      else this.#c.workQueue.forget(key);
    } else if (this.#countError(item, outcome.error) && !this.#c.once) {
      // No per-target results (a command, or a playbook that could not run): the whole key again.
      this.#pend(key, item);
      this.#c.metrics.retries.inc();
      this.#c.workQueue.addRateLimited(key);
    }
    this.#settled(key);
  }

  /** Runs the key's change again for `targets` only: after its backoff, or (`rateLimited` false) now. */
  #retryChange(key: string, item: TriggerItem, targets: readonly string[], rateLimited: boolean): void {
    if (this.#stopping || this.#c.once) return;
    this.#pend(key, item, targets);
    if (!rateLimited) return this.#c.workQueue.add(key);
    this.#c.metrics.retries.inc();
    this.#c.workQueue.addRateLimited(key, this.#retryCapMs());
  }

  /**
   * Prints a failed run's error and counts it toward --maximum-errors, once per piece of work (a
   * retry of the same event is not a new error). False when that ends the observer.
   */
  #countError(work: object, message: string): boolean {
    this.#c.err.write(`error: ${message}\n`);
    if (!this.#counted.has(work)) {
      this.#counted.add(work);
      this.#errors++;
      this.#c.metrics.errors.inc();
    }
    if (this.#c.maximumErrors !== -1 && this.#errors >= this.#c.maximumErrors) {
      this.#c.err.write(`error: reached maximum error limit of ${this.#c.maximumErrors}, exiting\n`);
      this.#requestStop(1);
      return false;
    }
    return true;
  }

  /** The work of `key` is done for now: --once stops when the initial list's work all is. */
  #settled(key: string): void {
    this.#initial.delete(key);
    if (this.#onceArmed && this.#initial.size === 0) this.#requestStop(this.#exitCode);
  }

  async #processPass(key: string): Promise<void> {
    const request = this.#passes.get(key);
    const runPass = this.#c.trigger.runPass?.bind(this.#c.trigger);
    if (!request || !runPass) return;
    this.#passes.delete(key);
    const recovering = request.recovery;
    // A recovery is for its down target; any other pass skips the down targets (their own
    // recovery passes cover them).
    const run = recovering ? { scope: { only: [recovering] } } : this.#scopeOf(request.only);
    if (!run) return this.#settled(key);
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
      outcome = await runPass(pass, this.#stop.signal, run.scope);
    } finally {
      this.#rerunOverlapped(target.cluster);
    }
    this.#orphans.record(target.cluster, outcome.copies);
    this.#settlePass(key, target, request, outcome);
  }

  /** A pass is over: as a change's (#settleChange), and a recovery's target may be up again. */
  #settlePass(key: string, target: LoopTarget, request: PassRequest, outcome: TriggerOutcome): void {
    this.#health.record(outcome);
    for (const down of targetsWith(outcome, 'unreachable')) this.#recovery.markDown(down);
    if (request.recovery !== undefined) return this.#settleRecovery(key, request.recovery, outcome);
    if (outcome.error === undefined) this.#c.workQueue.forget(key);
    else if (hasTargetResults(outcome)) {
      const failed = targetsWith(outcome, 'failed');
      if (failed.length === 0) this.#c.workQueue.forget(key);
      else if (this.#countError(request, outcome.error)) this.#retryPass(target, request, failed);
    } else if (this.#countError(request, outcome.error) && !this.#c.once) {
      // No per-target results (the playbook could not run): the whole pass again.
      if (!this.#passes.has(key)) this.#passes.set(key, request);
      this.#c.metrics.retries.inc();
      this.#c.workQueue.addRateLimited(key);
    }
    this.#settled(key);
  }

  /**
   * Runs the pass over `target` again for the targets it failed on, after its backoff. A pass
   * for every target already waiting covers them. The retry is the same work as the request
   * (already counted toward --maximum-errors), so it is marked counted.
   */
  #retryPass(target: LoopTarget, request: PassRequest, failed: readonly string[]): void {
    if (this.#stopping || this.#c.once) return;
    const key = passKey(target.cluster, this.#c.resource, target.namespace);
    const pending = this.#passes.get(key);
    if (pending && !pending.only) return;
    const only = [...new Set([...(pending?.only ?? []), ...failed])];
    const retry: PassRequest = { cluster: request.cluster, cause: request.cause, only };
    this.#counted.add(retry);
    this.#passes.set(key, retry);
    this.#c.metrics.retries.inc();
    this.#c.workQueue.addRateLimited(key, this.#retryCapMs());
  }

  /** Queues a down target's recovery: one pass per observed cluster, for it alone. */
  #queueRecovery(down: string): number {
    if (this.#stopping) return 0;
    for (const t of this.#c.targets) {
      const key = recoveryKey(t.cluster, this.#c.resource, t.namespace, down);
      this.#passes.set(key, { cluster: t.cluster, cause: 'recovery', only: [down], recovery: down });
      this.#c.workQueue.add(key, 'reconcile');
    }
    return this.#c.targets.length;
  }

  /**
   * A recovery pass of `down` is over. When it succeeded there, the target is up again and the
   * changes it missed run once more for it alone. Otherwise it stays down and its next recovery
   * waits the doubled backoff; a failure that is not "unreachable" (the API server answers but
   * the pass fails: starting up, a 403) is an error, counted once while the target is down.
   */
  #settleRecovery(key: string, down: string, outcome: TriggerOutcome): void {
    const result = outcome.targets?.[down];
    const up = result === 'ok' || (result === undefined && outcome.error === undefined);
    const episode = this.#recovery.episode(down);
    if (!up && result !== 'unreachable' && outcome.error !== undefined && episode)
      if (!this.#countError(episode, outcome.error)) return;
    const owed = this.#recovery.settled(down, up);
    for (const [owedKey, item] of owed ?? []) this.#retryChange(owedKey, item, [down], false);
    this.#c.workQueue.forget(key);
    this.#settled(key);
  }

  /** Changes that ran alongside the pass run once more now (see reconcile-pass.ts). */
  #rerunOverlapped(cluster: string): void {
    for (const [key, item] of this.#overlaps.passFinished(cluster)) {
      if (this.#stopping) return;
      this.#pend(key, item);
      this.#c.workQueue.add(key);
    }
  }

  #retryCapMs(): number {
    return this.#c.resyncPeriodMs > 0 ? this.#c.resyncPeriodMs : TARGET_RETRY_CAP_MS;
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
    for (const target of this.#health.known()) {
      m.targetDown.set({ target }, this.#recovery.isDown(target) ? 1 : 0);
      m.targetQueueDepth.set({ target }, this.#recovery.owedCount(target));
    }
  }
}
