// The reflector against a real API server, and every failure it must survive: the apiserver
// killed (SIGKILL) and restarted, the apiserver paused (SIGSTOP: TCP stays open, nothing is
// answered) and resumed, and an etcd compaction that makes the watch's resourceVersion expire
// (410 Gone). After each, a change made afterwards must still arrive, within a bound.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { KubeClient } from '../../../src/kube/client.ts';
import type { KubeObject } from '../../../src/kube/types.ts';
import { watchEvents } from '../../../src/kube/watch.ts';
import type { ObservedEvent, Reflector, ReflectorOptions } from '../../../src/observe/contracts.ts';
import { startReflector } from '../../../src/observe/reflector.ts';
import { applyWatchEvent } from '../../../src/observe/reflector-store.ts';
import { ok } from '../../support/kube-api.ts';
import { sandboxClusters, type SandboxClusterHandle } from '../../support/clusters.ts';
import { sandboxClient } from '../../support/kube-client.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 1 });
const east = sandbox.clusters[0] as SandboxClusterHandle;

const client = (t: TestContext): KubeClient => sandboxClient(t, east);

interface Recording {
  reflector: Reflector;
  events: ObservedEvent[];
  errors: Error[];
  /** Resolves with the first event (from now on, or already seen) matching `match`. */
  next(match: (e: ObservedEvent) => boolean, timeoutMs: number, what: string): Promise<ObservedEvent>;
}

