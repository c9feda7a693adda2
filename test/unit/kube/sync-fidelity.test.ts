import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { sanitizeForSync } from '../../../src/kube/sanitize.ts';
import { neverSynced, SYNC_FIDELITY } from '../../../src/kube/sync-fidelity.ts';
import type { KubeObject } from '../../../src/kube/types.ts';

/** A Route as `oc get route web -o json` returns it after `oc expose svc/web` (host generated). */
function routeAsRead(host: string, generated: boolean): KubeObject {
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: '6f1c0f9e-8d4b-4a59-9a53-0c1f6a1b2c3d',
      resourceVersion: '884211',
      creationTimestamp: '2025-03-01T10:00:00Z',
      labels: { app: 'web' },
      annotations: generated ? { 'openshift.io/host.generated': 'true' } : { team: 'shop' },
    },
    spec: {
      host,
      to: { kind: 'Service', name: 'web', weight: 100 },
      port: { targetPort: '8080-tcp' },
      wildcardPolicy: 'None',
    },
    status: {
      ingress: [
        {
          host,
          routerName: 'default',
          routerCanonicalHostname: 'router-default.apps.east.example.com',
          conditions: [{ type: 'Admitted', status: 'True' }],
        },
      ],
    },
  };
}

/** A NodePort Service as the API returns it: ports allocated, one pinned by the user's apply. */
function nodePortServiceAsRead(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'a1',
      resourceVersion: '12',
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'v1',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:spec': {
              'f:type': {},
              'f:externalTrafficPolicy': {},
              'f:selector': {},
              'f:ports': {
                'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} },
                'k:{"port":443,"protocol":"TCP"}': {
                  '.': {},
                  'f:port': {},
                  'f:targetPort': {},
                  'f:nodePort': {},
                },
              },
            },
          },
        },
      ],
    },
    spec: {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32177,
      clusterIP: '10.96.14.2',
      clusterIPs: ['10.96.14.2'],
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30412 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443, nodePort: 30443 },
      ],
    },
    status: { loadBalancer: {} },
  };
}

/** A Job as the API server stores it: generated selector and labels on the Job and its template. */
function jobAsRead(manualSelector: boolean): KubeObject {
  const uid = '0b7e4c52-91c2-4f3e-b5a4-3a2f2c9d9e11';
  const generated = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': 'migrate',
    'controller-uid': uid,
    'job-name': 'migrate',
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: 'shop', uid, labels: { ...generated, app: 'shop' } },
    spec: {
      ...(manualSelector ? { manualSelector: true } : {}),
      selector: manualSelector
        ? { matchLabels: { app: 'shop', step: 'migrate' } }
        : { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      backoffLimit: 6,
      template: {
        metadata: {
          labels: manualSelector ? { app: 'shop', step: 'migrate' } : { ...generated, app: 'shop' },
        },
        spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'shop/migrate:1' }] },
      },
    },
    status: { succeeded: 1 },
  };
}

describe('sync fidelity table', () => {
  it('drops a Route host the router generated, so the target generates its own', () => {
    const out = sanitizeForSync(routeAsRead('web-shop.apps.east.example.com', true));
    assert.deepEqual(out, {
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: {
        to: { kind: 'Service', name: 'web', weight: 100 },
        port: { targetPort: '8080-tcp' },
        wildcardPolicy: 'None',
      },
    });
  });

  it('keeps a Route host the user set', () => {
    const out = sanitizeForSync(routeAsRead('shop.example.com', false));
    assert.equal((out['spec'] as { host?: string }).host, 'shop.example.com');
    assert.deepEqual(out.metadata?.annotations, { team: 'shop' });
  });

  it('drops allocated Service node ports but keeps the one the user pinned', () => {
    const spec = sanitizeForSync(nodePortServiceAsRead())['spec'] as Record<string, unknown>;
    assert.deepEqual(spec['ports'], [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443, nodePort: 30443 },
    ]);
    assert.equal(spec['healthCheckNodePort'], undefined, 'allocated health check port dropped');
    assert.equal(spec['clusterIP'], undefined);
  });

  it('keeps a healthCheckNodePort a field manager owns', () => {
    const svc = nodePortServiceAsRead();
    const managed = svc.metadata?.managedFields as { fieldsV1: { 'f:spec': Record<string, unknown> } }[];
    const fields = (managed[0] as { fieldsV1: { 'f:spec': Record<string, unknown> } }).fieldsV1['f:spec'];
    fields['f:healthCheckNodePort'] = {};
    assert.equal((sanitizeForSync(svc)['spec'] as Record<string, unknown>)['healthCheckNodePort'], 32177);
  });

  it('drops the generated Job selector and controller labels, so the target generates them', () => {
    const out = sanitizeForSync(jobAsRead(false));
    assert.deepEqual(out.metadata, { name: 'migrate', namespace: 'shop', labels: { app: 'shop' } });
    const spec = out['spec'] as Record<string, unknown>;
    assert.equal(spec['selector'], undefined);
    assert.deepEqual((spec['template'] as { metadata: unknown }).metadata, { labels: { app: 'shop' } });
  });

  it('keeps a manual Job selector', () => {
    const spec = sanitizeForSync(jobAsRead(true))['spec'] as Record<string, unknown>;
    assert.deepEqual(spec['selector'], { matchLabels: { app: 'shop', step: 'migrate' } });
  });

  it('never copies service account tokens or OpenShift per-service-account dockercfg secrets', () => {
    const token: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: 'deployer-token-x7k2p',
        annotations: { 'kubernetes.io/service-account.name': 'deployer' },
      },
    };
    const dockercfg: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockercfg',
      metadata: {
        name: 'deployer-dockercfg-b9m4q',
        annotations: {
          'kubernetes.io/service-account.name': 'deployer',
          'kubernetes.io/service-account.uid': 'u',
          'openshift.io/token-secret.name': 'deployer-token-x7k2p',
        },
      },
      data: { '.dockercfg': 'e30=' },
    };
    const userPull: KubeObject = { ...dockercfg, metadata: { name: 'east-pull' } };
    assert.equal(neverSynced(token), true);
    assert.equal(neverSynced(dockercfg), true);
    assert.equal(neverSynced(userPull), false);
  });

  it('has one row per kind, each saying what it drops and keeps', () => {
    const kinds = SYNC_FIDELITY.map((r) => r.kind);
    assert.equal(new Set(kinds).size, kinds.length);
    for (const row of SYNC_FIDELITY)
      assert.ok(row.drops && row.keeps && (row.skip || row.sanitize), row.kind);
  });
});

describe('docs/kube.md', () => {
  it('shows the sync fidelity table as the code has it', async () => {
    const doc = await readFile(new URL('../../../docs/kube.md', import.meta.url), 'utf8');
    for (const row of SYNC_FIDELITY)
      assert.ok(
        doc.includes(`| ${row.kind} | ${row.drops} | ${row.keeps} |`),
        `row ${row.kind} in docs/kube.md`,
      );
  });
});
