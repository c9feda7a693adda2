/**
 * Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics, so of several
 * replicas exactly one observes and acts:
 *
 * - a candidate takes the Lease when it is absent, released (no holder), or expired: unchanged,
 *   by the candidate's own monotonic clock, for leaseDurationSeconds since it last saw the
 *   record change (clocks of different machines are never compared);
 * - the leader renews every retryPeriod; when it cannot renew for renewDeadline (shorter than
 *   the lease duration) or sees another holder, it stops leading before anyone can take over;
 * - every write carries the resourceVersion read (optimistic concurrency: 409 means we lost);
 * - on stop (the signal) or when onStartedLeading returns, the leader aborts the work, waits for
 *   it, then releases the Lease (no holder, leaseDurationSeconds 1) so another replica takes over
 *   at its next retry instead of after a full lease duration.
 *
 * The lock and the clock are passed in (defaults: the Lease through the client, the system
 * clock), so unit tests run every rule above on an in-memory lock and a stepped clock.
 */
import { pause, systemClock, timeoutSignal } from '../shared/clock.ts';
import type { Clock } from '../shared/clock.ts';
import type { LeaderElectionOptions } from './contracts.ts';
import { KubeLeaseLock, microTime, sameRecord } from './lease-lock.ts';
import type { LeaseLock, LeaseRecord, LeaseState } from './lease-lock.ts';

/**
 * Campaigns for the Lease until the signal aborts. While leading, runs onStartedLeading; after
 * losing the Lease it campaigns again. Resolves once stopped and the Lease is released; rejects
 * with onStartedLeading's error (after releasing) when that fails.
 */
export async function runLeaderElection(options: LeaderElectionOptions): Promise<void> {
  const elector = new Elector(options);
  while (!options.signal.aborted) {
    if (!(await elector.acquire())) return;
    const ended = await elector.lead();
    if (ended === 'finished') return;
  }
}

type Attempt = 'ok' | 'held' | 'failed';

class Elector {
  readonly #o: LeaderElectionOptions;
  readonly #lock: LeaseLock;
  readonly #clock: Clock;
  #observed: LeaseRecord | undefined;
  /** Monotonic time at which #observed last changed. */
  #observedAt = 0;
  /** The Lease as we last wrote it (for the release). */
  #mine: LeaseState | undefined;

  constructor(options: LeaderElectionOptions) {
    this.#o = options;
    this.#lock = options.lock ?? new KubeLeaseLock(options.client, options.namespace, options.name);
    this.#clock = options.clock ?? systemClock();
  }

  /** Tries every retryPeriod (jittered) until it holds the Lease; false when stopped first. */
  async acquire(): Promise<boolean> {
    while (!this.#o.signal.aborted) {
      if ((await this.#attempt(this.#o.leaseDurationMs)) === 'ok') return true;
      await pause(this.#clock, this.#o.retryPeriodMs * (1 + Math.random() * 0.2), this.#o.signal);
    }
    return false;
  }

  /** Leads until stopped ('finished', Lease released) or the Lease is lost ('lost'). */
  async lead(): Promise<'finished' | 'lost'> {
    const leading = new AbortController();
    const work = Promise.resolve().then(() => this.#o.onStartedLeading(leading.signal));
    work.catch(() => undefined);
    const stopped = new AbortController();
    void work.then(
      () => stopped.abort(),
      () => stopped.abort(),
    );
    const lost = await this.#renewLoop(AbortSignal.any([this.#o.signal, stopped.signal]));
    leading.abort(new Error(lost ? `lost lease ${this.#o.name}` : 'leader election stopped'));
    let failure: unknown;
    await work.catch((error: unknown) => (failure = error ?? new Error('onStartedLeading failed')));
    const finished = !lost || this.#o.signal.aborted;
    if (!lost) await this.#release();
    this.#o.onStoppedLeading?.();
    if (failure !== undefined && finished) throw failure;
    return finished ? 'finished' : 'lost';
  }

  /** Renews every retryPeriod; returns true when leadership was lost, false when `until` aborted. */
  async #renewLoop(until: AbortSignal): Promise<boolean> {
    const clock = this.#clock;
    let lastRenew = clock.monotonic();
    for (;;) {
      await pause(clock, this.#o.retryPeriodMs, until);
      if (until.aborted) return false;
      const deadline = lastRenew + this.#o.renewDeadlineMs;
      let result: Attempt = 'failed';
      while (!until.aborted && clock.monotonic() < deadline) {
        result = await this.#attempt(deadline - clock.monotonic(), until);
        if (result !== 'failed') break;
        await pause(clock, Math.min(this.#o.retryPeriodMs, deadline - clock.monotonic()), until);
      }
      if (until.aborted) return false;
      if (result !== 'ok') return true;
      lastRenew = clock.monotonic();
    }
  }

  /** client-go's tryAcquireOrRenew, with every request bounded by `timeoutMs`. */
  async #attempt(timeoutMs: number, stop: AbortSignal = this.#o.signal): Promise<Attempt> {
    const { signal, clear } = timeoutSignal(this.#clock, Math.max(1, Math.ceil(timeoutMs)), stop);
    try {
      const current = await this.#lock.get(signal);
      const now = this.#clock.monotonic();
      const desired = this.#record(this.#clock.now());
      if (!current) return this.#took(await this.#lock.create(desired, signal));
      if (!this.#observed || !sameRecord(this.#observed, current.record)) {
        this.#observed = current.record;
        this.#observedAt = now;
      }
      const holder = current.record.holderIdentity;
      const expires = this.#observedAt + current.record.leaseDurationSeconds * 1000;
      if (holder && holder !== this.#o.identity && expires > now) return 'held';
      if (holder === this.#o.identity) {
        desired.acquireTime = current.record.acquireTime;
        desired.leaseTransitions = current.record.leaseTransitions;
      } else desired.leaseTransitions = current.record.leaseTransitions + 1;
      return this.#took(await this.#lock.update(current, desired, signal));
    } catch (error) {
      if (!stop.aborted) this.#o.onError?.(error instanceof Error ? error : new Error(String(error)));
      return 'failed';
    } finally {
      clear();
    }
  }

  #took(state: LeaseState | false): Attempt {
    if (!state) return 'failed';
    this.#mine = state;
    this.#observed = state.record;
    this.#observedAt = this.#clock.monotonic();
    return 'ok';
  }

  #record(wallMs: number): LeaseRecord {
    return {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.#o.leaseDurationMs / 1000)),
      acquireTime: microTime(wallMs),
      renewTime: microTime(wallMs),
      leaseTransitions: 0,
    };
  }

  /** Gives the Lease up (no holder, 1 s duration) if we still hold it; best effort, bounded. */
  async #release(): Promise<void> {
    const { signal, clear } = timeoutSignal(this.#clock, Math.max(1_000, this.#o.renewDeadlineMs));
    try {
      let state = this.#mine;
      for (let tries = 0; state && tries < 2; tries++) {
        if (state.record.holderIdentity !== this.#o.identity) return;
        const now = microTime(this.#clock.now());
        const released = {
          ...state.record,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
        };
        if (await this.#lock.update(state, released, signal)) return;
        state = await this.#lock.get(signal); // 409: read again, release only if still ours
      }
    } catch (error) {
      this.#o.onError?.(error instanceof Error ? error : new Error(String(error)));
    } finally {
      clear();
    }
  }
}
