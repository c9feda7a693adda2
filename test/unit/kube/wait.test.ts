import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isManagedByMcsync, withManagedBy } from '../../../src/kube/labels.ts';
import { objectChanged } from '../../../src/kube/ops.ts';
import { conditionHolds, isReady } from '../../../src/kube/wait.ts';
import { crdKinds } from '../../../src/modules/kube/k8s-steps.ts';
import { waitCondition } from '../../../src/modules/kube/k8s-wait.ts';

describe('readiness', () => {
  it('checks a condition by type, status and reason', () => {
    const obj = { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Done' }] } };
    assert.equal(conditionHolds(obj, { type: 'Ready' }), true);
    assert.equal(conditionHolds(obj, { type: 'Ready', status: 'False' }), false);
    assert.equal(conditionHolds(obj, { type: 'Ready', reason: 'Other' }), false);
    assert.equal(conditionHolds(obj, { type: 'Available' }), false);
  });

  it('knows when Deployments, CRDs and Namespaces are ready; other kinds once they exist', () => {
    const deploy = (available: number) => ({
      kind: 'Deployment',
      metadata: { generation: 2 },
      spec: { replicas: 2 },
      status: { observedGeneration: 2, updatedReplicas: 2, availableReplicas: available },
    });
    assert.equal(isReady(deploy(2)), true);
    assert.equal(isReady(deploy(1)), false);
    assert.equal(
      isReady({
        kind: 'CustomResourceDefinition',
        status: { conditions: [{ type: 'Established', status: 'True' }] },
      }),
      true,
    );
    assert.equal(isReady({ kind: 'Namespace', status: { phase: 'Terminating' } }), false);
    assert.equal(isReady({ kind: 'ConfigMap' }), true);
  });

  it('reads wait_condition status given as a YAML boolean', () => {
    assert.deepEqual(waitCondition({ wait_condition: { type: 'Ready', status: true } }), {
      type: 'Ready',
      status: 'True',
    });
    assert.deepEqual(waitCondition({ wait_condition: { type: 'Ready', status: 'False', reason: 'X' } }), {
      type: 'Ready',
      status: 'False',
      reason: 'X',
    });
  });
});

describe('changed detection', () => {
  const live = {
    kind: 'ConfigMap',
    metadata: { name: 'a', resourceVersion: '5', managedFields: [{ time: '1' }] },
    data: { k: 'v' },
  };

  it('compares resourceVersion after a real write', () => {
    assert.equal(objectChanged(live, { ...live, metadata: { ...live.metadata } }, false), false);
    assert.equal(
      objectChanged(live, { ...live, metadata: { ...live.metadata, resourceVersion: '6' } }, false),
      true,
    );
  });

  it('compares content without bookkeeping after a dry run', () => {
    assert.equal(
      objectChanged(live, { ...live, metadata: { ...live.metadata, managedFields: [{ time: '2' }] } }, true),
      false,
    );
    assert.equal(objectChanged(live, { ...live, data: { k: 'w' } }, true), true);
  });
});

describe('marks', () => {
  it('adds the managed-by label without touching other labels or the input', () => {
    const input = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labels: { app: 'web' } } };
    const out = withManagedBy(input);
    assert.deepEqual(out.metadata?.labels, { app: 'web', 'app.kubernetes.io/managed-by': 'mcsync' });
    assert.equal(isManagedByMcsync(out), true);
    assert.equal(isManagedByMcsync(input), false);
  });

  it('lists the kinds a CRD defines', () => {
    const crd = {
      spec: { group: 'example.com', names: { kind: 'Widget' }, versions: [{ name: 'v1' }, { name: 'v2' }] },
    };
    assert.deepEqual(crdKinds(crd), ['example.com/v1/Widget', 'example.com/v2/Widget']);
  });
});
