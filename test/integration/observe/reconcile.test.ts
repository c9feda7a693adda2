// Level-based reconcile on three sandbox clusters (east the master, west and south the slaves):
// what changed on the master while no observer watched (stopped, or leadership moving) is found
// by the pass after the first list, never by a delete event. An ImageStream deleted and one whose
// annotation was removed leave copies that `--prune` removes from every slave within one resync
// and that are reported and kept without it; an unmarked object of the same name on a slave is
// never touched. In command mode `--names` is run again after a relist, as oc does.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { SandboxClusterHandle } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { cleanupNamespace } from '../../support/namespaces.ts';
import {
  imageStreamStatus,
  metric,
  observeSandbox,
  putImageStream,
  readiness,
  readLines,
  scripts,
  startObserver,
  startReadyObserver,
  streamsOn,
  waitFor,
  watchPlaybookArgs,
} from './helpers.ts';
import type { ReadyObserver } from './helpers.ts';

const { sandbox, east, west, south, slaves } = await observeSandbox({ after });
const RESYNC_MS = 5_000;
/** Start-up is not what these tests time (a busy machine takes seconds to load the observer). */
const READY = { readyTimeoutMs: 60_000 };

/**
 * keep, gone and plain annotated sync=me on east; on west an ImageStream `gone` that mcsync did
 * not write (someone else's: the observers run with sync_conflict=skip, so it is never adopted).
 */
async function seeded(t: TestContext): Promise<string> {
  const ns = await sandbox.namespace(t, { clusters: ['east', 'west'] });
  cleanupNamespace(t, [south], ns);
  for (const name of ['keep', 'gone', 'plain']) await putImageStream(east, ns, name, { sync: 'me' });
  await putImageStream(west, ns, 'gone', { owner: 'someone-else' });
  return ns;
}

function observeArgs(ns: string, ...more: string[]): string[] {
  return [
    ...watchPlaybookArgs(sandbox.inventoryFile, ['-n', ns]),
    '-e',
    'sync_conflict=skip',
    '--resync-period',
    `${RESYNC_MS / 1000}s`,
    ...more,
  ];
}

/** Names of the copies mcsync made from east in `ns` on `c`. */
async function copiesOn(c: SandboxClusterHandle, ns: string): Promise<string[]> {
  return [...(await streamsOn(c, ns))]
    .filter(([, s]) => s.origin === 'east')
    .map(([name]) => name)
    .sort();
}

async function waitForCopies(
  ns: string,
  expected: Record<string, string[]>,
  timeoutMs: number,
): Promise<void> {
  for (const c of slaves)
    await waitFor(
      `copies ${expected[c.name]?.join(', ')} on ${c.name}`,
      async () => JSON.stringify(await copiesOn(c, ns)) === JSON.stringify(expected[c.name]),
      timeoutMs,
    );
}

/** What the master goes through while nobody watches: one delete, one annotation removed. */
async function changeWhileUnwatched(ns: string): Promise<void> {
  ok(
    await east.admin.delete(`/apis/image.openshift.io/v1/namespaces/${ns}/imagestreams/gone`),
    'delete gone',
  );
  await putImageStream(east, ns, 'plain', {});
}

/** west's own `gone`: still there, never written by mcsync, not changed since `before`. */
async function assertUntouched(ns: string, before: string | undefined): Promise<void> {
  const own = (await streamsOn(west, ns)).get('gone');
  assert.ok(own, "west's own gone is still there");
  assert.equal(own.origin, undefined, 'and carries no mcsync marks');
  assert.equal(own.resourceVersion, before, 'and was never written');
}

async function stop(obs: ReadyObserver): Promise<void> {
  obs.child.kill('SIGTERM');
  assert.equal(await obs.exited, 0, obs.stderr());
}

/**
 * A seeded namespace that an observer synced to the slaves and then stopped, changed while
 * unwatched; with the resourceVersion of west's own `gone` from before anything ran.
 */
