// Leader election's rules (client-go's) on an in-memory Lease and a stepped clock: taking a free
// Lease, renewing it, stepping down within renewDeadline when renewals fail, waiting a full lease
// duration by its own clock before taking another holder's Lease, and releasing it on stop.
// The real-Lease behaviour is in test/integration/observe/leader-election.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeClient } from '../../../src/kube/client.ts';
import { runLeaderElection } from '../../../src/observe/leader-election.ts';
import { microTime } from '../../../src/observe/lease-lock.ts';
import type { LeaseLock, LeaseRecord, LeaseState } from '../../../src/observe/lease-lock.ts';
import { FakeClock } from '../../support/fake-clock.ts';

const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
/** The longest jittered wait between two attempts to acquire (retryPeriod + 20 %). */
const MAX_RETRY_MS = 2_400;

/** One Lease in memory with the API's optimistic concurrency (a resourceVersion per write). */
class MemoryLeaseLock implements LeaseLock {
  #state: LeaseState | undefined;
  #version = 0;
  /** While true every call fails, as when the apiserver cannot be reached. */
  failing = false;
  writes = 0;

  get record(): LeaseRecord | undefined {
    return this.#state && { ...this.#state.record };
  }

  /** Another replica writes the Lease. */
  put(record: LeaseRecord): void {
    this.#store(record);
  }

  async get(signal: AbortSignal): Promise<LeaseState | undefined> {
    this.#check(signal);
    return this.#state && { record: { ...this.#state.record }, object: this.#state.object };
  }

  async create(record: LeaseRecord, signal: AbortSignal): Promise<LeaseState | false> {
    this.#check(signal);
    return this.#state ? false : this.#store(record);
  }

  async update(current: LeaseState, record: LeaseRecord, signal: AbortSignal): Promise<LeaseState | false> {
    this.#check(signal);
    const stale = current.object.metadata?.resourceVersion !== this.#state?.object.metadata?.resourceVersion;
    return stale ? false : this.#store(record);
  }

