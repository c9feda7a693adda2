import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayYaml, maskSecretValues, maskedValue, objectDiff } from '../../../src/kube/diff.ts';
import type { KubeObject } from '../../../src/kube/types.ts';

const secret = (data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: 'creds',
    namespace: 'demo',
    resourceVersion: '7',
    uid: 'u',
    managedFields: [{}],
    creationTimestamp: 't',
  },
  type: 'Opaque',
  data,
  ...extra,
});

describe('diff of objects', () => {
  it('never shows Secret values, only a keyed hash per value', () => {
    const before = secret({
      password: Buffer.from('hunter2').toString('base64'),
      user: Buffer.from('bob').toString('base64'),
    });
    const after = secret({
      password: Buffer.from('s3cret!').toString('base64'),
      user: Buffer.from('bob').toString('base64'),
    });
    const diff = objectDiff(before, after);
    for (const text of [diff.before, diff.after]) {
      assert.doesNotMatch(text, /hunter2|s3cret|aHVudGVyMg|czNjcmV0/);
      assert.match(text, /password: "\*{8} \(hmac:[0-9a-f]{8}\)"/);
    }
    const line = (text: string, key: string): string | undefined =>
      text.split('\n').find((l) => l.includes(`${key}:`));
    assert.notEqual(
      line(diff.before, 'password'),
      line(diff.after, 'password'),
      'a changed value shows a different hash',
    );
    assert.equal(
      line(diff.before, 'user'),
      line(diff.after, 'user'),
      'an unchanged value shows the same hash',
    );
  });

  it('hashes data after base64 decoding so stringData and data of the same value match', () => {
    const key = Buffer.alloc(32, 1);
    const a = maskSecretValues({ kind: 'Secret', stringData: { k: 'value' } }, key);
    const b = maskSecretValues({ kind: 'Secret', data: { k: Buffer.from('value').toString('base64') } }, key);
    assert.equal(
      (a['stringData'] as Record<string, string>)['k'],
      (b['data'] as Record<string, string>)['k'],
    );
    assert.equal(maskedValue(Buffer.from('value'), key), (b['data'] as Record<string, string>)['k']);
  });

  it('hides server-owned fields and status, and leaves other kinds unmasked', () => {
    const text = displayYaml({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        resourceVersion: '1',
        uid: 'u',
        generation: 1,
        creationTimestamp: 't',
        managedFields: [{}],
        selfLink: 's',
      },
      data: { k: 'visible' },
      status: { x: 1 },
    });
    assert.equal(text, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: visible\n');
  });

  it('uses empty before for created and empty after for deleted objects, with a header', () => {
    const obj = secret({});
    assert.equal(objectDiff(undefined, obj).before, '');
    assert.equal(objectDiff(obj, undefined).after, '');
    assert.equal(objectDiff(obj, undefined).header, 'v1/Secret demo/creds');
  });
});
