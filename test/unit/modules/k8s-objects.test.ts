import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { McsyncError } from '../../../src/errors.ts';
import { collectObjects } from '../../../src/modules/kube/k8s-objects.ts';
import { moduleContext } from '../../support/module-context.ts';

const binding = (name: string, namespace?: string): Record<string, unknown> => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe('k8s objects of one task', () => {
  it('refuses the same object twice, naming it and both sources, before anything is written', async () => {
    await assert.rejects(
      collectObjects(
        { definition: [binding('mcsync-edit', 'demo'), binding('mcsync-edit')], namespace: 'demo' },
        moduleContext(),
        'present',
      ),
      (error: unknown) =>
        error instanceof McsyncError &&
        error.message ===
          'rbac.authorization.k8s.io/v1/RoleBinding demo/mcsync-edit is defined twice in this task (definition[0] and definition[1]): merge the two or give them different names',
    );
  });

  it('accepts one name in two namespaces', async () => {
    const objects = await collectObjects(
      { definition: [binding('mcsync-edit', 'a'), binding('mcsync-edit', 'b')] },
      moduleContext(),
      'present',
    );
    assert.equal(objects.length, 2);
  });
});
