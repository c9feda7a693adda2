// prepareAll: each source object prepared once per run for all the targets whose options are the
// same, and apart where they differ (overrides, an ImageStream's target registry).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/kube/index.ts';
import { prepareAll, prepareObject } from '../../../src/modules/kube/k8s-sync-prepare.ts';
import type { PrepareOptions } from '../../../src/modules/kube/k8s-sync-prepare.ts';

const configMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app', namespace: 'demo', uid: 'u1', resourceVersion: '7' },
  data: { a: '1' },
};
const stream: KubeObject = {
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: { name: 'app', namespace: 'demo', uid: 'u2' },
  spec: {},
  status: { publicDockerImageRepository: 'east-registry:5000/demo/app', tags: [] },
};
const base = (targetRegistry: string): PrepareOptions => ({
  source: 'east',
  overrides: [],
  prefix: '',
  suffix: '',
  imageStreams: { mode: 'mirror', pin: 'tag', sourceRegistry: 'east-registry:5000', targetRegistry },
});

describe('k8s_sync prepareAll', () => {
  it('prepares an object once for targets with the same options, as prepareObject would', () => {
    const cache = new Map<string, unknown>();
    const [west] = prepareAll([configMap], base('west-registry:5000'), cache);
    const [south] = prepareAll([configMap], base('south-registry:5000'), cache);
    assert.ok(west && west === south, 'a ConfigMap does not depend on the target registry');
    assert.deepEqual(west, prepareObject(configMap, base('west-registry:5000')));
  });

  it('prepares apart for other overrides, and an ImageStream per target registry', () => {
    const cache = new Map<string, unknown>();
    const plain = prepareAll([configMap, stream], base('west-registry:5000'), cache);
    const overridden = prepareAll(
      [configMap],
      { ...base('west-registry:5000'), overrides: [{ merge: { data: { a: '2' } } }] },
      cache,
    );
    assert.notEqual(plain[0], overridden[0]);
    assert.equal((overridden[0]?.object['data'] as Record<string, string>)['a'], '2');
    const south = prepareAll([stream], base('south-registry:5000'), cache);
    assert.notEqual(plain[1], south[0]);
    assert.deepEqual(south[0], prepareObject(stream, base('south-registry:5000')));
    assert.equal(prepareAll([stream], base('south-registry:5000'), cache)[0], south[0]);
  });

  it('a new run cache prepares again', () => {
    const first = prepareAll([configMap], base('r'), new Map());
    const second = prepareAll([configMap], base('r'), new Map());
    assert.notEqual(first[0], second[0]);
    assert.deepEqual(first[0], second[0]);
  });
});
