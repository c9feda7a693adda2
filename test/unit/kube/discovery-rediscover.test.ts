// Discovery on a long-lived client: a kind that was missing (a cluster restarting, its CRDs not in
// discovery yet) is looked up again once REDISCOVER_AFTER_MS has passed, not never again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Discovery, REDISCOVER_AFTER_MS, UnknownKindError } from '../../../src/kube/discovery.ts';
import type { DiscoveryFetcher } from '../../../src/kube/discovery.ts';
import { FakeClock } from '../../support/fake-clock.ts';

/** A cluster serving core v1 and, once `crd.served`, example.com/v1 Widget (legacy discovery). */
function restartingCluster(): DiscoveryFetcher & { crd: { served: boolean }; discoveries: number } {
  const crd = { served: false };
  const cluster = {
    label: 'south',
    crd,
    discoveries: 0,
    async request<T>(req: {
      path: string;
    }): Promise<{ status: number; body: T; headers: Record<string, string> }> {
      const bodies: Record<string, unknown> = {
        '/api': { kind: 'APIVersions', versions: ['v1'] },
        '/apis': {
          kind: 'APIGroupList',
          groups: crd.served ? [{ name: 'example.com', versions: [{ groupVersion: 'example.com/v1' }] }] : [],
        },
        '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [] },
        '/apis/example.com/v1': {
          kind: 'APIResourceList',
          groupVersion: 'example.com/v1',
          resources: [{ name: 'widgets', namespaced: true, kind: 'Widget', verbs: [] }],
        },
      };
      if (req.path === '/api') cluster.discoveries++;
      return { status: 200, body: bodies[req.path] as T, headers: {} };
    },
  };
  return cluster as unknown as DiscoveryFetcher & { crd: { served: boolean }; discoveries: number };
}

describe('Discovery on a long-lived client', () => {
  it('answers a repeated miss from the cache, then re-discovers it after REDISCOVER_AFTER_MS', async () => {
    const clock = new FakeClock();
    const discovery = new Discovery({ clock });
    const south = restartingCluster();
    await assert.rejects(discovery.resolve(south, 'example.com/v1', 'Widget'), UnknownKindError);
    assert.equal(south.discoveries, 2, 'the first load and one re-discovery');
    south.crd.served = true;
    clock.advance(REDISCOVER_AFTER_MS - 1);
    await assert.rejects(discovery.resolve(south, 'example.com/v1', 'Widget'), UnknownKindError);
    assert.equal(south.discoveries, 2, 'no discovery per lookup');
    clock.advance(1);
    assert.equal((await discovery.resolve(south, 'example.com/v1', 'Widget')).resource, 'widgets');
    assert.equal(south.discoveries, 3);
  });
});
