// The work queue's guarantees (client-go's): de-duplication, one worker per key, a re-run for a
// change that arrives during a run, per-key backoff, and draining on shutdown. Time is a fake
// clock, so nothing here depends on timing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkQueue } from '../../../src/observe/contracts.ts';
import { createWorkQueue } from '../../../src/observe/work-queue.ts';
import { fakeClock } from '../../support/fake-clock.ts';
import type { FakeClock } from '../../support/fake-clock.ts';

/** Resolves the value of `promise` if it settles within the current microtask queue, else 'pending'. */
async function peek<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

/** A queue with the default delays on a fake clock, and the clock. */
function clockedQueue(): { clock: FakeClock; queue: WorkQueue } {
  const clock = fakeClock();
  return { clock, queue: createWorkQueue({ clock }) };
}

describe('work queue', () => {
  it('hands out a key added many times while waiting only once', async () => {
    const queue = createWorkQueue();
    for (let i = 0; i < 5; i++) queue.add('east/demo/a');
    queue.add('east/demo/b');
    assert.equal(queue.length, 2);
    assert.equal(await queue.get(), 'east/demo/a');
    assert.equal(await queue.get(), 'east/demo/b');
    assert.equal(await peek(queue.get()), 'pending');
  });

  it('keeps first-in first-out order across keys', async () => {
    const queue = createWorkQueue();
    for (const key of ['c', 'a', 'b', 'a', 'c']) queue.add(key);
    assert.deepEqual([await queue.get(), await queue.get(), await queue.get()], ['c', 'a', 'b']);
  });

  it('never hands a key to two workers at the same time', async () => {
    const queue = createWorkQueue();
    queue.add('k');
    assert.equal(await queue.get(), 'k');
    queue.add('k'); // a change while the first worker runs
    const second = queue.get();
    assert.equal(await peek(second), 'pending', 'k must wait until the first worker is done');
    assert.equal(queue.length, 0);
    queue.done('k');
    assert.equal(await second, 'k');
  });

  it('hands a key added during processing out exactly once more after done()', async () => {
    const queue = createWorkQueue();
    queue.add('k');
    const key = await queue.get();
    queue.add('k');
    queue.add('k');
    queue.add('k');
    queue.done(key ?? '');
    assert.equal(queue.length, 1);
    assert.equal(await queue.get(), 'k');
    queue.done('k');
    assert.equal(queue.length, 0);
    assert.equal(await peek(queue.get()), 'pending');
  });

  it('does not hand a processed key out again when nothing changed during the run', async () => {
    const queue = createWorkQueue();
    queue.add('k');
    queue.done((await queue.get()) ?? '');
    assert.equal(queue.length, 0);
    assert.equal(await peek(queue.get()), 'pending');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const queue = createWorkQueue();
    const waiting = queue.get();
    assert.equal(await peek(waiting), 'pending');
    queue.add('k');
    assert.equal(await waiting, 'k');
  });

  it('backs off per key: 5 ms doubling per failure, capped at 1000 s, reset by forget()', () => {
    const { clock, queue } = clockedQueue();
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      queue.addRateLimited('k');
      delays.push(clock.pending()[0] ?? -1);
      clock.advance(2_000_000); // let it fire so the next failure schedules a fresh timer
    }
    assert.deepEqual(delays.slice(0, 5), [5, 10, 20, 40, 80]);
    assert.equal(delays[17], 655_360);
    assert.equal(delays[18], 1_000_000);
    assert.equal(delays[19], 1_000_000);
    assert.equal(queue.retries('k'), 20);
    queue.forget('k');
    assert.equal(queue.retries('k'), 0);
    queue.addRateLimited('k');
    assert.deepEqual(clock.pending(), [5]);
  });

  it('caps one retry lower when the caller asks (an unreachable target retries once per resync)', () => {
    const { clock, queue } = clockedQueue();
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      queue.addRateLimited('k', 60_000);
      delays.push(clock.pending()[0] ?? -1);
      clock.advance(2_000_000);
    }
    assert.deepEqual(delays.slice(0, 3), [5, 10, 20]);
    assert.equal(delays[13], 40_960);
    assert.deepEqual(delays.slice(14), Array<number>(6).fill(60_000));
    assert.equal(queue.retries('k'), 20);
  });

  it('keeps separate backoffs for separate keys', () => {
    const clock = fakeClock();
    const queue = createWorkQueue({ clock, baseDelayMs: 100, maxDelayMs: 1000 });
    queue.addRateLimited('a');
    queue.addRateLimited('a');
    queue.addRateLimited('b');
    assert.equal(queue.retries('a'), 2);
    assert.equal(queue.retries('b'), 1);
    // 'a' waits once, at its earliest time (100 ms), not twice.
    assert.deepEqual(clock.pending(), [100, 100]);
  });

  it('queues a rate-limited key only once its delay has passed', async () => {
    const { clock, queue } = clockedQueue();
    queue.addRateLimited('k');
    assert.equal(queue.length, 0);
    clock.advance(4);
    assert.equal(queue.length, 0);
    clock.advance(1);
    assert.equal(queue.length, 1);
    assert.equal(await queue.get(), 'k');
  });

  it('a delayed key that is also added directly runs once', async () => {
    const { clock, queue } = clockedQueue();
    queue.addRateLimited('k');
    queue.add('k');
    clock.advance(10);
    assert.equal(queue.length, 1);
    assert.equal(await queue.get(), 'k');
  });

  it('drains queued keys after shutDown, then returns undefined; new keys are refused', async () => {
    const { clock, queue } = clockedQueue();
    queue.add('a');
    queue.add('b');
    queue.addRateLimited('later');
    queue.shutDown();
    queue.add('c');
    assert.equal(await queue.get(), 'a');
    assert.equal(await queue.get(), 'b');
    assert.equal(await queue.get(), undefined);
    clock.advance(1000);
    assert.equal(queue.length, 0, 'delayed keys are dropped at shutdown');
  });

  it('releases waiting workers with undefined on shutDown', async () => {
    const queue = createWorkQueue();
    const workers = [queue.get(), queue.get()];
    queue.shutDown();
    assert.deepEqual(await Promise.all(workers), [undefined, undefined]);
  });

  it('still hands out a key that changed during its last run before shutdown', async () => {
    const queue = createWorkQueue();
    queue.add('k');
    await queue.get();
    queue.add('k');
    queue.shutDown();
    queue.done('k');
    assert.equal(await queue.get(), 'k');
    queue.done('k');
    assert.equal(await queue.get(), undefined);
  });

  it('keeps the reconcile lane apart: a change is handed out while a pass is queued or running', async () => {
    const queue = createWorkQueue();
    queue.add('pass/east', 'reconcile');
    queue.add('east/demo/a');
    assert.equal(queue.length, 2);
    assert.equal(await queue.get('reconcile'), 'pass/east');
    assert.equal(await queue.get(), 'east/demo/a', 'the changes lane never hands out the pass');
    queue.add('east/demo/b');
    assert.equal(await queue.get(), 'east/demo/b', 'a change arriving during the pass is not held up');
    queue.add('pass/east', 'reconcile');
    const next = queue.get('reconcile');
    assert.equal(await peek(next), 'pending', 'the same pass never runs twice at once');
    queue.done('pass/east');
    assert.equal(await next, 'pass/east');
  });

  it('retries a key in the lane it was queued in', async () => {
    const { clock, queue } = clockedQueue();
    queue.add('pass/east', 'reconcile');
    const key = await queue.get('reconcile');
    queue.addRateLimited(key as string);
    queue.done(key as string);
    clock.advance(5);
    assert.equal(await peek(queue.get()), 'pending', 'not in the changes lane');
    assert.equal(await queue.get('reconcile'), 'pass/east');
  });

  it('shutDown drains each lane and then releases its workers', async () => {
    const queue = createWorkQueue();
    queue.add('pass/east', 'reconcile');
    const changes = queue.get();
    queue.shutDown();
    assert.equal(await changes, undefined);
    assert.equal(await queue.get('reconcile'), 'pass/east');
    queue.done('pass/east');
    assert.equal(await queue.get('reconcile'), undefined);
  });

  it('with several workers processes distinct keys in parallel and each key serially', async () => {
    const queue = createWorkQueue();
    const running = new Set<string>();
    const runs: string[] = [];
    let overlap = false;
    const worker = async (): Promise<void> => {
      for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
        if (running.has(key)) overlap = true;
        running.add(key);
        runs.push(key);
        await new Promise((resolve) => setImmediate(resolve));
        // A change arrives during each of the key's first two runs.
        if (runs.filter((k) => k === key).length < 3) queue.add(key);
        running.delete(key);
        queue.done(key);
      }
    };
    queue.add('a');
    queue.add('b');
    const workers = [worker(), worker(), worker()];
    while (runs.length < 6) await new Promise((resolve) => setImmediate(resolve));
    queue.shutDown();
    await Promise.all(workers);
    assert.equal(overlap, false);
    assert.deepEqual([...runs].sort(), ['a', 'a', 'a', 'b', 'b', 'b']);
  });
});
