import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contentHash,
  isSubset,
  jsonPatch,
  matchesAnnotations,
  mergePatch,
  overridesFor,
} from '../../../src/modules/kube/k8s-sync-patch.ts';
import { prepareForTarget } from '../../../src/modules/kube/k8s-sync-prepare.ts';
import { sourceHost } from '../../../src/modules/kube/k8s-sync-source.ts';
import { moduleContext } from '../../support/module-context.ts';

describe('k8s_sync overrides', () => {
  it('a merge patch merges mappings, replaces lists and deletes with null', () => {
    const out = mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [9] });
    assert.deepEqual(out, { a: { b: 1, d: 3 }, l: [9] });
  });

  it('a JSON patch replaces, adds and removes by path without touching the input', () => {
    const input = { spec: { tags: [{ from: { name: 'east/app:1' } }] }, metadata: { name: 'x' } };
    const out = jsonPatch(input, [
      { op: 'replace', path: '/spec/tags/0/from/name', value: 'west/app:1' },
      { op: 'add', path: '/metadata/labels', value: { a: 'b' } },
    ]);
    assert.equal((out['spec'] as { tags: { from: { name: string } }[] }).tags[0]?.from.name, 'west/app:1');
    assert.equal(input.spec.tags[0]?.from.name, 'east/app:1');
  });

  it('group overrides apply first and the host’s own entry wins', () => {
    const groups: Record<string, string[]> = { slaves: ['west', 'south'] };
    const list = overridesFor(
      { west: { merge: { own: true } }, slaves: { merge: { group: true } } },
      'west',
      (g) => groups[g] ?? [],
    );
    assert.deepEqual(list, [{ merge: { group: true } }, { merge: { own: true } }]);
  });
});

describe('k8s_sync selection and change detection', () => {
  it('annotation selectors support =, !=, exists and not-exists', () => {
    assert.equal(matchesAnnotations({ sync: 'me' }, 'sync=me'), true);
    assert.equal(matchesAnnotations({ sync: 'no' }, 'sync=me'), false);
    assert.equal(matchesAnnotations({ sync: 'me' }, 'sync,!skip'), true);
    assert.equal(matchesAnnotations({ sync: 'me', skip: '' }, 'sync,!skip'), false);
    assert.equal(matchesAnnotations(undefined, 'sync!=me'), true);
  });

  it('a live object with server defaults added still matches what would be written', () => {
    assert.equal(
      isSubset({ spec: { ports: [{ port: 80 }] } }, { spec: { ports: [{ port: 80, protocol: 'TCP' }] } }),
      true,
    );
    assert.equal(isSubset({ data: { a: '1' } }, { data: { a: '2' } }), false);
  });

  it('prepared objects lose source bookkeeping and carry mcsync’s marks and a stable hash', () => {
    const source = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'n', uid: 'u-1', resourceVersion: '7' },
      data: { a: '1' },
    };
    const out = prepareForTarget(source, { source: 'east', overrides: [], prefix: 'east-', suffix: '' });
    assert.equal(out.metadata?.name, 'east-c');
    assert.equal(out.metadata?.resourceVersion, undefined);
    assert.equal(out.metadata?.labels?.['app.kubernetes.io/managed-by'], 'mcsync');
    assert.equal(out.metadata?.annotations?.['mcsync.io/origin-cluster'], 'east');
    assert.equal(out.metadata?.annotations?.['mcsync.io/origin-uid'], 'u-1');
    const again = prepareForTarget(source, { source: 'east', overrides: [], prefix: 'east-', suffix: '' });
    assert.equal(contentHash(out), contentHash(again));
  });
});

describe('k8s_sync source host', () => {
  const inventory = (masters: string[]) => ({
    hostNames: () => ['east', 'west', 'south'],
    groupHosts: (g: string) => (g === 'master' ? masters : []),
    hostVars: () => ({}),
  });

  it('defaults to the single master, and two masters are an error that says what to do', () => {
    assert.equal(sourceHost(undefined, moduleContext({ inventory: inventory(['east']) })), 'east');
    assert.throws(
      () => sourceHost(undefined, moduleContext({ inventory: inventory(['east', 'west']) })),
      /group 'master' has 2 hosts \(east, west\); sync needs exactly one source/,
    );
    assert.throws(() => sourceHost('nowhere', moduleContext({ inventory: inventory([]) })), /not a host/);
  });
});