  #check(signal: AbortSignal): void {
    signal.throwIfAborted();
    if (this.failing) throw new Error('connect ECONNREFUSED');
  }

  #store(record: LeaseRecord): LeaseState {
    this.writes++;
    const object = { metadata: { name: 'observer', resourceVersion: String(++this.#version) } };
    this.#state = { record: { ...record }, object };
    return { record: { ...record }, object };
  }
}

interface Candidate {
  stop: AbortController;
  done: Promise<void>;
  /** What happened, with the clock's monotonic time: `lead@0`, `abort@10000`, `stopped@10000`. */
  events: string[];
  leading(): boolean;
  errors: string[];
}

function candidate(clock: FakeClock, lock: LeaseLock, identity = 'me'): Candidate {
  const stop = new AbortController();
  const events: string[] = [];
  const errors: string[] = [];
  let term: AbortSignal | undefined;
  const done = runLeaderElection({
    client: {} as KubeClient,
    namespace: 'demo',
    name: 'observer',
    identity,
    ...timing,
    lock,
    clock,
    signal: stop.signal,
    async onStartedLeading(signal) {
      term = signal;
      events.push(`lead@${clock.monotonic()}`);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      events.push(`abort@${clock.monotonic()}`);
    },
    onStoppedLeading: () => events.push(`stopped@${clock.monotonic()}`),
    onError: (error) => errors.push(error.message),
  });
  return { stop, done, events, errors, leading: () => term !== undefined && !term.aborted };
}

/** A fresh clock and in-memory Lease, and a candidate `me` that took the absent Lease at time 0. */
async function leaderAtZero(): Promise<{ clock: FakeClock; lock: MemoryLeaseLock; me: Candidate }> {
  const clock = new FakeClock();
  const lock = new MemoryLeaseLock();
  const me = candidate(clock, lock);
  await clock.step(0);
  return { clock, lock, me };
}

const other = (clock: FakeClock, renewedAtMs: number): LeaseRecord => ({
  holderIdentity: 'other',
  leaseDurationSeconds: 15,
  acquireTime: microTime(clock.now() - 60_000),
  renewTime: microTime(renewedAtMs),
  leaseTransitions: 3,
});

describe('leader election (in-memory Lease, stepped clock)', () => {
  it('takes an absent Lease at once and starts leading', async () => {
    const { clock, lock, me } = await leaderAtZero();
    assert.deepEqual(me.events, ['lead@0']);
    assert.deepEqual(lock.record, {
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: microTime(clock.now()),
      renewTime: microTime(clock.now()),
      leaseTransitions: 0,
    });
    me.stop.abort();
    await me.done;
  });

  it('renews every retry period, keeping its acquireTime', async () => {
    const { clock, lock, me } = await leaderAtZero();
    const acquired = lock.record?.acquireTime;
    await clock.step(timing.retryPeriodMs);
    assert.equal(lock.writes, 2);
    assert.equal(lock.record?.renewTime, microTime(clock.now()));
    await clock.step(timing.retryPeriodMs);
    assert.equal(lock.writes, 3);
    assert.equal(lock.record?.acquireTime, acquired);
    assert.equal(lock.record?.holderIdentity, 'me');
    assert.ok(me.leading());
    me.stop.abort();
    await me.done;
  });

  it('stops leading when it cannot renew for renewDeadline, and not a moment before', async () => {
    const { clock, lock, me } = await leaderAtZero();
    lock.failing = true;
    await clock.step(timing.renewDeadlineMs - 1);
    assert.ok(me.leading(), 'still leading just before renewDeadline');
    assert.ok(me.errors.length >= 4, 'every failed renewal is reported');
    await clock.step(1);
    assert.ok(!me.leading());
    assert.deepEqual(me.events, ['lead@0', 'abort@10000', 'stopped@10000']);
    assert.ok(timing.renewDeadlineMs < timing.leaseDurationMs, 'it steps down before others may take over');
    me.stop.abort();
    await me.done;
    assert.equal(lock.record?.holderIdentity, 'me', 'a Lease it could not renew is not released');
  });

  it('steps down at its next renewal when another replica holds the Lease', async () => {
    const { clock, lock, me } = await leaderAtZero();
    lock.put(other(clock, clock.now()));
    await clock.step(timing.retryPeriodMs);
    assert.deepEqual(me.events, ['lead@0', 'abort@2000', 'stopped@2000']);
    me.stop.abort();
    await me.done;
    assert.equal(lock.record?.holderIdentity, 'other');
  });

  it("takes another holder's Lease only after it stayed unchanged for leaseDuration by its own clock", async () => {
    const clock = new FakeClock();
    const lock = new MemoryLeaseLock();
    // The other holder's renewTime is an hour old by our wall clock: clocks of different
    // machines are never compared, so the candidate still waits a full lease duration.
    lock.put(other(clock, clock.now() - 3_600_000));
    const me = candidate(clock, lock);
    await clock.step(timing.leaseDurationMs - 1);
    assert.deepEqual(me.events, []);
    assert.equal(lock.record?.holderIdentity, 'other');
    await clock.step(MAX_RETRY_MS + 1);
    assert.equal(me.events.length, 1);
    assert.equal(lock.record?.holderIdentity, 'me');
    assert.equal(lock.record?.leaseTransitions, 4);
    me.stop.abort();
    await me.done;
  });

  it('never takes a Lease whose holder keeps renewing it', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLeaseLock();
    lock.put(other(clock, clock.now()));
    const me = candidate(clock, lock);
    for (let i = 0; i < 12; i++) {
      await clock.step(5_000);
      lock.put(other(clock, clock.now()));
    }
    assert.deepEqual(me.events, []);
    assert.equal(lock.record?.holderIdentity, 'other');
    me.stop.abort();
    await me.done;
  });

  it('releases the Lease on stop: no holder, a 1 s duration, transitions kept', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLeaseLock();
    const me = candidate(clock, lock);
    await clock.step(timing.retryPeriodMs);
    me.stop.abort();
    await me.done;
    assert.deepEqual(me.events, ['lead@0', 'abort@2000', 'stopped@2000']);
    assert.deepEqual(lock.record, {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: microTime(clock.now()),
      renewTime: microTime(clock.now()),
      leaseTransitions: 0,
    });
    assert.deepEqual(clock.pending(), [], 'no timer outlives the election');
  });

  it('takes a released Lease at its next retry instead of after a lease duration', async () => {
    const clock = new FakeClock();
    const lock = new MemoryLeaseLock();
    const first = candidate(clock, lock, 'first');
    await clock.step(0);
    const second = candidate(clock, lock, 'second');
    await clock.step(timing.retryPeriodMs);
    assert.deepEqual(second.events, []);
    first.stop.abort();
    await first.done;
    await clock.step(MAX_RETRY_MS);
    assert.equal(second.events.length, 1);
    assert.equal(lock.record?.holderIdentity, 'second');
    assert.equal(lock.record?.leaseTransitions, 1);
    second.stop.abort();
    await second.done;
  });
});
