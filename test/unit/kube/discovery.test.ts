import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DiscoverySnapshot,
  Discovery,
  unknownKindMessage,
  UnknownKindError,
} from '../../../src/kube/discovery.ts';
import type { DiscoveryFetcher } from '../../../src/kube/discovery.ts';
import {
  isAggregated,
  parseAggregated,
  parseGroupList,
  parseResourceList,
} from '../../../src/kube/discovery-parse.ts';
import type { KubeRequest } from '../../../src/kube/client.ts';
import { aggregatedGroup, aggregatedList } from '../../support/aggregated-discovery.ts';

const aggregatedCore = aggregatedList([
  aggregatedGroup({ creationTimestamp: null }, 'v1', [
    {
      resource: 'configmaps',
      responseKind: { group: '', version: 'v1', kind: 'ConfigMap' },
      scope: 'Namespaced',
      singularResource: 'configmap',
      verbs: ['get', 'list', 'create'],
      shortNames: ['cm'],
    },
    {
      resource: 'namespaces',
      responseKind: { group: '', version: 'v1', kind: 'Namespace' },
      scope: 'Cluster',
      singularResource: 'namespace',
      verbs: ['get'],
      shortNames: ['ns'],
    },
    {
      resource: 'pods',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      verbs: ['get'],
      subresources: [{ subresource: 'log', responseKind: { kind: 'Pod' } }],
    },
  ]),
]);

const aggregatedGroups = aggregatedList([
  aggregatedGroup({ name: 'apps' }, 'v1', [
    {
      resource: 'deployments',
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      verbs: ['get', 'patch'],
      shortNames: ['deploy'],
    },
  ]),
  aggregatedGroup({ name: 'image.openshift.io' }, 'v1', [
    {
      resource: 'imagestreams',
      responseKind: { group: 'image.openshift.io', version: 'v1', kind: 'ImageStream' },
      scope: 'Namespaced',
      verbs: ['get'],
      shortNames: ['is'],
    },
  ]),
]);

describe('discovery parsing', () => {
  it('reads aggregated discovery: core group, named groups, scope, verbs and short names', () => {
    assert.equal(isAggregated(aggregatedCore), true);
    const core = parseAggregated(aggregatedCore);
    assert.deepEqual(
      core.map((r) => `${r.apiVersion} ${r.kind} ${r.resource} ${r.namespaced}`),
      ['v1 ConfigMap configmaps true', 'v1 Namespace namespaces false', 'v1 Pod pods true'],
    );
    assert.deepEqual(core[0]?.shortNames, ['cm']);
    const groups = parseAggregated(aggregatedGroups);
    assert.equal(groups[1]?.apiVersion, 'image.openshift.io/v1');
    assert.equal(groups[1]?.group, 'image.openshift.io');
  });

  it('reads legacy APIResourceList and leaves subresources out', () => {
    const list = parseResourceList('apps/v1', {
      kind: 'APIResourceList',
      groupVersion: 'apps/v1',
      resources: [
        { name: 'deployments', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get'] },
        { name: 'deployments/scale', namespaced: true, kind: 'Scale', verbs: ['get'] },
      ],
    });
    assert.equal(list.length, 1);
    assert.deepEqual(
      { ...list[0] },
      {
        group: 'apps',
        version: 'v1',
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        resource: 'deployments',
        namespaced: true,
        verbs: ['get'],
        shortNames: [],
        singular: 'deployment',
      },
    );
  });

  it('lists every version of every group from a legacy APIGroupList', () => {
    const body = {
      kind: 'APIGroupList',
      groups: [
        { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }] },
        { name: 'x.io', versions: [{ groupVersion: 'x.io/v2' }, { groupVersion: 'x.io/v1' }] },
      ],
    };
    assert.deepEqual(parseGroupList(body), ['apps/v1', 'x.io/v2', 'x.io/v1']);
  });
});

