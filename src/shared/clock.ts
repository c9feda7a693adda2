/**
 * The one clock, passed in (client-go's `clock.Clock` with `WithTicker`): wall time, monotonic
 * time, sleeping and timers. Everything that waits or measures takes a Clock instead of calling
 * `Date.now`, `performance.now` or `setTimeout`, so tests step a fake clock
 * (`test/support/fake-clock.ts`) instead of waiting, and nothing in them depends on timing.
 *
 * Production code uses `systemClock()`; a component that is handed no clock defaults to it.
 */
import { performance } from 'node:perf_hooks';

/** A scheduled call, as Go's `time.Timer` / `time.Ticker`. */
export interface Timer {
  /** Cancels it; false when it already fired (one-shot) or was stopped before (Go's Stop). */
  stop(): boolean;
}

export interface Clock {
  /** Wall-clock milliseconds since the epoch: for timestamps other machines read. */
  now(): number;
  /**
   * Milliseconds on a clock that never jumps (NTP steps, suspend): for deadlines and durations.
   * Only differences between two readings mean anything.
   */
  monotonic(): number;
  /** Milliseconds elapsed since `start`, an earlier `monotonic()` reading. */
  since(start: number): number;
  /** Waits `ms`; rejects with the signal's reason when it aborts (at once if already aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once after `ms` (Go's `time.AfterFunc`). */
  after(ms: number, fn: () => void): Timer;
  /** Calls `fn` every `ms` until stopped (Go's `time.Ticker`). */
  every(ms: number, fn: () => void): Timer;
}

/**
 * The part of the clock modules and retry loops use: what time it is, and an abortable wait.
 * Every Clock is one; tests of such code may hand in just these two calls.
 */
export type SleepClock = Pick<Clock, 'now' | 'sleep'>;

const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  since: (start) => performance.now() - start,
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  after(ms, fn) {
    let pending = true;
    const timer = setTimeout(() => {
      pending = false;
      fn();
    }, ms);
    return {
      stop() {
        clearTimeout(timer);
        const stopped = pending;
        pending = false;
        return stopped;
      },
    };
  },
  every(ms, fn) {
    let live = true;
    const timer = setInterval(fn, ms);
    return {
      stop() {
        clearInterval(timer);
        const stopped = live;
        live = false;
        return stopped;
      },
    };
  },
};

/** The real clock: `Date.now`, `performance.now` and Node's timers. */
export function systemClock(): Clock {
  return realClock;
}

/**
 * Waits `ms` unless the signal aborts first, and never rejects: for loops that check their
 * signal right after waiting (backoff, retry periods). Returns at once for `ms <= 0`.
 */
export async function pause(clock: SleepClock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return;
  await clock.sleep(ms, signal).catch(() => undefined);
}

/**
 * `AbortSignal.timeout` on a given clock: a signal that aborts after `ms` with a TimeoutError (as
 * `AbortSignal.timeout` does), or when `also` aborts. Call `clear()` once done so the timer does
 * not outlive the work it bounds.
 */
export function timeoutSignal(
  clock: Pick<Clock, 'after'>,
  ms: number,
  also?: AbortSignal,
): { signal: AbortSignal; clear(): void } {
  const timeout = new AbortController();
  const timer = clock.after(ms, () =>
    timeout.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
  );
  return {
    signal: also ? AbortSignal.any([also, timeout.signal]) : timeout.signal,
    clear: () => void timer.stop(),
  };
}
