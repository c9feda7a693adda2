import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  forComparison,
  forDisplay,
  isClusterGeneratedSecret,
  isGeneratedServiceAccountSecret,
  isServiceAccountToken,
  sanitizeForSync,
} from '../../../src/kube/sanitize.ts';
import type { KubeObject } from '../../../src/kube/types.ts';

const serverMeta = {
  uid: 'u-1',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2024-01-01T00:00:00Z',
  selfLink: '/x',
  managedFields: [{ manager: 'kubectl' }],
  ownerReferences: [{ kind: 'Thing', name: 'owner' }],
  finalizers: ['x/y'],
  deletionTimestamp: '2024-01-02T00:00:00Z',
  deletionGracePeriodSeconds: 30,
};

describe('sanitizeForSync', () => {
  it('removes status, server-owned and cluster-bound metadata and the last-applied annotation', () => {
    const input: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        namespace: 'demo',
        labels: { a: 'b' },
        annotations: { keep: 'me', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
        ...serverMeta,
      },
      data: { k: 'v' },
      status: { phase: 'x' },
    };
    assert.deepEqual(sanitizeForSync(input), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'demo', labels: { a: 'b' }, annotations: { keep: 'me' } },
      data: { k: 'v' },
    });
    assert.equal(input.metadata?.uid, 'u-1', 'input is not mutated');
  });

  it('copies deeply, keeps the key order, and keeps a `__proto__` key as data', () => {
    const input = JSON.parse(
      '{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","labels":{"z":"1","a":"2"}},' +
        '"data":{"__proto__":"x","k":"v"},"extra":[{"deep":{"n":1}}]}',
    ) as KubeObject;
    const out = sanitizeForSync(input);
    assert.deepEqual(Object.keys(out), ['kind', 'apiVersion', 'metadata', 'data', 'extra']);
    assert.deepEqual(Object.keys(out.metadata?.labels ?? {}), ['z', 'a']);
    const data = out['data'] as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(data), Object.prototype, 'the copy keeps a plain prototype');
    assert.deepEqual(Object.keys(data), ['__proto__', 'k']);
    assert.equal(data['__proto__'], 'x');
    ((out['extra'] as { deep: { n: number } }[])[0] as { deep: { n: number } }).deep.n = 2;
    out.metadata!.labels!['z'] = 'changed';
    assert.equal((input['extra'] as { deep: { n: number } }[])[0]?.deep.n, 1, 'nested values are copies');
    assert.equal(input.metadata?.labels?.['z'], '1');
  });

  it('drops allocated Service cluster IPs and health-check node port but keeps a headless Service headless', () => {
    const svc = (clusterIP: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { clusterIP, clusterIPs: [clusterIP], healthCheckNodePort: 31000, ports: [{ port: 80 }] },
    });
    assert.deepEqual(sanitizeForSync(svc('10.0.0.7'))['spec'], { ports: [{ port: 80 }] });
    assert.deepEqual(sanitizeForSync(svc('None'))['spec'], {
      clusterIP: 'None',
      clusterIPs: ['None'],
      ports: [{ port: 80 }],
    });
  });

  it('drops only the generated secrets of a ServiceAccount', () => {
    const sa: KubeObject = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'builder' },
      secrets: [
        { name: 'builder-token-x7k2p' },
        { name: 'builder-dockercfg-b9m4q' },
        { name: 'pull-secret' },
      ],
      imagePullSecrets: [{ name: 'builder-dockercfg-b9m4q' }],
    };
    const out = sanitizeForSync(sa);
    assert.deepEqual(out['secrets'], [{ name: 'pull-secret' }]);
    assert.equal(out['imagePullSecrets'], undefined);
  });

  it('recognises generated names by their five-character suffix only', () => {
    assert.equal(isGeneratedServiceAccountSecret('builder', 'builder-token-x7k2p'), true);
    assert.equal(isGeneratedServiceAccountSecret('builder', 'builder-token-mine'), false);
    assert.equal(isGeneratedServiceAccountSecret('builder', 'other-token-x7k2p'), false);
    assert.equal(isGeneratedServiceAccountSecret('a.b', 'axb-token-x7k2p'), false);
  });

  it('unbinds a PersistentVolumeClaim', () => {
    const pvc: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'data',
        annotations: {
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
          'volume.kubernetes.io/selected-node': 'n1',
        },
      },
      spec: { volumeName: 'pv-123', resources: { requests: { storage: '1Gi' } } },
    };
    const out = sanitizeForSync(pvc);
    assert.deepEqual(out.metadata, { name: 'data' });
    assert.deepEqual(out['spec'], { resources: { requests: { storage: '1Gi' } } });
  });

  it('strips ImageStream status, controller annotation and tag generations', () => {
    const is: KubeObject = {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app', annotations: { 'openshift.io/image.dockerRepositoryCheck': 'now' } },
      spec: { tags: [{ name: 'latest', generation: 2, from: { kind: 'DockerImage', name: 'r/app:1' } }] },
      status: { dockerImageRepository: 'x' },
    };
    assert.deepEqual(sanitizeForSync(is), {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app' },
      spec: { tags: [{ name: 'latest', from: { kind: 'DockerImage', name: 'r/app:1' } }] },
    });
  });
});

describe('secret classification', () => {
  it('knows service account token Secrets and OpenShift generated pull secrets', () => {
    assert.equal(
      isServiceAccountToken({ kind: 'Secret', type: 'kubernetes.io/service-account-token' }),
      true,
    );
    assert.equal(isServiceAccountToken({ kind: 'Secret', type: 'Opaque' }), false);
    const generated = {
      kind: 'Secret',
      type: 'kubernetes.io/dockercfg',
      metadata: {
        annotations: {
          'openshift.io/token-secret.name': 'x',
          'kubernetes.io/service-account.name': 'builder',
        },
      },
    };
    assert.equal(isClusterGeneratedSecret(generated), true);
    assert.equal(
      isClusterGeneratedSecret({ kind: 'Secret', type: 'kubernetes.io/dockercfg', metadata: {} }),
      false,
    );
  });
});

describe('forDisplay and forComparison', () => {
  it('forDisplay hides bookkeeping and status but keeps owners and finalizers', () => {
    const out = forDisplay({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', ...serverMeta },
      status: {},
    });
    assert.deepEqual(out.metadata, {
      name: 'c',
      ownerReferences: [{ kind: 'Thing', name: 'owner' }],
      finalizers: ['x/y'],
    });
    assert.equal(out['status'], undefined);
  });

  it('forComparison ignores what moves on every write only', () => {
    const out = forComparison({
      kind: 'X',
      metadata: { name: 'c', resourceVersion: '1', generation: 2, managedFields: [], uid: 'u' },
    });
    assert.deepEqual(out.metadata, { name: 'c', uid: 'u' });
  });
});
