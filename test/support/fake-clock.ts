// A stepped clock for tests (client-go's fake clock): time moves only when the test says so, and
// stepping fires the timers that fall due, in order of their due time (ties in the order they
// were set), with the clock reading each timer's own due time while it runs.
import type { Clock, Timer } from '../../src/shared/clock.ts';

interface Scheduled {
  at: number;
  /** 0 for one-shot timers; the period of a ticker. */
  every: number;
  seq: number;
  fn: () => void;
  live: boolean;
}

/** Resolves after the event loop has run what is ready (promise continuations, I/O callbacks). */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface FakeClockOptions {
  /**
   * Sleeps resolve at once and step the clock by what they asked (firing timers that fall due),
   * for code that only sleeps between attempts (module retries, polling): the test then needs
   * no stepping and reads `sleeps`. An aborted signal still rejects, and records no sleep.
   */
  sleepSteps?: boolean;
}

export class FakeClock implements Clock {
  readonly #epoch: number;
  readonly #sleepSteps: boolean;
  #elapsed = 0;
  #seq = 0;
  #timers: Scheduled[] = [];
  #watchers: { count: number; resolve: () => void }[] = [];
  /** Every sleep asked for, in order (ms). */
  readonly sleeps: number[] = [];

  /** `epochMs` is what now() reads before the first step (default 2025-01-01T00:00:00Z). */
  constructor(epochMs = Date.UTC(2025, 0, 1), options: FakeClockOptions = {}) {
    this.#epoch = epochMs;
    this.#sleepSteps = options.sleepSteps ?? false;
  }

  now(): number {
    return this.#epoch + this.#elapsed;
  }

  monotonic(): number {
    return this.#elapsed;
  }

  since(start: number): number {
    return this.#elapsed - start;
  }

  /** Resolves when the clock has been stepped `ms` further (at once for `ms <= 0`, or `sleepSteps`). */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#sleepSteps) return this.#sleepStep(ms, signal);
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      if (ms <= 0) return resolve();
      const onAbort = (): void => {
        timer.stop();
        reject(signal?.reason as Error);
      };
      const timer = this.after(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #sleepStep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    this.sleeps.push(ms);
    this.advance(Math.max(0, ms));
    return Promise.resolve();
  }

  after(ms: number, fn: () => void): Timer {
    return this.#schedule(Math.max(0, ms), 0, fn);
  }

  every(ms: number, fn: () => void): Timer {
    if (ms <= 0) throw new Error(`a ticker needs a positive period, not ${ms} ms`);
    return this.#schedule(ms, ms, fn);
  }

  /** Milliseconds until each pending timer is due, shortest first. */
  pending(): number[] {
    return this.#timers.map((t) => t.at - this.#elapsed).sort((a, b) => a - b);
  }

  /** Steps `ms` at once, firing due timers in order; for code that reacts synchronously. */
  advance(ms: number): void {
    const target = this.#elapsed + ms;
    for (let next = this.#nextDue(target); next; next = this.#nextDue(target)) this.#fire(next);
    this.#elapsed = target;
  }

  /**
   * Steps `ms`, letting the event loop run after each timer fires, so code awaiting a sleep or
   * reacting to a timer continues (and may set timers that fall due within the step, which fire
   * too), then once more at the end.
   */
  async step(ms: number): Promise<void> {
    await turn();
    const target = this.#elapsed + ms;
    for (let next = this.#nextDue(target); next; next = this.#nextDue(target)) {
      this.#fire(next);
      await turn();
    }
    this.#elapsed = target;
    await turn();
  }

  /** Resolves once at least `count` timers (sleeps included) are pending. */
  untilPending(count = 1): Promise<void> {
    if (this.#timers.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#watchers.push({ count, resolve }));
  }

  #schedule(ms: number, every: number, fn: () => void): Timer {
    const timer: Scheduled = { at: this.#elapsed + ms, every, seq: this.#seq++, fn, live: true };
    this.#timers.push(timer);
    this.#notify();
    return {
      stop: () => {
        const wasLive = timer.live;
        this.#remove(timer);
        return wasLive;
      },
    };
  }

  #nextDue(target: number): Scheduled | undefined {
    let next: Scheduled | undefined;
    for (const t of this.#timers)
      if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
    return next;
  }

  #fire(timer: Scheduled): void {
    this.#elapsed = Math.max(this.#elapsed, timer.at);
    if (timer.every > 0) {
      timer.at += timer.every;
      timer.seq = this.#seq++;
    } else this.#remove(timer);
    timer.fn();
  }

  #remove(timer: Scheduled): void {
    timer.live = false;
    this.#timers = this.#timers.filter((t) => t !== timer);
  }

  #notify(): void {
    const ready = this.#watchers.filter((w) => this.#timers.length >= w.count);
    this.#watchers = this.#watchers.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** A fresh FakeClock (see the class). */
export function fakeClock(epochMs?: number): FakeClock {
  return new FakeClock(epochMs);
}

/** A FakeClock whose sleeps return at once and move time by what they asked (`sleepSteps`). */
export function sleepSteppingClock(epochMs?: number): FakeClock {
  return new FakeClock(epochMs, { sleepSteps: true });
}
