// The one object-key format: what the reflector's store, the observer's work queue, prune and
// restore use to tell objects apart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyOf } from '../../../src/kube/types.ts';

describe('keyOf', () => {
  it('is namespace/name, or the name alone for a cluster-scoped object (client-go)', () => {
    assert.equal(keyOf({ namespace: 'demo', name: 'a' }), 'demo/a');
    assert.equal(keyOf({ name: 'node-1' }), 'node-1');
    assert.equal(keyOf({ namespace: '', name: 'node-1' }), 'node-1');
  });

  it('puts the cluster in front and keeps an empty namespace segment', () => {
    assert.equal(keyOf({ cluster: 'east', namespace: 'demo', name: 'a' }), 'east/demo/a');
    assert.equal(keyOf({ cluster: 'east', namespace: '', name: 'node-1' }), 'east//node-1');
  });

  it('tells kinds apart when given one, so an ObjectRef is a key on its own', () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'demo', name: 'a' };
    assert.equal(keyOf(ref), 'v1/ConfigMap/demo/a');
    assert.notEqual(keyOf(ref), keyOf({ ...ref, kind: 'Secret' }));
    assert.equal(keyOf({ apiVersion: 'v1', kind: 'Namespace', name: 'demo' }), 'v1/Namespace//demo');
  });
});
