import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sortForWrite, writeWaves } from '../../../src/kube/order.ts';

const o = (kind: string, name = kind.toLowerCase()) => ({ apiVersion: 'v1', kind, metadata: { name } });

describe('write order', () => {
  it('writes namespaces and CRDs first, then service accounts and RBAC, then the rest, custom kinds last', () => {
    const input = [
      o('Widget'),
      o('Deployment'),
      o('RoleBinding'),
      o('ConfigMap'),
      o('ServiceAccount'),
      o('CustomResourceDefinition'),
      o('Role'),
      o('Namespace'),
    ];
    assert.deepEqual(
      sortForWrite(input).map((x) => x.kind),
      [
        'Namespace',
        'CustomResourceDefinition',
        'ServiceAccount',
        'Role',
        'RoleBinding',
        'ConfigMap',
        'Deployment',
        'Widget',
      ],
    );
  });

  it('keeps the given order within a kind and reverses kinds for deletes', () => {
    const input = [o('ConfigMap', 'b'), o('Namespace'), o('ConfigMap', 'a')];
    assert.deepEqual(
      sortForWrite(input).map((x) => x.metadata.name),
      ['namespace', 'b', 'a'],
    );
    assert.deepEqual(
      sortForWrite(input, { reverse: true }).map((x) => x.metadata.name),
      ['b', 'a', 'namespace'],
    );
  });

  it('writes the kinds of one tier in one wave, in kind order', () => {
    const waves = writeWaves([o('ConfigMap', 'a'), o('Namespace'), o('ConfigMap', 'b'), o('Secret')]);
    assert.deepEqual(
      waves.map((w) => w.map((x) => x.metadata.name)),
      [['namespace'], ['secret', 'a', 'b']],
    );
  });

  it('keeps a barrier wherever admission checks a reference', () => {
    const kinds = [
      'Widget',
      'ValidatingWebhookConfiguration',
      'Route',
      'IngressClass',
      'Deployment',
      'Service',
      'ConfigMap',
      'ResourceQuota',
      'RoleBinding',
      'Role',
      'ServiceAccount',
      'PriorityClass',
      'CustomResourceDefinition',
      'Namespace',
    ];
    const kindsOf = (waves: { kind: string }[][]) => waves.map((w) => w.map((x) => x.kind));
    const waves = kindsOf(writeWaves(kinds.map((kind) => o(kind))));
    assert.deepEqual(waves, [
      ['Namespace', 'CustomResourceDefinition'],
      ['PriorityClass', 'ServiceAccount', 'Role'],
      ['RoleBinding', 'ResourceQuota'],
      ['ConfigMap', 'Service'],
      ['Deployment'],
      ['IngressClass'],
      ['Route'],
      ['ValidatingWebhookConfiguration'],
      ['Widget'],
    ]);
    // Deletes: the same waves, last first, each in reverse kind order.
    assert.deepEqual(
      kindsOf(
        writeWaves(
          kinds.map((kind) => o(kind)),
          { reverse: true },
        ),
      ),
      waves.map((w) => [...w].reverse()).reverse(),
    );
  });
});