/** Starts a reflector on ConfigMaps in `namespace`, recording every event; stopped after `t`. */
async function record(
  t: TestContext,
  namespace: string,
  options: Partial<ReflectorOptions> = {},
): Promise<Recording> {
  const c = client(t);
  const resource = await c.resource('v1', 'ConfigMap');
  const events: ObservedEvent[] = [];
  const errors: Error[] = [];
  let wake: () => void = () => undefined;
  const controller = new AbortController();
  const reflector = startReflector({
    client: c,
    cluster: east.name,
    resource,
    namespace,
    watchdogMs: 2_000,
    signal: controller.signal,
    onEvent: (e) => (events.push(e), wake()),
    onError: (e) => errors.push(e),
    ...options,
  });
  t.after(() => reflector.stop());
  let seen = 0;
  const next = async (match: (e: ObservedEvent) => boolean, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.slice(seen).find(match);
      if (found) {
        seen = events.indexOf(found) + 1;
        return found;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const got = events.map((e) => `${e.type} ${e.name}`).join(', ');
        const errs = errors.map((e) => e.message).join(' | ');
        throw new Error(`no ${what} within ${timeoutMs} ms; events: ${got}; errors: ${errs}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        wake = () => (clearTimeout(timer), resolve());
      });
    }
  };
  return { reflector, events, errors, next };
}

const cmPath = (ns: string, name = ''): string =>
  `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ''}`;
const configMap = (ns: string, name: string, data: Record<string, string> = { k: 'v' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data,
});
async function createCm(ns: string, name: string): Promise<void> {
  ok(await east.admin.post(cmPath(ns), configMap(ns, name)), `create ${name}`);
}
const is =
  (type: ObservedEvent['type'], name: string) =>
  (e: ObservedEvent): boolean =>
    e.type === type && e.name === name;

describe('reflector on a healthy cluster', () => {
  it('reports existing objects as Sync, then Added, Updated and Deleted in order', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    await createCm(ns, 'before');
    const rec = await record(t, ns);
    await rec.reflector.synced;
    assert.deepEqual(
      rec.events.map((e) => `${e.type} ${e.cluster}/${e.namespace}/${e.name}`),
      [`Sync east/${ns}/before`],
    );
    assert.equal(rec.reflector.store.size, 1);

    await createCm(ns, 'x');
    ok(await east.admin.patch(cmPath(ns, 'x'), { data: { k: 'changed' } }), 'update x');
    ok(await east.admin.delete(cmPath(ns, 'x')), 'delete x');
    const deleted = await rec.next(is('Deleted', 'x'), 10_000, 'Deleted x');
    assert.deepEqual(
      rec.events.slice(1).map((e) => `${e.type} ${e.name}`),
      ['Added x', 'Updated x', 'Deleted x'],
    );
    assert.equal((deleted.object['data'] as Record<string, string>)['k'], 'changed');
    assert.equal(deleted.object.kind, 'ConfigMap');
    assert.equal(rec.reflector.store.has(`${ns}/x`), false);
    assert.deepEqual(rec.errors, []);
  });

  it('pages through a large list (limit + continue) and reports each object once', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    await Promise.all(Array.from({ length: 7 }, (_, i) => createCm(ns, `cm-${i}`)));
    const rec = await record(t, ns, { pageSize: 2 });
    await rec.reflector.synced;
    assert.deepEqual(rec.events.map((e) => `${e.type} ${e.name}`).sort(), [
      'Sync cm-0',
      'Sync cm-1',
      'Sync cm-2',
      'Sync cm-3',
      'Sync cm-4',
      'Sync cm-5',
      'Sync cm-6',
    ]);
  });

  it('filters by label selector', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    const rec = await record(t, ns, { labelSelector: 'sync=me' });
    await rec.reflector.synced;
    ok(await east.admin.post(cmPath(ns), configMap(ns, 'plain')), 'plain');
    const labelled = { ...configMap(ns, 'labelled'), metadata: { name: 'labelled', labels: { sync: 'me' } } };
    ok(await east.admin.post(cmPath(ns), labelled), 'labelled');
    await rec.next(is('Added', 'labelled'), 10_000, 'Added labelled');
    assert.deepEqual(
      rec.events.map((e) => e.name),
      ['labelled'],
    );
  });

  it('re-emits the store as Sync every resync period', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    await createCm(ns, 'a');
    const rec = await record(t, ns, { resyncPeriodMs: 300 });
    await rec.reflector.synced;
    await rec.next(is('Sync', 'a'), 1_000, 'initial Sync');
    await rec.next(is('Sync', 'a'), 2_000, 'resync');
    await rec.next(is('Sync', 'a'), 2_000, 'second resync');
  });

  it('restarts a silent watch (watchdog) without reporting anything, and still delivers later changes', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    await createCm(ns, 'a');
    const rec = await record(t, ns, { watchdogMs: 700 });
    await rec.reflector.synced;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.ok(rec.reflector.stats.watchdogRestarts >= 2, `restarts: ${rec.reflector.stats.watchdogRestarts}`);
    assert.deepEqual(
      rec.events.map((e) => `${e.type} ${e.name}`),
      ['Sync a'],
    );
    await createCm(ns, 'b');
    await rec.next(is('Added', 'b'), 5_000, 'Added b');
  });

  it('reconnects when the server ends the watch (timeoutSeconds) without losing changes', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    const rec = await record(t, ns, { watchTimeoutSeconds: 1, watchdogMs: 60_000 });
    await rec.reflector.synced;
    for (let i = 0; i < 4; i++) {
      await createCm(ns, `c${i}`);
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
    for (let i = 0; i < 4; i++) await rec.next(is('Added', `c${i}`), 5_000, `Added c${i}`);
    assert.equal(rec.events.length, 4);
    assert.deepEqual(rec.errors, []);
  });

  it('the watch yields the server bookmarks, and a bookmark changes nothing in the store', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    await createCm(ns, 'a');
    const c = client(t);
    const store = new Map<string, KubeObject>();
    const changes: string[] = [];
    let bookmarks = 0;
    const signal = AbortSignal.timeout(10_000);
    const path = cmPath(ns);
    for await (const event of watchEvents(c, { path, sendInitialEvents: true, signal })) {
      const change = applyWatchEvent(store, event);
      if (change) changes.push(`${change.type} ${change.object.metadata?.name}`);
      if (event.type === 'BOOKMARK') {
        bookmarks++;
        break;
      }
    }
    assert.equal(bookmarks, 1);
    assert.deepEqual(changes, ['Added a']);
  });

  it('keeps retrying with backoff while the resource is forbidden, reporting each failure', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    const viewer = sandboxClient(t, east, { tokenFile: east.viewerTokenFile });
    const resource = await client(t).resource('v1', 'Secret');
    const errors: Error[] = [];
    const reflector = startReflector({
      client: viewer,
      cluster: 'east',
      resource,
      namespace: ns,
      signal: AbortSignal.timeout(60_000),
      onEvent: () => undefined,
      onError: (e) => errors.push(e),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await reflector.stop();
    assert.ok(errors.length >= 2 && errors.length <= 5, `errors: ${errors.length}`);
    assert.match(errors[0]?.message ?? '', /forbidden/);
    await assert.rejects(reflector.synced, /stopped before its first list/);
  });
});

describe('reflector through faults', () => {
  it('survives kill -9 and restart of the apiserver: a change made afterwards arrives', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    await createCm(ns, 'before');
    const rec = await record(t, ns);
    await rec.reflector.synced;
    t.after(() => sandbox.fault('start', east.name));
    await sandbox.fault('kill', east.name);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await sandbox.fault('start', east.name);
    const started = Date.now();
    await createCm(ns, 'after');
    await rec.next(is('Added', 'after'), 20_000, 'Added after (after the restart)');
    t.diagnostic(`delivered ${Date.now() - started} ms after the change`);
    assert.ok(rec.reflector.stats.reconnects >= 1);
    assert.ok(rec.errors.length >= 1, 'the broken connection is reported');
    assert.deepEqual(
      rec.events.map((e) => `${e.type} ${e.name}`),
      ['Sync before', 'Added after'],
      'no spurious events for objects that did not change',
    );
  });

  it('survives SIGSTOP/SIGCONT of the apiserver (open TCP, no answers): the watchdog reconnects', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    await createCm(ns, 'before');
    const rec = await record(t, ns, { watchdogMs: 1_500 });
    await rec.reflector.synced;
    t.after(() => sandbox.fault('resume', east.name));
    await sandbox.fault('pause', east.name);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await sandbox.fault('resume', east.name);
    const started = Date.now();
    await createCm(ns, 'after');
    await rec.next(is('Added', 'after'), 15_000, 'Added after (after resume)');
    t.diagnostic(`delivered ${Date.now() - started} ms after the change`);
    assert.ok(rec.reflector.stats.watchdogRestarts >= 2, `restarts ${rec.reflector.stats.watchdogRestarts}`);
    assert.deepEqual(
      rec.events.map((e) => `${e.type} ${e.name}`),
      ['Sync before', 'Added after'],
    );
  });

  it('relists after an etcd compaction expires its resourceVersion (410): later changes still arrive', async (t) => {
    const ns = await sandbox.namespace(t, { prefix: 'refl' });
    const noise = await sandbox.namespace(t, { prefix: 'noise' });
    await createCm(ns, 'before');
    // The server ends each watch after 1 s, so the reflector resumes often from its last version.
    const rec = await record(t, ns, { watchTimeoutSeconds: 1, watchdogMs: 60_000 });
    await rec.reflector.synced;
    // Changes elsewhere move etcd's revision past the reflector's last version, then compact.
    for (let i = 0; i < 3; i++) await createCm(noise, `n${i}`);
    await sandbox.fault('compact', east.name);
    const deadline = Date.now() + 15_000;
    while (rec.reflector.stats.relists === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(
      rec.reflector.stats.relists >= 1,
      `no relist; errors: ${rec.errors.map((e) => e.message).join(' | ')}`,
    );
    assert.ok(
      rec.errors.some((e) => /410/.test(e.message)),
      'the 410 is reported',
    );
    await createCm(ns, 'after');
    await rec.next(is('Added', 'after'), 10_000, 'Added after (after the relist)');
    assert.deepEqual(
      rec.events.map((e) => `${e.type} ${e.name}`),
      ['Sync before', 'Added after'],
      'the relist reports no difference for unchanged objects',
    );
  });
});
