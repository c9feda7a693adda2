/**
 * The reflector: lists one resource on one cluster, then watches it from the list's
 * resourceVersion, and turns what it sees into ordered observe events (client-go's Reflector
 * plus the informer's store). It never gives up while its signal is live:
 *
 * - 410 Gone (HTTP or an ERROR event): relist and report the differences against the store;
 * - any other failure (reset, refused, 5xx, TLS, apiserver restart): reconnect with backoff
 *   (100 ms doubling to 30 s, reset after a watch that worked), resuming from the last
 *   resourceVersion seen, bookmarks included;
 * - a watch silent for `watchdogMs` (a paused apiserver keeps its TCP connection open) is
 *   aborted and reopened.
 *
 * See docs/watch.md.
 */
import { RetryableError } from '../errors.ts';
import { isApiStatus } from '../kube/errors.ts';
import { resourcePath } from '../kube/paths.ts';
import type { KubeObject } from '../kube/types.ts';
import { watchEvents } from '../kube/watch.ts';
import type { ObserveEventType, Reflector, ReflectorOptions, StoreSyncCause } from './contracts.ts';
import {
  applyWatchEvent,
  backoffDelay,
  objectKey,
  readListPage,
  replaceStore,
  resourceVersionOf,
  withType,
} from './reflector-store.ts';
import type { ListPage } from './reflector-store.ts';
import { pause, systemClock } from '../shared/clock.ts';
import type { Clock, Timer } from '../shared/clock.ts';

/** A bit more than the API server's bookmark interval (about a minute). */
export const DEFAULT_WATCHDOG_MS = 90_000;
/** A watch that stayed open this long counts as working (resets the backoff). */
const HEALTHY_WATCH_MS = 1_000;

/** Starts listing and watching; see the file comment. Stop it with `stop()` or the signal. */
export function startReflector(options: ReflectorOptions): Reflector {
  return new ReflectorRun(options);
}

interface WatchOutcome {
  /** The watch opened and delivered an event or stayed open a while. */
  worked: boolean;
}

class ReflectorRun implements Reflector {
  readonly synced: Promise<void>;
  readonly store = new Map<string, KubeObject>();
  readonly stats = { reconnects: 0, relists: 0, watchdogRestarts: 0, lastSyncMs: 0 };
  readonly #options: ReflectorOptions;
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;
  readonly #path: string;
  readonly #clock: Clock;
  #resolveSynced: () => void = () => undefined;
  #rejectSynced: (error: unknown) => void = () => undefined;
  #isSynced = false;
  #resourceVersion: string | undefined;
  #resync: Timer | undefined;

