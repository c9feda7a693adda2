/**
 * The observe loop, client-go style: reflectors (one per cluster) turn changes into events; each
 * event stores the key's latest state and queues the key; N workers take keys and run the trigger
 * with the latest state (so a burst of changes to one key runs once, and a change during a run
 * runs once more after it). A failed run is requeued with the key's backoff and counted toward
 * --maximum-errors once per event, as oc observe counts it: retries of the same event are not new
 * errors. A run whose only failures are unreachable targets is no error at all: the key retries
 * with backoff capped at the resync period (5 min without one), and each target's health (one log
 * line when it goes down and when it recovers, per-target gauges) is kept from the runs' recaps.
 * Stops on --once (initial list processed), --exit-after, the caller's signal, or too many errors;
 * the run in flight always finishes first.
 */
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject, ResourceInfo } from '../kube/types.ts';
import { goDurationString } from '../shared/duration.ts';
import { eventKey } from './contracts.ts';
import type { ObservedEvent, Reflector, ReflectorOptions, WorkQueue } from './contracts.ts';
import type { ObserveMetrics } from './observe-metrics.ts';
import { parseKnownNames, runNamesCommand } from './observe-names.ts';
import { storeKey } from './reflector-store.ts';
import type { NamesCommandOptions } from './observe-names.ts';
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
  readonly #stop = new AbortController();
  readonly #initial = new Set<string>();
  /**
   * Items (one per event) whose failure was already counted toward --maximum-errors. A retry runs
   * the same item again, so it is not counted twice; a newer event replaces the item and counts.
   */
  readonly #counted = new WeakSet<TriggerItem>();
  /** Per playbook target: runs in a row that failed or found it unreachable (absent: healthy). */
  readonly #targetFailures = new Map<string, number>();
  #exitCode = 0;
  #errors = 0;
  #stopping = false;
  #onceArmed = false;
  synced = false;
  #finish: (() => void) | undefined;

  constructor(config: LoopConfig) {
    this.#c = config;
  }

  async run(signal: AbortSignal): Promise<number> {
    const stopped = new Promise<void>((resolve) => (this.#finish = resolve));
    const onSignal = (): void => this.#requestStop(0);
    if (signal.aborted) return 0;
    signal.addEventListener('abort', onSignal, { once: true });
    const reflectors = this.#c.targets.map((t) => this.#startReflector(t));
    const workers = Array.from({ length: this.#c.workers }, () => this.#worker());
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
    if (!this.synced && (event.type === 'Sync' || !finalStateKnown)) this.#initial.add(key);
    this.#pending.set(key, { ...event, key, resource: this.#c.resource, finalStateKnown });
    this.#c.workQueue.add(key);
    this.#c.metrics.queueDepth.set({}, this.#c.workQueue.length);
  }

  async #afterSync(reflectors: Reflector[]): Promise<void> {
    try {
      await Promise.all(reflectors.map((r) => r.synced));
    } catch {
      return;
    }
    if (this.#stopping) return;
    if (this.#c.names) {
      try {
        await this.#reconcileNames(reflectors);
      } catch (error) {
        this.#c.err.write(`error: ${(error as Error).message}\n`);
        this.#requestStop(1);
        return;
      }
    }
    this.synced = true;
    if (this.#c.once) {
      this.#onceArmed = true;
      if (this.#initial.size === 0) {
        this.#c.err.write('Nothing to sync, exiting immediately\n');
        this.#requestStop(0);
      }
    }
  }

  /** Known names the clusters no longer have become Deleted items with only namespace and name. */
  async #reconcileNames(reflectors: Reflector[]): Promise<void> {
    const names = this.#c.names as NonNullable<LoopConfig['names']>;
    const lines = await runNamesCommand(names.argv, names.options);
    const known = parseKnownNames(lines, this.#c.resource.namespaced);
    this.#c.targets.forEach((target, i) => {
      const store = (reflectors[i] as Reflector).store;
      for (const entry of known) {
        if (entry.cluster !== undefined && entry.cluster !== target.cluster) continue;
        if (store.has(storeKey(entry.namespace, entry.name))) continue;
        this.#enqueue(
          {
            type: 'Deleted',
            cluster: target.cluster,
            namespace: entry.namespace,
            name: entry.name,
            object: stub(this.#c.resource, entry),
          },
          false,
        );
      }
    });
  }

  async #worker(): Promise<void> {
    const queue = this.#c.workQueue;
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        if (!this.#stopping) await this.#process(key);
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
    const outcome = await this.#c.trigger.run(item, this.#stop.signal);
    this.#recordTargets(outcome);
    const down = unreachableOnly(outcome);
    if (outcome.error === undefined) this.#c.workQueue.forget(key);
    else if (down) this.#retryUnreachable(key, item);
    else this.#failed(key, item, outcome.error);
    this.#initial.delete(key);
    if (this.#onceArmed && this.#initial.size === 0) this.#requestStop(this.#exitCode);
  }

  #failed(key: string, item: TriggerItem, message: string): void {
    this.#c.err.write(`error: ${message}\n`);
    if (!this.#counted.has(item)) {
      this.#counted.add(item);
      this.#errors++;
      this.#c.metrics.errors.inc();
    }
    if (this.#c.maximumErrors !== -1 && this.#errors >= this.#c.maximumErrors) {
      this.#c.err.write(`error: reached maximum error limit of ${this.#c.maximumErrors}, exiting\n`);
      this.#requestStop(1);
      return;
    }
    if (this.#c.once) return;
    if (!this.#pending.has(key)) this.#pending.set(key, item);
    this.#c.metrics.retries.inc();
    this.#c.workQueue.addRateLimited(key);
  }

  /**
   * A run that failed only because targets were unreachable: the targets that were reached got
   * the change (the engine isolates hosts), so this is not an observer error, or one down slave
   * would stop the fleet's sync. The key retries until the target is back, at least once per
   * resync period; #recordTargets has logged which target is down.
   */
  #retryUnreachable(key: string, item: TriggerItem): void {
    if (this.#c.once) return;
    if (!this.#pending.has(key)) this.#pending.set(key, item);
    this.#c.metrics.retries.inc();
    this.#c.workQueue.addRateLimited(key, this.#unreachableRetryCapMs());
  }

  #unreachableRetryCapMs(): number {
    return this.#c.resyncPeriodMs > 0 ? this.#c.resyncPeriodMs : UNREACHABLE_RETRY_CAP_MS;
  }

  /**
   * Keeps each target's health from a run's per-target results: the gauges, and one line when a
   * target goes bad (its first failed run) and one when it recovers (its next successful run, of
   * any key), so an operator sees a down slave without reading every run's line.
   */
  #recordTargets(outcome: TriggerOutcome): void {
    const m = this.#c.metrics;
    for (const [target, result] of Object.entries(outcome.targets ?? {})) {
      const before = this.#targetFailures.get(target) ?? 0;
      if (result === 'ok') {
        if (before > 0) this.#c.err.write(`target ${target} recovered after ${before} failed runs\n`);
        this.#targetFailures.delete(target);
        m.targetConsecutiveFailures.set({ target }, 0);
        m.targetLastSuccess.set({ target }, Date.now() / 1000);
        continue;
      }
      if (before === 0 && result === 'unreachable') {
        const retry = goDurationString(this.#unreachableRetryCapMs());
        this.#c.err.write(
          `warning: target ${target} is unreachable; its runs are retried with backoff up to ${retry}, other targets keep syncing\n`,
        );
      } else if (before === 0) this.#c.err.write(`warning: target ${target} failed a run\n`);
      this.#targetFailures.set(target, before + 1);
      m.targetConsecutiveFailures.set({ target }, before + 1);
    }
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

function stub(resource: ResourceInfo, entry: { namespace: string; name: string }): KubeObject {
  return {
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    metadata: entry.namespace ? { name: entry.name, namespace: entry.namespace } : { name: entry.name },
  };
}