async function changedAfterAnObserver(
  t: TestContext,
): Promise<{ ns: string; ownBefore: string | undefined }> {
  const ns = await seeded(t);
  const ownBefore = (await streamsOn(west, ns)).get('gone')?.resourceVersion;
  const first = await startReadyObserver(t, observeArgs(ns), READY);
  await waitForCopies(ns, { west: ['keep', 'plain'], south: ['gone', 'keep', 'plain'] }, 15_000);
  await stop(first);
  await changeWhileUnwatched(ns);
  return { ns, ownBefore };
}

describe('mcsync observe --playbook reconciles what changed while nobody watched', () => {
  it('after a restart: without --prune the orphaned copies are reported and kept; with --prune they are gone within one resync', async (t) => {
    const { ns, ownBefore } = await changedAfterAnObserver(t);

    const reporting = await startReadyObserver(t, observeArgs(ns), READY);
    await waitFor('the warnings about the orphaned copies', () =>
      slaves.every((c) => reporting.stderr().includes(`on ${c.name} whose source on east is gone`)),
    );
    const log = reporting.stderr();
    assert.match(
      log,
      /warning: 2 copies on south whose source on east is gone or no longer selected, kept \(mcsync observe --prune removes them\): [^:]*\/gone, [^:]*\/plain\n/,
    );
    assert.match(
      log,
      /warning: 1 copy on west whose source on east is gone or no longer selected, kept .*\/plain\n/,
    );
    const metrics = await (await fetch(`http://${reporting.address}/metrics`)).text();
    assert.equal(metric(metrics, 'observe_orphan_copies', { target: 'south' }), 2);
    assert.equal(metric(metrics, 'observe_orphan_copies', { target: 'west' }), 1);
    await stop(reporting);
    assert.deepEqual(await copiesOn(south, ns), ['gone', 'keep', 'plain'], 'kept without --prune');
    assert.deepEqual(await copiesOn(west, ns), ['keep', 'plain']);

    const pruning = await startReadyObserver(t, observeArgs(ns, '--prune'), READY);
    const ready = Date.now();
    await waitForCopies(ns, { west: ['keep'], south: ['keep'] }, RESYNC_MS);
    t.diagnostic(`copies removed ${Date.now() - ready} ms after ready`);
    await assertUntouched(ns, ownBefore);
    assert.equal(await imageStreamStatus(east, ns, 'plain'), 200, 'the master keeps its un-annotated stream');
    await waitFor('the pruned lines', () => /pruned 1 copy on west/.test(pruning.stderr()));
    assert.match(
      pruning.stderr(),
      /pruned 2 copies on south whose source on east is gone or no longer selected/,
    );
    assert.doesNotMatch(pruning.stdout(), /Deleted/, 'no delete event was seen, none was needed');
    const after = await (await fetch(`http://${pruning.address}/metrics`)).text();
    assert.equal(metric(after, 'observe_pruned_copies_total', { target: 'south' }), 2);
    assert.equal(metric(after, 'observe_orphan_copies', { target: 'south' }), 0);
    await stop(pruning);
  });

  it("the playbook's own prune setting (-e watch_prune=true) removes them as --prune does", async (t) => {
    const { ns, ownBefore } = await changedAfterAnObserver(t);
    const second = await startReadyObserver(t, observeArgs(ns, '-e', 'watch_prune=true'), READY);
    await waitForCopies(ns, { west: ['keep'], south: ['keep'] }, RESYNC_MS);
    await assertUntouched(ns, ownBefore);
    await waitFor('the pruned line', () => /pruned 2 copies on south/.test(second.stderr()));
    await stop(second);
  });

  it('across a leadership handover: the replica taking over removes the copies with --prune', async (t) => {
    const ns = await seeded(t);
    const ownBefore = (await streamsOn(west, ns)).get('gone')?.resourceVersion;
    const lease = ['--prune', '--leader-elect', '--lease-duration', '3s', '--renew-deadline', '2s'];
    const replica = (name: string): Promise<ReadyObserver> =>
      startReadyObserver(t, observeArgs(ns, ...lease, '--retry-period', '500ms', '--identity', name), READY);
    const a = await replica('replica-a');
    await waitFor('replica-a leading', () => a.stderr().includes('replica-a holds lease'));
    const b = await replica('replica-b');
    await waitForCopies(ns, { west: ['keep', 'plain'], south: ['gone', 'keep', 'plain'] }, 15_000);
    assert.doesNotMatch(b.stderr(), /holds lease/, 'one leader');

    a.child.kill('SIGKILL');
    await changeWhileUnwatched(ns);
    const changed = Date.now();
    await waitFor('replica-b taking over', () => b.stderr().includes('replica-b holds lease'), 10_000);
    await waitForCopies(ns, { west: ['keep'], south: ['keep'] }, RESYNC_MS);
    t.diagnostic(`copies removed ${Date.now() - changed} ms after the changes (lease duration 3 s)`);
    await assertUntouched(ns, ownBefore);
    const pass = new RegExp(`# \\S+ Sync east/${ns}/\\* objects=1 exit=0`);
    await waitFor("replica-b's pass line", () => pass.test(b.stdout()));
    assert.doesNotMatch(b.stdout(), /Deleted/, 'replica-b never saw the delete');
    await stop(b);
  });
});