  constructor(options: ReflectorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock();
    this.#path = resourcePath(options.resource, options.namespace);
    this.synced = new Promise<void>((resolve, reject) => {
      this.#resolveSynced = resolve;
      this.#rejectSynced = reject;
    });
    this.synced.catch(() => undefined);
    const stopOn = (): void => this.#abort.abort(options.signal.reason);
    if (options.signal.aborted) stopOn();
    else options.signal.addEventListener('abort', stopOn, { once: true });
    this.#done = this.#run().finally(() => {
      options.signal.removeEventListener('abort', stopOn);
      this.#resync?.stop();
      this.#rejectSynced(new Error(`reflector of ${this.#path} stopped before its first list`));
    });
  }

  async stop(): Promise<void> {
    this.#abort.abort(new Error('reflector stopped'));
    await this.#done;
  }

  get #signal(): AbortSignal {
    return this.#abort.signal;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#signal.aborted) {
      let wait = 0;
      try {
        if (this.#resourceVersion === undefined) {
          await this.#list();
          failures = 0;
        }
        const outcome = await this.#watch(this.#resourceVersion ?? '');
        if (outcome.worked) failures = 0;
        else wait = this.#delay(failures++);
      } catch (error) {
        if (this.#signal.aborted) break;
        const gone = isApiStatus(error, 410);
        // A 401 the transport could not cure by renewing the credentials relists (after backoff),
        // as client-go's reflector does: nothing seen while unauthorised is trusted.
        if (gone || isApiStatus(error, 401)) this.#resourceVersion = undefined;
        // A first 410 relists at once; failing again (or any other failure) backs off.
        if (!gone || failures > 0) wait = this.#delay(failures);
        failures++;
        this.stats.reconnects++;
        this.#report(error);
      }
      if (wait > 0) await pause(this.#clock, wait, this.#signal);
    }
  }

  #delay(failures: number): number {
    return backoffDelay(failures, this.#options.backoffBaseMs ?? 100, this.#options.backoffMaxMs ?? 30_000);
  }

  /** Lists every page, then reports the items: Sync the first time, differences afterwards. */
  async #list(): Promise<void> {
    const { items, resourceVersion } = await this.#listPages();
    const first = !this.#isSynced;
    const changes = first ? [] : replaceStore(this.store, items);
    if (first) for (const item of items) this.store.set(objectKey(item), item);
    this.#resourceVersion = resourceVersion;
    this.stats.lastSyncMs = this.#clock.now();
    if (first) {
      for (const item of items) this.#emit('Sync', item);
      this.#isSynced = true;
      this.#storeSynced('list');
      this.#resolveSynced();
      this.#startResync();
    } else {
      this.stats.relists++;
      for (const change of changes) this.#emit(change.type, change.object);
      this.#storeSynced('relist');
    }
  }

  async #listPages(): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    let restarted = false;
    do {
      const query = {
        limit: this.#options.pageSize ?? 500,
        continue: cont,
        labelSelector: this.#options.labelSelector || undefined,
        fieldSelector: this.#options.fieldSelector || undefined,
      };
      let page: ListPage;
      try {
        const res = await this.#options.client.request<unknown>({
          method: 'GET',
          path: this.#path,
          query,
          signal: this.#signal,
        });
        page = readListPage(res.body, this.#options.resource);
      } catch (error) {
        // The continue token expired while paging: start over once.
        if (!isApiStatus(error, 410) || restarted || cont === undefined) throw error;
        restarted = true;
        items.length = 0;
        cont = undefined;
        continue;
      }
      items.push(...page.items);
      cont = page.continue;
      resourceVersion = page.resourceVersion ?? resourceVersion;
    } while (cont);
    return { items, resourceVersion };
  }

  /** One watch request, guarded by the watchdog. Returns when the server ends it normally. */
  async #watch(resourceVersion: string): Promise<WatchOutcome> {
    const watchdogMs = this.#options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
    const watchdog = new AbortController();
    const signal = AbortSignal.any([this.#signal, watchdog.signal]);
    let timer: Timer | undefined;
    const arm = (): void => {
      timer?.stop();
      timer = this.#clock.after(watchdogMs, () => watchdog.abort(new Error('watchdog')));
    };
    const started = this.#clock.monotonic();
    let opened = false;
    let delivered = false;
    arm();
    try {
      const events = watchEvents(this.#options.client, {
        path: this.#path,
        resourceVersion,
        labelSelector: this.#options.labelSelector,
        fieldSelector: this.#options.fieldSelector,
        allowWatchBookmarks: true,
        timeoutSeconds: this.#options.watchTimeoutSeconds ?? 180 + Math.floor(Math.random() * 120),
        signal,
        onOpen: () => ((opened = true), arm()),
      });
      for await (const event of events) {
        arm();
        delivered = true;
        const rv = resourceVersionOf(event.object);
        if (rv) this.#resourceVersion = rv;
        const change = applyWatchEvent(this.store, {
          type: event.type,
          object: withType(event.object, this.#options.resource),
        });
        if (change) this.#emit(change.type, change.object);
      }
    } catch (error) {
      if (!watchdog.signal.aborted || this.#signal.aborted) throw error;
      this.stats.watchdogRestarts++;
      // Silent after the server accepted it: quiet, or the server froze. Reopen at once; a
      // watch that never got an answer is a failure and backs off.
      if (opened) return { worked: delivered || this.#clock.since(started) >= HEALTHY_WATCH_MS };
      throw new RetryableError(
        `watch ${this.#path} on cluster ${this.#options.client.label} got no answer within ${watchdogMs} ms; reconnecting`,
      );
    } finally {
      timer?.stop();
    }
    return { worked: delivered || this.#clock.since(started) >= HEALTHY_WATCH_MS };
  }

  #startResync(): void {
    const period = this.#options.resyncPeriodMs ?? 0;
    if (period <= 0 || this.#signal.aborted) return;
    this.#resync = this.#clock.every(period, () => {
      if (this.#signal.aborted) return;
      this.stats.lastSyncMs = this.#clock.now();
      for (const object of [...this.store.values()]) this.#emit('Sync', object);
      this.#storeSynced('resync');
    });
  }

  #storeSynced(cause: StoreSyncCause): void {
    if (this.#signal.aborted) return;
    try {
      this.#options.onStoreSynced?.(cause);
    } catch (error) {
      this.#report(new Error(`handling the ${cause} of ${this.#path} failed`, { cause: error }));
    }
  }

  #emit(type: ObserveEventType, object: KubeObject): void {
    if (this.#signal.aborted) return;
    const event = {
      type,
      cluster: this.#options.cluster,
      namespace: object.metadata?.namespace ?? '',
      name: object.metadata?.name ?? '',
      object,
    };
    try {
      this.#options.onEvent(event);
    } catch (error) {
      this.#report(new Error(`handling ${type} ${event.namespace}/${event.name} failed`, { cause: error }));
    }
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // An error handler that throws must not stop the reflector.
    }
  }
}
