/**
 * client-go's rate-limited work queue for string keys. Watching produces keys; this queue
 * de-duplicates them; workers reconcile one key at a time:
 *
 * - a key added many times while it waits is handed out once;
 * - a key is never handed out to two workers at the same time;
 * - a key added while it is being processed is handed out once more after done();
 * - addRateLimited waits the key's own backoff (5 ms doubling per failure to 1000 s) and
 *   forget() resets it; a call may lower the cap for that retry; a key waiting for its backoff is
 *   kept once, at its earliest time;
 * - shutDown stops new keys; get() drains what is queued, then returns undefined.
 *
 * Keys wait in one of two lanes, each with its own workers: `changes` (what the watch saw) and
 * `reconcile` (passes over a whole selection), so a long pass never holds up a live change. A
 * key keeps the lane it was queued in until it has been processed; its retries keep it too.
 */
import { systemClock } from '../shared/clock.ts';
import type { Clock, Timer } from '../shared/clock.ts';
import type { QueueLane, WorkQueue } from './contracts.ts';

export interface WorkQueueOptions {
  /** First retry delay (default 5 ms). */
  baseDelayMs?: number;
  /** Longest retry delay (default 1000 s). */
  maxDelayMs?: number;
  /** Time source of the backoff (default the system clock); tests pass a fake one and step it. */
  clock?: Pick<Clock, 'now' | 'after'>;
}

const LANES: readonly QueueLane[] = ['changes', 'reconcile'];

interface Delayed {
  readyAt: number;
  timer: Timer;
}

/** Creates an empty queue; see the file comment for its guarantees. */
export function createWorkQueue(options: WorkQueueOptions = {}): WorkQueue {
  return new RateLimitedQueue(options);
}

class RateLimitedQueue implements WorkQueue {
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #clock: Pick<Clock, 'now' | 'after'>;
  /** Per lane, the keys in hand-out order. */
  readonly #queues: Record<QueueLane, string[]> = { changes: [], reconcile: [] };
  /** The lane of each key queued, processing, or waiting for its backoff. */
  readonly #lanes = new Map<string, QueueLane>();
  /** Keys that need processing (queued, or re-added while processing). */
  readonly #dirty = new Set<string>();
  /** Keys handed out and not yet done(). */
  readonly #processing = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #delayed = new Map<string, Delayed>();
  readonly #waiters: Record<QueueLane, ((key: string | undefined) => void)[]> = {
    changes: [],
    reconcile: [],
  };
  #shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.#baseDelayMs = options.baseDelayMs ?? 5;
    this.#maxDelayMs = options.maxDelayMs ?? 1_000_000;
    this.#clock = options.clock ?? systemClock();
  }

  get length(): number {
    return this.#queues.changes.length + this.#queues.reconcile.length;
  }

  add(key: string, lane: QueueLane = 'changes'): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    if (!this.#processing.has(key)) this.#lanes.set(key, lane);
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  addRateLimited(key: string, maxDelayMs = Infinity): void {
    if (this.#shuttingDown) return;
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    const cap = Math.min(this.#maxDelayMs, maxDelayMs);
    const delay = Math.min(cap, this.#baseDelayMs * 2 ** Math.min(failures, 60));
    this.#addAfter(key, delay);
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  get(lane: QueueLane = 'changes'): Promise<string | undefined> {
    const key = this.#queues[lane].shift();
    if (key !== undefined) return Promise.resolve(this.#handOut(key));
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters[lane].push(resolve));
  }

  done(key: string): void {
    this.#processing.delete(key);
    const lane = this.#laneOf(key);
    if (this.#dirty.has(key)) return this.#push(key);
    if (!this.#delayed.has(key)) this.#lanes.delete(key);
    if (this.#shuttingDown && this.#queues[lane].length === 0) this.#releaseWaiters(lane);
  }

  shutDown(): void {
    this.#shuttingDown = true;
    for (const delayed of this.#delayed.values()) delayed.timer.stop();
    this.#delayed.clear();
    for (const lane of LANES) if (this.#queues[lane].length === 0) this.#releaseWaiters(lane);
  }

  #addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) return this.add(key, this.#laneOf(key));
    const readyAt = this.#clock.now() + delayMs;
    const existing = this.#delayed.get(key);
    if (existing && existing.readyAt <= readyAt) return;
    existing?.timer.stop();
    const timer = this.#clock.after(delayMs, () => {
      this.#delayed.delete(key);
      this.add(key, this.#laneOf(key));
    });
    this.#delayed.set(key, { readyAt, timer });
  }

  /** Gives a ready key to a waiting worker, or queues it. */
  #push(key: string): void {
    const lane = this.#laneOf(key);
    const waiter = this.#waiters[lane].shift();
    if (waiter) waiter(this.#handOut(key));
    else this.#queues[lane].push(key);
  }

  #laneOf(key: string): QueueLane {
    return this.#lanes.get(key) ?? 'changes';
  }

  #handOut(key: string): string {
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }

  #releaseWaiters(lane: QueueLane): void {
    for (const waiter of this.#waiters[lane].splice(0)) waiter(undefined);
  }
}