describe('mcsync observe -- COMMAND with --names', () => {
  it('runs --names again after a relist, and passes the names the cluster lacks to --delete', async (t) => {
    const ns = await sandbox.namespace(t, { clusters: ['east'] });
    const noise = await sandbox.namespace(t, { clusters: ['east'], prefix: 'noise' });
    const configMap = (namespace: string, name: string): unknown => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace },
    });
    ok(await east.admin.post(`/api/v1/namespaces/${ns}/configmaps`, configMap(ns, 'a')), 'a');
    const dir = await scripts({
      'names.sh': '#!/bin/sh\ncat known\n',
      'delete.sh': '#!/bin/sh\necho "$@" >> deleted.log\n',
      'add.sh': '#!/bin/sh\ntrue\n',
    });
    await writeFile(join(dir, 'known'), `${ns}/a\n`);
    const health = await readiness();
    const obs = startObserver(
      t,
      [
        'configmaps',
        '-n',
        ns,
        '-i',
        sandbox.inventoryFile,
        '--names',
        './names.sh',
        '--delete',
        './delete.sh',
        health.flag,
        '--',
        './add.sh',
      ],
      { cwd: dir },
    );
    await health.ready(READY.readyTimeoutMs);
    // A name the cluster never had: only a relist (or a restart) may report it.
    await writeFile(join(dir, 'known'), `${ns}/a\n${ns}/ghost\n`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(await readLines(join(dir, 'deleted.log')), [], 'no relist yet');

    // Move etcd's revision past the observer's, compact it away, restart the API server: the
    // watch resumes from a version that no longer exists (410) and the reflector relists.
    for (let i = 0; i < 3; i++)
      ok(await east.admin.post(`/api/v1/namespaces/${noise}/configmaps`, configMap(noise, `n${i}`)), 'noise');
    await sandbox.fault('compact', east.name);
    await sandbox.fault('kill', east.name);
    await sandbox.fault('start', east.name);
    await waitFor(
      '--delete for ghost after the relist',
      async () => (await readLines(join(dir, 'deleted.log'))).includes(`${ns} ghost`),
      30_000,
    );
    const address = health.flag.slice('--listen-addr='.length);
    const metrics = await (await fetch(`http://${address}/metrics`)).text();
    assert.ok((metric(metrics, 'observe_watch_relists', { cluster: 'east' }) ?? 0) >= 1, metrics);
    assert.deepEqual(await readLines(join(dir, 'deleted.log')), [`${ns} ghost`]);
    obs.child.kill('SIGTERM');
    assert.equal(await obs.exited, 0, obs.stderr());
  });
});
