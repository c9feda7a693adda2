// A restore whose monitor died: the winner of an election writes `restore: pending` into the
// leadership record and `done` when it ends. These tests leave on the hubs exactly what a winner
// that crashed mid-restore leaves (the claim with a pending restore, nothing restored) and check
// that the next monitor past restore_timeout restores again, once, and that one within it waits.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { SandboxClusterHandle } from '../../support/clusters.ts';
import { cleanupNamespace } from '../../support/namespaces.ts';
import { ok } from '../../support/kube-api.ts';
import {
  backupManifests,
  configMapNames,
  failoverPlay,
  failoverHubs,
  failoverResult,
  hubPoolDocument,
  poolName,
  project,
  recordOn,
} from './helpers.ts';

const { sandbox, west, smtp } = await failoverHubs({ after });

const CRASHED = 'crashed-monitor/4242';

/** What a winner that died mid-restore leaves on every hub: west leads at epoch 1, restore pending. */
async function crashedClaim(pool: string, startedAt: Date): Promise<void> {
  const data = {
    leader: 'west',
    epoch: '1',
    previous: 'east',
    elected_at: startedAt.toISOString(),
    elected_by: CRASHED,
    restore: 'pending',
    restore_by: CRASHED,
    restore_started_at: startedAt.toISOString(),
    restore_attempt: '1',
  };
  for (const c of sandbox.clusters) {
    const res = await c.admin.post('/api/v1/namespaces/mcsync/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${pool}-leader`, namespace: 'mcsync' },
      data,
    });
    ok(res, `record on ${c.name}`);
  }
}

/** A project with a file backup of namespace `ns` and the HubPool (leader east, as first set up). */
async function poolWithBackup(
  t: TestContext,
  name: string,
  ns: string,
  restoreTimeout: string,
): Promise<string> {
  const dir = await project(t, {});
  const store = path.join(dir, 'backups');
  await mkdir(path.join(store, 'acm-backup-20240101'), { recursive: true });
  await writeFile(path.join(store, 'acm-backup-20240101', 'objects.yaml'), backupManifests(ns, 2));
  const pool = hubPoolDocument(sandbox.clusters, smtp, {
    name,
    leader: 'east',
    backup: { url: store, protocol: 'file' },
  });
  pool['spec'] = { ...(pool['spec'] as object), restore_timeout: restoreTimeout };
  await writeFile(path.join(dir, 'hubpool.yml'), JSON.stringify(pool));
  return dir;
}

/**
 * Pool `poolName(prefix)` with a file backup of namespace `restored-NAME` (removed after `t`) and
 * CRASHED's claim of its restore, started `ageMs` ago.
 */
async function crashedRestore(t: TestContext, prefix: string, restoreTimeout: string, ageMs: number) {
  const name = poolName(prefix);
  const ns = `restored-${name}`;
  cleanupNamespace(t, sandbox.clusters, ns);
  const dir = await poolWithBackup(t, name, ns, restoreTimeout);
  await crashedClaim(name, new Date(Date.now() - ageMs));
  return { name, ns, dir };
}

const monitor = (dir: string, ...extra: string[]) =>
  failoverPlay(['-i', sandbox.inventoryFile, '-e', `hubpool_file=${dir}/hubpool.yml`, ...extra]);
const mailsFor = (pool: string) => smtp.messages.filter((m) => m.raw.includes(`hub pool ${pool}`));
/** A mail as an operator reads it: folded header lines joined, quoted-printable soft breaks removed. */
const readable = (raw: string | undefined): string =>
  (raw ?? '').replace(/=\r\n/g, '').replace(/\r\n /g, ' ');

async function records(pool: string): Promise<Record<string, string>[]> {
  const found = await Promise.all(sandbox.clusters.map((c: SandboxClusterHandle) => recordOn(c, pool)));
  return found.map((r) => r ?? {});
}

describe('a restore whose monitor died', () => {
  it('is done again by the next monitor after restore_timeout, once, with one alert', async (t) => {
    const { name, ns, dir } = await crashedRestore(t, 'resume', '30s', 3600_000);

    const dry = await monitor(dir, '--check');
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.equal(failoverResult(dry)['outcome'], 'would_resume_restore');
    assert.deepEqual(await configMapNames(west, ns), [], '--check restored');
    assert.deepEqual(
      (await records(name)).map((r) => r['restore_attempt']),
      ['1', '1', '1'],
    );

    const run = await monitor(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = failoverResult(run);
    assert.deepEqual(
      [result['outcome'], result['status'], result['leader'], result['epoch']],
      ['restore_resumed', 'changed', 'west', 1],
    );
    assert.match(
      String(result['msg']),
      new RegExp(
        `by ${CRASHED} \\(attempt 1, started .*\\) did not finish within 30s: restored again \\(attempt 2\\)`,
      ),
    );
    assert.deepEqual(await configMapNames(west, ns), ['cm-0', 'cm-1']);
    for (const [i, record] of (await records(name)).entries()) {
      const hub = sandbox.clusters[i]?.name;
      assert.deepEqual(
        [record['leader'], record['epoch'], record['restore'], record['restore_attempt']],
        ['west', '1', 'done', '2'],
        `record on ${hub}`,
      );
      assert.notEqual(record['restore_by'], CRASHED, hub);
      assert.match(String(record['restore_backup']), /acm-backup-20240101/, hub);
    }
    const mails = mailsFor(name);
    assert.equal(mails.length, 1);
    const mail = readable(mails[0]?.raw);
    assert.match(mail, /Subject: .*restore onto west done again \(epoch 1\)/);
    assert.ok(mail.includes(`The restore by monitor ${CRASHED}`), mail);
    assert.ok(mail.includes('never finished; this is attempt 2.'), mail);

    const again = await monitor(dir);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual([failoverResult(again)['outcome'], failoverResult(again)['status']], ['healthy', 'ok']);
    assert.equal(mailsFor(name).length, 1, 'a finished restore was done again');
  });

  it('is left to its monitor within restore_timeout', async (t) => {
    const { name, ns, dir } = await crashedRestore(t, 'running', '10m', 0);

    const run = await monitor(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = failoverResult(run);
    assert.deepEqual([result['outcome'], result['status']], ['healthy', 'ok']);
    assert.match(
      String(result['msg']),
      new RegExp(`restore by ${CRASHED} \\(attempt 1\\) has been running since`),
    );
    assert.deepEqual(await configMapNames(west, ns), []);
    assert.deepEqual(
      (await records(name)).map((r) => [r['restore'], r['restore_attempt']]),
      sandbox.clusters.map(() => ['pending', '1']),
    );
    assert.equal(mailsFor(name).length, 0);
  });

  it('two monitors finding the same stalled restore: one restores, one alert', async (t) => {
    const { name, ns, dir } = await crashedRestore(t, 'resume2', '30s', 3600_000);

    const runs = await Promise.all([monitor(dir), monitor(dir)]);
    for (const run of runs) assert.equal(run.code, 0, run.stdout + run.stderr);
    const outcomes = runs.map((run) => failoverResult(run)['outcome']).sort();
    assert.deepEqual(outcomes, ['healthy', 'restore_resumed'], JSON.stringify(outcomes));
    assert.deepEqual(await configMapNames(west, ns), ['cm-0', 'cm-1']);
    assert.deepEqual(
      (await records(name)).map((r) => [r['restore'], r['restore_attempt']]),
      sandbox.clusters.map(() => ['done', '2']),
    );
    assert.equal(mailsFor(name).length, 1);
  });
});
