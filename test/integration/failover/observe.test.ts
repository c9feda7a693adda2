// Continuous mode as docs/failover.md runs it: `mcsync observe namespaces --field-selector
// metadata.name=mcsync --resync-period … --playbook playbooks/failover.yml`, one observer per
// surviving hub (west and south; the one on east would die with east). Killing the leader's API
// server makes the periodic passes elect, restore and alert exactly once.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { cleanupNamespace } from '../../support/namespaces.ts';
import { startWebhookReceiver } from '../../support/webhook-receiver.ts';
import { startReadyObserver, waitFor } from '../../support/observer.ts';
import type { Observer } from '../../support/observer.ts';
import { backupManifests, configMapNames, failoverHubs, poolName, project, recordOn } from './helpers.ts';

const { sandbox, east, west, south, hubPool, mailsFor, kill } = await failoverHubs({ after });

describe('continuous failover through mcsync observe', () => {
  it('observers on west and south re-run the playbook every resync period; killing east fails over once', async (t) => {
    const name = poolName('observe');
    const ns = `restored-${name}`;
    cleanupNamespace(t, sandbox.clusters, ns);
    const hooks = await startWebhookReceiver();
    t.after(() => hooks.close());
    const dir = await project(t, {});
    const store = path.join(dir, 'backups', 'acm-backup-20240101');
    await mkdir(store, { recursive: true });
    await writeFile(path.join(store, 'objects.yaml'), backupManifests(ns, 3));
    const pool = hubPool({
      name,
      leader: 'east',
      backup: { url: path.dirname(store), protocol: 'file' },
      webhook: hooks.url,
    });
    await writeFile(path.join(dir, 'hubpool.yml'), stringify(pool));
    // The watched object is the namespace the leadership records live in (failoverHubs made it).

    const observers: Observer[] = [];
    for (const hub of [west, south]) {
      const observer = await startReadyObserver(t, [
        'namespaces',
        '--field-selector',
        'metadata.name=mcsync',
        '--resync-period',
        '200ms',
        '--host',
        hub.name,
        '-i',
        sandbox.inventoryFile,
        '--playbook',
        'playbooks/failover.yml',
        '-e',
        `hubpool_file=${dir}/hubpool.yml`,
      ]);
      observers.push(observer);
    }
    const passes = (text: string): string[] =>
      text.split('\n').filter((l) => / Sync \S+ objects=1 exit=\d+ /.test(l));
    // Healthy passes first: east leads, nothing written but nothing changed either.
    await waitFor('two passes on each observer', () =>
      observers.every((o) => passes(o.stdout()).length >= 2),
    );
    assert.equal(await recordOn(west, name), undefined, 'a healthy pool needs no record');

    await kill(t, east);
    const killed = Date.now();
    const record = await waitFor('the new leader record on west', async () => {
      const r = await recordOn(west, name);
      return r?.['leader'] === 'west' ? r : undefined;
    });
    const electedMs = Date.now() - killed;
    t.diagnostic(`new leader recorded ${electedMs} ms after the kill`);
    assert.deepEqual([record?.['epoch'], record?.['previous']], ['1', 'east']);
    await waitFor('the restore on west', async () => (await configMapNames(west, ns)).length === 3);
    assert.deepEqual(await configMapNames(west, ns), ['cm-0', 'cm-1', 'cm-2']);
    assert.deepEqual(await configMapNames(south, ns), []);
    const mails = (): number => mailsFor(name).length;
    await waitFor('the alert mail', () => mails() > 0, 10_000);
    await hooks.waitFor(1, 10_000);

    // Later passes find west healthy: no second election, restore or alert.
    const seen = observers.map((o) => passes(o.stdout()).length);
    await waitFor('three more passes on each observer', () =>
      observers.every((o, i) => passes(o.stdout()).length >= (seen[i] ?? 0) + 3),
    );
    assert.equal((await recordOn(south, name))?.['epoch'], '1');
    assert.equal(mails(), 1);
    assert.equal(hooks.calls.length, 1);
    const changed = observers.flatMap((o) => passes(o.stdout())).filter((l) => /changed=[1-9]/.test(l));
    assert.equal(changed.length, 1, changed.join('\n'));
    assert.match(changed[0] ?? '', /exit=0/);
    assert.ok(electedMs < 10_000, `elected ${electedMs} ms after the kill`);

    for (const o of observers) o.child.kill('SIGTERM');
    for (const o of observers) assert.equal(await o.exited, 0, o.stderr());
  });
});
