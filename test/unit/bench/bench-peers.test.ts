// Unit tests of the pure parts of the benchmark's peers (issue 19): the server-field stripping
// of kubectl's input, the floor's request plans, the create manifests, the rotation of the tool
// order, and the peer and CPU-per-write targets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BenchHost } from '../../../bench/lib/cluster.ts';
import { applyPlan, collectionPath, listPlan, objectPath } from '../../../bench/lib/floor-plan.ts';
import { renderReport } from '../../../bench/lib/report.ts';
import {
  emptyResults,
  type BenchResults,
  type ComparisonPoint,
  type Measure,
} from '../../../bench/lib/results.ts';
import { stripList, stripServerFields } from '../../../bench/lib/strip.ts';
import { cpuPerWrite, verdicts } from '../../../bench/lib/targets.ts';
import { createManifests } from '../../../bench/lib/workload.ts';
import { rotate } from '../../../bench/scenarios/peers.ts';

const listed = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'web',
    namespace: 'demo',
    uid: 'u-1',
    resourceVersion: '42',
    creationTimestamp: '2026-01-01T00:00:00Z',
    generation: 1,
    managedFields: [{ manager: 'mcsync' }],
    labels: { bench: 'sync' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' },
  },
  spec: { clusterIP: '10.0.0.7', clusterIPs: ['10.0.0.7'], ports: [{ port: 80 }] },
  status: { loadBalancer: {} },
};

describe("stripping kubectl's input", () => {
  it('removes what the source API server owns or allocated and keeps what a user declared', () => {
    assert.deepEqual(stripServerFields(listed), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'demo', labels: { bench: 'sync' }, annotations: { keep: 'me' } },
      spec: { ports: [{ port: 80 }] },
    });
  });
  it('keeps a headless Service headless and never mutates its input', () => {
    const headless = { ...listed, spec: { clusterIP: 'None', clusterIPs: ['None'] } };
    assert.equal((stripServerFields(headless)['spec'] as { clusterIP: string }).clusterIP, 'None');
    assert.equal(listed.metadata.uid, 'u-1');
    assert.ok('status' in listed);
  });
  it('drops an annotations map that only held the last-applied configuration', () => {
    const only = {
      ...listed,
      metadata: { name: 'x', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    };
    assert.deepEqual(stripServerFields(only).metadata, { name: 'x' });
  });
  it("turns kubectl get -o json's List into a List of stripped items, in kubectl's order", () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', uid: 'u-0' } };
    const list = stripList({
      apiVersion: 'v1',
      kind: 'List',
      items: [ns, listed],
      metadata: { resourceVersion: '' },
    });
    assert.equal(list.kind, 'List');
    assert.deepEqual(
      (list['items'] as Array<{ kind: string; metadata: { uid?: string } }>).map((o) => [
        o.kind,
        o.metadata.uid,
      ]),
      [
        ['Namespace', undefined],
        ['Service', undefined],
      ],
    );
  });
});

const host = (name: string): BenchHost => ({
  name,
  url: `https://127.0.0.1:${name.length}`,
  token: 'never-in-a-plan',
  ca: '',
  vars: { ca_file: `/tmp/${name}.ca`, token_file: `/tmp/${name}.token` },
});

