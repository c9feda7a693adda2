// How the reflector's store turns watch events and relists into observe events: the logic that
// decides what a user's trigger sees after a 410 Gone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, ResourceInfo } from '../../../src/kube/types.ts';
import { parseEvent } from '../../../src/kube/watch.ts';
import { KubeApiError } from '../../../src/kube/errors.ts';
import { RetryableError } from '../../../src/errors.ts';
import {
  applyWatchEvent,
  backoffDelay,
  readListPage,
  replaceStore,
  storeKey,
} from '../../../src/observe/reflector-store.ts';

const cm = (name: string, rv: string, namespace = 'demo'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, resourceVersion: rv },
});
const summary = (changes: { type: string; object: KubeObject }[]): string[] =>
  changes.map((c) => `${c.type} ${c.object.metadata?.name}@${c.object.metadata?.resourceVersion}`);

describe('reflector store: watch events', () => {
  it('reports ADDED as Added, MODIFIED with a new resourceVersion as Updated, DELETED as Deleted', () => {
    const store = new Map<string, KubeObject>();
    assert.equal(applyWatchEvent(store, { type: 'ADDED', object: cm('a', '1') })?.type, 'Added');
    assert.equal(applyWatchEvent(store, { type: 'MODIFIED', object: cm('a', '2') })?.type, 'Updated');
    const deleted = applyWatchEvent(store, { type: 'DELETED', object: cm('a', '3') });
    assert.equal(deleted?.type, 'Deleted');
    assert.equal(deleted?.object.metadata?.resourceVersion, '3', 'Deleted carries the final state');
    assert.equal(store.size, 0);
  });

  it('reports nothing for a bookmark or an event whose resourceVersion is already stored', () => {
    const store = new Map<string, KubeObject>([['demo/a', cm('a', '5')]]);
    assert.equal(applyWatchEvent(store, { type: 'BOOKMARK', object: cm('', '9') }), undefined);
    assert.equal(applyWatchEvent(store, { type: 'MODIFIED', object: cm('a', '5') }), undefined);
    assert.equal(store.get('demo/a')?.metadata?.resourceVersion, '5');
  });

  it('treats ADDED of a known object as Updated and MODIFIED of an unknown one as Added', () => {
    const store = new Map<string, KubeObject>([['demo/a', cm('a', '1')]]);
    assert.equal(applyWatchEvent(store, { type: 'ADDED', object: cm('a', '2') })?.type, 'Updated');
    assert.equal(applyWatchEvent(store, { type: 'MODIFIED', object: cm('b', '3') })?.type, 'Added');
  });

  it('keys namespaced objects namespace/name and cluster-scoped ones by name', () => {
    assert.equal(storeKey('demo', 'a'), 'demo/a');
    assert.equal(storeKey(undefined, 'node-1'), 'node-1');
    assert.equal(storeKey('', 'ns'), 'ns');
  });
});

describe('reflector store: relist after 410', () => {
  it('reports new objects as Added, moved resourceVersions as Updated and missing ones as Deleted', () => {
    const store = new Map<string, KubeObject>([
      ['demo/kept', cm('kept', '1')],
      ['demo/changed', cm('changed', '2')],
      ['demo/gone', cm('gone', '3')],
    ]);
    const changes = replaceStore(store, [cm('kept', '1'), cm('changed', '7'), cm('new', '8')]);
    assert.deepEqual(summary(changes), ['Updated changed@7', 'Added new@8', 'Deleted gone@3']);
    assert.deepEqual([...store.keys()].sort(), ['demo/changed', 'demo/kept', 'demo/new']);
  });

  it('reports nothing when the relist matches the store', () => {
    const store = new Map<string, KubeObject>([['demo/a', cm('a', '1')]]);
    assert.deepEqual(replaceStore(store, [cm('a', '1')]), []);
  });
});

describe('reflector helpers', () => {
  it('reads a list page: items typed without managedFields, continue token, resourceVersion', () => {
    const resource = { apiVersion: 'v1', kind: 'ConfigMap' } as ResourceInfo;
    const managedFields = [{ manager: 'kubectl', operation: 'Apply' }];
    const page = readListPage(
      {
        items: [{ metadata: { name: 'a', managedFields } }],
        metadata: { continue: 'tok', resourceVersion: '42' },
      },
      resource,
    );
    assert.deepEqual(page, {
      items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }],
      continue: 'tok',
      resourceVersion: '42',
    });
    assert.equal(readListPage({ items: [], metadata: { continue: '' } }, resource).continue, undefined);
  });

  it('backs off 100 ms doubling to the cap', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 8, 9, 1000].map((n) => backoffDelay(n, 100, 30_000)),
      [100, 200, 400, 800, 25_600, 30_000, 30_000],
    );
  });
});

describe('watch stream lines', () => {
  const client = { label: 'east (https://127.0.0.1:6443)' };
  it('parses an event line', () => {
    const event = parseEvent(JSON.stringify({ type: 'MODIFIED', object: cm('a', '2') }), client, '/p');
    assert.equal(event.type, 'MODIFIED');
    assert.equal(event.object.metadata?.name, 'a');
  });

  it('throws an ERROR event as a KubeApiError with its Status code (410 relists)', () => {
    const line = JSON.stringify({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (9)' },
    });
    assert.throws(
      () => parseEvent(line, client, '/api/v1/configmaps'),
      (error: unknown) =>
        error instanceof KubeApiError &&
        error.status === 410 &&
        /watch \/api\/v1\/configmaps on cluster east .* ended with 410 Expired: too old resource version/.test(
          error.message,
        ),
    );
  });

  it('throws a RetryableError for a line that is not a watch event', () => {
    assert.throws(() => parseEvent('{"type":"ADDED"', client, '/p'), RetryableError);
    assert.throws(() => parseEvent('{"type":"WHAT","object":{}}', client, '/p'), RetryableError);
  });
});