describe('DiscoverySnapshot', () => {
  const snapshot = new DiscoverySnapshot(
    [...parseAggregated(aggregatedCore), ...parseAggregated(aggregatedGroups)],
    'aggregated',
  );

  it('finds a kind exactly, case-insensitively, by plural or by short name', () => {
    assert.equal(snapshot.find('v1', 'ConfigMap')?.resource, 'configmaps');
    assert.equal(snapshot.find('v1', 'configmap')?.resource, 'configmaps');
    assert.equal(snapshot.find('v1', 'configmaps')?.kind, 'ConfigMap');
    assert.equal(snapshot.find('apps/v1', 'deploy')?.kind, 'Deployment');
    assert.equal(snapshot.find('v1', 'Deployment'), undefined);
  });

  it('says which apiVersion serves a kind asked for under the wrong one', () => {
    const msg = unknownKindMessage(snapshot, 'v1', 'Deployment', 'east (https://x)');
    assert.match(msg, /kind 'Deployment' is not served in apiVersion 'v1' by cluster east/);
    assert.match(msg, /served as apiVersion 'apps\/v1'/);
  });

  it('suggests the nearest kind for a misspelt one', () => {
    assert.match(
      unknownKindMessage(snapshot, 'apps/v1', 'Deploymnet', 'east'),
      /did you mean 'Deployment'\?/,
    );
  });

  it('says when a whole apiVersion is not served and suggests the nearest', () => {
    const msg = unknownKindMessage(snapshot, 'image.openshift.io/v2', 'ImageStream', 'east');
    assert.match(msg, /apiVersion 'image.openshift.io\/v2' \(kind 'ImageStream'\) is not served/);
    assert.match(msg, /served as apiVersion 'image.openshift.io\/v1'/);
  });
});

/** A fetcher that serves legacy discovery (no aggregated support) and counts requests. */
function legacyFetcher(
  groups: () => string[],
  resources: Record<string, unknown[]>,
): DiscoveryFetcher & { paths: string[] } {
  const paths: string[] = [];
  return {
    label: 'test',
    paths,
    async request<T>(req: KubeRequest) {
      paths.push(req.path);
      let body: unknown;
      if (req.path === '/api') body = { kind: 'APIVersions', versions: ['v1'] };
      else if (req.path === '/apis')
        body = {
          kind: 'APIGroupList',
          groups: groups().map((gv) => ({ name: gv.split('/')[0], versions: [{ groupVersion: gv }] })),
        };
      else body = { kind: 'APIResourceList', resources: resources[req.path] ?? [] };
      return { status: 200, body: body as T, contentType: 'application/json' };
    },
  };
}

describe('Discovery', () => {
  it('falls back to legacy per-group-version lists when aggregated discovery is not served', async () => {
    const fetcher = legacyFetcher(() => ['apps/v1'], {
      '/api/v1': [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: [] }],
      '/apis/apps/v1': [{ name: 'deployments', namespaced: true, kind: 'Deployment', verbs: [] }],
    });
    const discovery = new Discovery();
    assert.equal((await discovery.resolve(fetcher, 'apps/v1', 'Deployment')).resource, 'deployments');
    assert.equal((await discovery.snapshot(fetcher)).mode, 'legacy');
    assert.equal(await discovery.serves(fetcher, 'apps'), true);
    assert.equal(await discovery.serves(fetcher, 'project.openshift.io'), false);
  });

  it('re-discovers once on a miss, so a CRD installed mid-run is found', async () => {
    let crdInstalled = false;
    const fetcher = legacyFetcher(() => (crdInstalled ? ['example.com/v1'] : []), {
      '/api/v1': [],
      '/apis/example.com/v1': [{ name: 'widgets', namespaced: true, kind: 'Widget', verbs: [] }],
    });
    const discovery = new Discovery();
    await discovery.snapshot(fetcher);
    crdInstalled = true;
    assert.equal((await discovery.resolve(fetcher, 'example.com/v1', 'Widget')).resource, 'widgets');
  });

  it('throws UnknownKindError after one re-discovery, and does not re-discover the same miss again', async () => {
    const fetcher = legacyFetcher(() => [], {
      '/api/v1': [{ name: 'pods', namespaced: true, kind: 'Pod', verbs: [] }],
    });
    const discovery = new Discovery();
    await assert.rejects(
      discovery.resolve(fetcher, 'v1', 'Pdo'),
      (e: unknown) => e instanceof UnknownKindError && /did you mean 'Pod'/.test(e.message),
    );
    const before = fetcher.paths.length;
    await assert.rejects(discovery.resolve(fetcher, 'v1', 'Pdo'), UnknownKindError);
    assert.equal(fetcher.paths.length, before);
  });
});
