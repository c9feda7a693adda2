// The per-run cache's get-or-create: what modules rely on to share one client, one templar or
// one in-flight request per run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forget, getOrCreate, runCacheKey } from '../../../src/model/run-cache.ts';

describe('getOrCreate', () => {
  it('creates an entry once and hands the same one to later callers', () => {
    const cache = new Map<string, unknown>();
    const key = runCacheKey<{ id: number }>('test:entry');
    let made = 0;
    const first = getOrCreate(cache, key, () => ({ id: ++made }));
    assert.equal(
      getOrCreate(cache, key, () => ({ id: ++made })),
      first,
    );
    assert.equal(made, 1);
  });

  it('creates a stale entry again', () => {
    const cache = new Map<string, unknown>();
    const key = runCacheKey<{ at: number }>('test:ttl');
    getOrCreate(cache, key, () => ({ at: 1 }));
    const fresh = getOrCreate(cache, key, () => ({ at: 9 }), { stale: (entry) => entry.at < 5 });
    assert.equal(fresh.at, 9);
  });

  it('drops a promise that rejects, so the next caller tries again', async () => {
    const cache = new Map<string, unknown>();
    const key = runCacheKey<Promise<string>>('test:pending');
    await assert.rejects(
      getOrCreate(cache, key, () => Promise.reject(new Error('down'))),
      /down/,
    );
    await Promise.resolve();
    assert.equal(await getOrCreate(cache, key, () => Promise.resolve('up')), 'up');
  });

  it('forgets an entry only while it is still the cached one', () => {
    const cache = new Map<string, unknown>();
    const key = runCacheKey<{ n: number }>('test:forget');
    const old = getOrCreate(cache, key, () => ({ n: 1 }));
    cache.set(key.name, { n: 2 });
    forget(cache, key, old);
    assert.deepEqual(cache.get(key.name), { n: 2 });
    forget(cache, key, cache.get(key.name) as { n: number });
    assert.equal(cache.has(key.name), false);
  });
});