describe("the floor's plans", () => {
  it('names each object by its resource path, namespaced or not', () => {
    assert.equal(
      objectPath({ kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' } }),
      '/api/v1/namespaces/n/configmaps/a',
    );
    assert.equal(objectPath({ kind: 'User', metadata: { name: 'u' } }), '/apis/user.openshift.io/v1/users/u');
    assert.equal(collectionPath('Secret', 'bench=sync'), '/api/v1/secrets?labelSelector=bench%3Dsync');
    assert.throws(() => objectPath({ kind: 'Widget', metadata: { name: 'w' } }), /no resource path known/);
  });
  it('applies namespaces in a first wave and the rest in a second, to every host, with file paths and no token', () => {
    const objects = createManifests(1);
    const plan = applyPlan(objects, [host('west'), host('south')], 16);
    assert.equal(plan.inflight, 16);
    const waves = plan.waves['west']!;
    assert.deepEqual(
      waves.map((w) => w.length),
      [1, objects.length - 1],
    );
    assert.match(
      waves[0]![0]!.path,
      /^\/api\/v1\/namespaces\/bench-p-0\?fieldManager=bench-floor&force=true$/,
    );
    assert.deepEqual(JSON.parse(waves[0]![0]!.body!), objects[0]);
    assert.deepEqual(plan.waves['south'], waves);
    assert.equal(plan.hosts[0]!.tokenFile, '/tmp/west.token');
    assert.doesNotMatch(JSON.stringify(plan), /never-in-a-plan/);
  });
  it('lists each kind once per host for the no-op', () => {
    const plan = listPlan(['Namespace', 'ConfigMap'], 'bench=sync', [host('east'), host('west')], 8);
    assert.deepEqual(
      plan.waves['east']![0]!.map((r) => `${r.method} ${r.path}`),
      [
        'GET /api/v1/namespaces?labelSelector=bench%3Dsync',
        'GET /api/v1/configmaps?labelSelector=bench%3Dsync',
      ],
    );
  });
});

describe('the create manifests', () => {
  it('are the 5 objects per project of vars/create.yml, namespaces first, as roles/create names them', () => {
    const objects = createManifests(2);
    assert.equal(objects.length, 10);
    assert.deepEqual(
      objects.map((o) => o.kind),
      [
        'Namespace',
        'Namespace',
        'ServiceAccount',
        'ServiceAccount',
        'RoleBinding',
        'RoleBinding',
        'RoleBinding',
        'RoleBinding',
        'User',
        'User',
      ],
    );
    const puller = objects.find((o) => o.metadata?.name === 'mcsync-system-image-puller');
    assert.deepEqual(puller?.['subjects'], [
      { name: 'deployer', kind: 'ServiceAccount', namespace: 'bench-p-0' },
    ]);
  });
});

describe('the order of the tools in a round', () => {
  it('rotates by one each round, so every tool takes every place', () => {
    assert.deepEqual(rotate(['a', 'b', 'c'], 0), ['a', 'b', 'c']);
    assert.deepEqual(rotate(['a', 'b', 'c'], 1), ['b', 'c', 'a']);
    assert.deepEqual(rotate(['a', 'b', 'c'], 5), ['c', 'a', 'b']);
  });
});

const m = (seconds: number, cpuSeconds = 0): Measure => ({ seconds, cpuSeconds, rssMb: 100, changed: 0 });

function peerPoint(
  mcsync: [number, number],
  floor: [number, number],
  kubectl: number,
  fast: number,
): ComparisonPoint {
  return {
    scenario: 'sync',
    n: 1000,
    clusters: 3,
    objectsPerCluster: 1005,
    phases: ['first', 'noop'],
    commands: { mcsync: 'm', floor: 'f', kubectl: 'k', ansibleFast: 'a' },
    measuredAt: '2026-01-01T00:00:00Z',
    runs: [
      {
        mcsync: { first: m(mcsync[0]), noop: m(mcsync[1]) },
        floor: { first: m(floor[0]), noop: m(floor[1]) },
        kubectl: { first: m(kubectl), noop: m(kubectl) },
        ansibleFast: { first: m(fast), noop: m(fast) },
        compared: 2010,
      },
    ],
  };
}

describe('the peer targets', () => {
  const find = (results: BenchResults, start: string): ReturnType<typeof verdicts>[number] =>
    verdicts(results).find((v) => v.target.startsWith(start))!;
  it('judges mcsync against the floor of the same round, and against kubectl and fast Ansible', () => {
    const results: BenchResults = { ...emptyResults(), sync: [peerPoint([8.8, 0.6], [8, 0.5], 13, 31)] };
    assert.equal(find(results, 'first sync of 1,000 objects to 2 slaves within').met, true);
    assert.match(find(results, 'first sync of 1,000 objects to 2 slaves within').measured, /^1\.10×/);
    assert.equal(find(results, 'first sync of 1,000 objects to 2 slaves ahead').met, true);
    assert.equal(find(results, 'no-op rerun of 1,000').met, true);
  });
  it('says so when mcsync is slower than the floor allows or behind a peer', () => {
    const results: BenchResults = { ...emptyResults(), sync: [peerPoint([10, 1.2], [8, 0.5], 9, 31)] };
    assert.equal(find(results, 'first sync of 1,000 objects to 2 slaves within').met, false);
    assert.equal(find(results, 'first sync of 1,000 objects to 2 slaves ahead').met, false);
    assert.equal(find(results, 'no-op rerun of 1,000').met, false);
    const report = renderReport(results, 'c.png');
    assert.match(report, /mcsync = \*\*1\.25×\*\* the floor/);
    assert.match(report, /kubectl get -o json, stripped/);
  });
  it('takes CPU per write from the latest 10,000-object record, whole process and without the no-op', () => {
    const record = {
      label: 'after',
      command: 'node bench/cpu-per-write.ts',
      objects: 10000,
      slaves: 2,
      measuredAt: '2026-01-01T00:00:00Z',
      runs: [{ first: m(20, 4), noop: m(2, 1) }],
    };
    assert.deepEqual(cpuPerWrite(record), { wholeMs: 0.2, marginalMs: 0.15 });
    const results: BenchResults = {
      ...emptyResults(),
      cpu: [{ ...record, label: 'before', runs: [{ first: m(50, 9), noop: m(2, 2) }] }, record],
    };
    const v = find(results, "mcsync's CPU time per object write");
    assert.equal(v.met, true);
    assert.match(v.measured, /^0\.200 ms \(after;/);
  });
});
