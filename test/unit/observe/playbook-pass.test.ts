// A pass as the playbook sees it (the `observed` extra var) and what the observer reads back from
// the run's k8s_sync results (copies pruned, orphans kept), without a cluster.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/kube/types.ts';
import type { EngineEvent } from '../../../src/model/events.ts';
import { CopiesCollector, passVars } from '../../../src/observe/playbook-pass.ts';
import type { TriggerPass } from '../../../src/observe/trigger.ts';
import { IMAGESTREAMS as imagestreams } from '../../support/resources.ts';

const stream = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: { namespace, name },
});
const pass = (over: Partial<TriggerPass> = {}): TriggerPass => ({
  key: 'east/demo/*',
  cluster: 'east',
  resource: imagestreams,
  namespace: 'demo',
  labelSelector: undefined,
  objects: [],
  cause: 'list',
  ...over,
});

function syncResult(
  host: string,
  result: Record<string, unknown>,
  extra: Partial<EngineEvent> = {},
): EngineEvent {
  return {
    type: 'host_result',
    task: { name: 'sync', module: 'k8s_sync', location: { file: 'watch.yml', line: 1, column: 1 } },
    host,
    status: 'ok',
    result: { changed: false, ...result },
    durationMs: 1,
    ...extra,
  } as EngineEvent;
}

describe('a pass as the playbook sees it', () => {
  it('lists the objects as batch and gives the selection as a k8s_sync selector', () => {
    const objects = [stream('demo', 'b'), stream('demo', 'a')];
    const vars = passVars(pass({ labelSelector: 'tier=web' }), objects, {
      prune: true,
      whenAnnotation: { key: 'sync', value: 'me' },
    });
    assert.deepEqual(vars['batch'], [
      { namespace: 'demo', name: 'b' },
      { namespace: 'demo', name: 'a' },
    ]);
    assert.deepEqual(vars['namespaces'], ['demo']);
    assert.deepEqual(vars['selection'], {
      api_version: 'image.openshift.io/v1',
      kind: 'ImageStream',
      namespace: 'demo',
      label_selector: 'tier=web',
      annotation_selector: 'sync=me',
    });
    assert.equal(vars['type'], 'Sync');
    assert.equal(vars['prune'], true);
    assert.equal(vars['name'], undefined, 'no single object');
  });

  it('every namespace (-A) selects without a namespace; an annotation without value selects on the key', () => {
    const vars = passVars(
      pass({ key: 'east/*/*', namespace: undefined }),
      [stream('x', 'a'), stream('y', 'b')],
      {
        prune: false,
        whenAnnotation: { key: 'sync', value: undefined },
      },
    );
    assert.equal(vars['namespace'], '');
    assert.deepEqual(vars['namespaces'], ['x', 'y']);
    assert.deepEqual(vars['selection'], {
      api_version: 'image.openshift.io/v1',
      kind: 'ImageStream',
      annotation_selector: 'sync',
    });
  });
});

describe("what the observer reads back from a pass's k8s_sync results", () => {
  it('takes the pruned objects and the orphans of the observed kind, per target', () => {
    const copies = new CopiesCollector('ImageStream');
    copies.onEvent(
      syncResult('west', {
        objects: [
          {
            apiVersion: 'image.openshift.io/v1',
            kind: 'ImageStream',
            namespace: 'demo',
            name: 'gone',
            action: 'pruned',
          },
          {
            apiVersion: 'image.openshift.io/v1',
            kind: 'ImageStream',
            namespace: 'demo',
            name: 'app',
            action: 'unchanged',
          },
        ],
      }),
    );
    copies.onEvent(
      syncResult('south', {
        objects: [],
        orphans: [
          { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', namespace: 'demo', name: 'plain' },
          { apiVersion: 'v1', kind: 'Secret', namespace: 'demo', name: 'other-secret' },
        ],
      }),
    );
    assert.deepEqual(copies.found(), {
      west: { removed: ['demo/gone'], kept: [] },
      south: { removed: [], kept: ['demo/plain'] },
    });
  });

  it('ignores loop summaries, skipped tasks and other modules', () => {
    const copies = new CopiesCollector('ImageStream');
    const orphan = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', namespace: 'demo', name: 'x' };
    copies.onEvent(syncResult('west', { objects: [], orphans: [orphan] }, { loopSummary: true }));
    copies.onEvent(syncResult('west', { skipped: true }));
    copies.onEvent({
      ...syncResult('west', { objects: [], orphans: [orphan] }),
      task: { name: 'info', module: 'k8s_info', location: { file: 'watch.yml', line: 2, column: 1 } },
    } as EngineEvent);
    assert.deepEqual(copies.found(), {});
  });
});
