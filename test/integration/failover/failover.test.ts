// The failover role on three sandbox hubs (east, west, south) with real local S3 (versitygw),
// SMTP and webhook servers. Periods are 200 ms; the sandbox fault hooks kill and start API servers.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { runFailover } from '../../../src/failover/failover.ts';
import { parseHubPool } from '../../../src/failover/hubpool.ts';
import { createBucket, putObject } from '../../../src/failover/s3-client.ts';
import { systemClock } from '../../../src/modules/services.ts';
import type { SandboxClusterHandle } from '../../support/clusters.ts';
import { cleanupNamespace } from '../../support/namespaces.ts';
import { ok } from '../../support/kube-api.ts';
import { bucketOn, startS3Server } from '../../support/s3-server.ts';
import { startWebhookReceiver } from '../../support/webhook-receiver.ts';
import type { WebhookFixture } from '../../support/webhook-receiver.ts';
import {
  backupManifests,
  configMapNames,
  failoverPlay,
  failoverHubs,
  failoverResult,
  poolName,
  project,
  recordOn,
} from './helpers.ts';

const { sandbox, east, west, south, hubPool, mailsFor, kill } = await failoverHubs({ after });
const s3 = await startS3Server({ after });
const bucket = bucketOn(s3, 'hub-backups');
await createBucket(bucket);

// The S3 credentials as a Secret on every hub, where backup_location.credentials.secret names it.
for (const c of sandbox.clusters) {
  ok(
    await c.admin.apply('/api/v1/namespaces/mcsync/secrets/s3-creds', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's3-creds', namespace: 'mcsync' },
      stringData: { aws_access_key_id: s3.accessKeyId, aws_secret_access_key: s3.secretAccessKey },
    }),
    `s3 secret on ${c.name}`,
  );
}

/**
 * A project with `hubpool.yml`: the pool `name` over the three hubs, east leading, backups in the
 * bucket under `name/` (keys from the hubs' s3-creds Secret), alerts by mail and to a webhook
 * receiver stopped after `t`.
 */
async function s3Pool(t: TestContext, name: string): Promise<{ dir: string; hooks: WebhookFixture }> {
  const hooks = await startWebhookReceiver();
  t.after(() => hooks.close());
  const backup = {
    url: `${s3.endpoint}/hub-backups/${name}`,
    protocol: 's3',
    credentials: { secret: 's3-creds' },
  };
  const dir = await project(t, {
    'hubpool.yml': hubPool({ name, leader: 'east', backup, webhook: hooks.url }),
  });
  return { dir, hooks };
}

describe('hub pool failover', () => {
  it('kills the leader: the next hub is elected after fails x period, the S3 backup restored, one alert each', async (t) => {
    const name = poolName('s3');
    const ns = `restored-${name}`;
    cleanupNamespace(t, sandbox.clusters, ns);
    await putObject(bucket, `${name}/2024-01-01/all.yaml`, backupManifests(`${ns}-old`, 1));
    await new Promise((r) => setTimeout(r, 1100)); // S3 times have 1 s resolution
    await putObject(bucket, `${name}/2024-01-02/all.yaml`, backupManifests(ns, 3));
    const { dir, hooks } = await s3Pool(t, name);
    await kill(t, east);

    const run = await failoverPlay(['-i', sandbox.inventoryFile, '-e', `hubpool_file=${dir}/hubpool.yml`]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = failoverResult(run);
    assert.equal(result['outcome'], 'failed_over', String(result['msg']));
    assert.equal(result['status'], 'changed');
    assert.equal(result['leader'], 'west');
    assert.equal(result['epoch'], 1);
    assert.equal(result['rounds'], 3);
    assert.ok(run.ms >= 400, `failed over after ${run.ms} ms, before 3 periods`);
    assert.deepEqual(await configMapNames(west, ns), ['cm-0', 'cm-1', 'cm-2']);
    assert.equal((await west.admin.get(`/api/v1/namespaces/${ns}/secrets/creds`)).status, 200);
    assert.deepEqual(await configMapNames(west, `${ns}-old`), [], 'an older backup was restored');
    assert.deepEqual(await configMapNames(south, ns), [], 'restored onto a follower');
    const restore = result['restore'] as { objects: number; created: number; failed: number };
    assert.deepEqual([restore.objects, restore.created, restore.failed], [5, 5, 0]);
    for (const c of [west, south]) {
      const record = await recordOn(c, name);
      assert.deepEqual(
        [record?.['leader'], record?.['epoch'], record?.['previous']],
        ['west', '1', 'east'],
        c.name,
      );
      assert.equal(record?.['restore'], 'done', `restore state on ${c.name}`);
      assert.match(String(record?.['restore_backup']), /2024-01-02/);
    }

    const mails = mailsFor(name);
    assert.equal(mails.length, 1);
    assert.deepEqual(mails[0]?.to, ['ops-admin@example.com']);
    for (const text of [
      'Old leader: east',
      'New leader: west',
      'Epoch: 1',
      'Time: 20',
      '5 objects from s3',
      '5 created',
    ]) {
      assert.ok(mails[0]?.raw.includes(text), `mail lacks '${text}':\n${mails[0]?.raw}`);
    }
    assert.equal(hooks.calls.length, 1);
    const body = hooks.calls[0]?.body as {
      text: string;
      failover: { old_leader: string; new_leader: string; epoch: number };
    };
    assert.match(body.text, /west replaces east as leader \(epoch 1\)/);
    assert.deepEqual(
      [body.failover.old_leader, body.failover.new_leader, body.failover.epoch],
      ['east', 'west', 1],
    );
    assert.ok(!run.stdout.includes('secret-token'), 'the webhook URL (a secret) was printed');
    assert.ok(!run.stdout.includes(s3.secretAccessKey), 'the S3 secret was printed');

    // The old leader comes back: it stays a follower, learns the epoch, nothing is restored again.
    await sandbox.fault('start', east.name);
    const again = await failoverPlay(['-i', sandbox.inventoryFile, '-e', `hubpool_file=${dir}/hubpool.yml`]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const second = failoverResult(again);
    assert.deepEqual(
      [second['outcome'], second['leader'], second['epoch'], second['status']],
      ['healthy', 'west', 1, 'ok'],
    );
    assert.deepEqual(second['repaired'], ['east']);
    assert.equal((await recordOn(east, name))?.['leader'], 'west');
    assert.deepEqual(await configMapNames(east, ns), []);
    assert.equal(mailsFor(name).length, 1);
    assert.equal(hooks.calls.length, 1);
  });

  it('restores from a file directory, with the HubPool given as -e @hubpool.yml', async (t) => {
    const name = poolName('dir');
    const ns = `restored-${name}`;
    cleanupNamespace(t, sandbox.clusters, ns);
    const dir = await project(t, {});
    const store = path.join(dir, 'backups');
    await mkdir(path.join(store, 'acm-backup-20240101'), { recursive: true });
    await writeFile(path.join(store, 'acm-backup-20240101', 'objects.yaml'), backupManifests(ns, 2));
    await writeFile(
      path.join(dir, 'hubpool.yml'),
      stringify(hubPool({ name, leader: 'west', backup: { url: store, protocol: 'file' } })),
    );
    await kill(t, west);
    const run = await failoverPlay(['-i', sandbox.inventoryFile, '-e', `@${dir}/hubpool.yml`]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = failoverResult(run);
    assert.deepEqual(
      [result['outcome'], result['leader'], result['previous_leader']],
      ['failed_over', 'south', 'west'],
    );
    assert.deepEqual(await configMapNames(south, ns), ['cm-0', 'cm-1']);
    assert.equal(mailsFor(name).length, 1);
  });

  it('a monitor that can reach no hub does nothing', async (t) => {
    const name = poolName('cut');
    const dead = (c: SandboxClusterHandle) => ({
      api_url: 'https://127.0.0.1:9',
      token_file: c.adminTokenFile,
      ca_file: c.caFile,
    });
    const dir = await project(t, {
      'inventory.yml': {
        all: { children: { hubs: { hosts: { east: dead(east), west: dead(west), south: dead(south) } } } },
      },
      'hubpool.yml': {
        ...hubPool({ name, leader: 'east' }),
        spec: { ...(hubPool({ name, leader: 'east' })['spec'] as object), pool: ['east', 'west', 'south'] },
      },
    });
    const run = await failoverPlay(['-i', `${dir}/inventory.yml`, '-e', `hubpool_file=${dir}/hubpool.yml`]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const result = failoverResult(run);
    assert.equal(result['outcome'], 'cut_off');
    assert.equal(result['status'], 'ok');
    assert.match(String(result['msg']), /no hub of the pool answers/);
    for (const c of sandbox.clusters) assert.equal(await recordOn(c, name), undefined, c.name);
    assert.equal(mailsFor(name).length, 0);
  });

  it('a leader that misses fewer pings than acceptable, then answers, keeps its place', async (t) => {
    // In-process, so the hung leader is resumed right after its second missed ping, whatever the load.
    const name = poolName('blip');
    const config = parseHubPool({ document: hubPool({ name, leader: 'east', period: '300ms', fails: 4 }) });
    await sandbox.fault('pause', east.name);
    t.after(() => sandbox.fault('resume', east.name).catch(() => undefined));
    let resumed: Promise<string> | undefined;
    const log = {
      info: (message: string) => {
        if (/leader east .* failed 2×/.test(message)) resumed ??= sandbox.fault('resume', east.name);
      },
      debug: () => undefined,
      warn: () => undefined,
    };
    const vars = Object.fromEntries(
      sandbox.clusters.map((c) => [
        c.name,
        { api_url: c.apiUrl, token_file: c.adminTokenFile, ca_file: c.caFile },
      ]),
    );
    const report = await runFailover(config, {
      hostVars: (h) => vars[h] ?? {},
      clock: systemClock(),
      signal: new AbortController().signal,
      log,
      check: false,
    });
    assert.ok(resumed, 'east never missed two pings');
    await resumed;
    assert.deepEqual([report.outcome, report.leader, report.epoch], ['healthy', 'east', 0], report.msg);
    assert.ok(report.rounds >= 3 && report.rounds <= 4, `rounds: ${report.rounds}`);
    for (const c of sandbox.clusters) assert.equal(await recordOn(c, name), undefined, c.name);
    assert.equal(mailsFor(name).length, 0);
  });

  it('two monitors at once: one election, one restore, one alert', async (t) => {
    const name = poolName('duo');
    const ns = `restored-${name}`;
    cleanupNamespace(t, sandbox.clusters, ns);
    await putObject(bucket, `${name}/only/all.yaml`, backupManifests(ns, 4));
    const { dir, hooks } = await s3Pool(t, name);
    await kill(t, east);
    const args = ['-i', sandbox.inventoryFile, '-e', `hubpool_file=${dir}/hubpool.yml`];
    const runs = await Promise.all([failoverPlay(args), failoverPlay(args)]);
    const results = runs.map((r) => {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      return failoverResult(r);
    });
    const outcomes = results.map((r) => r['outcome']).sort();
    assert.equal(
      outcomes.filter((o) => o === 'failed_over').length,
      1,
      JSON.stringify(results.map((r) => r['msg'])),
    );
    // The other monitor lost the claim, or found west already leading (healthy or followed).
    const other = results.find((r) => r['outcome'] !== 'failed_over') ?? {};
    assert.ok(['followed', 'lost_claim', 'healthy'].includes(String(other['outcome'])), String(outcomes));
    assert.equal(other['status'], 'ok');
    assert.equal(results.filter((r) => r['restore'] !== null).length, 1);
    assert.deepEqual(await configMapNames(west, ns), ['cm-0', 'cm-1', 'cm-2', 'cm-3']);
    for (const c of [west, south]) assert.equal((await recordOn(c, name))?.['epoch'], '1', c.name);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(mailsFor(name).length, 1);
    assert.equal(hooks.calls.length, 1);
  });

  it('a bad HubPool fails the task with the field and its file:line:column', async (t) => {
    const pool = hubPool({ name: poolName('bad'), leader: 'east' });
    const text = stringify(pool).replace('ping_period: 200ms', 'ping_period: soon');
    const dir = await project(t, { 'hubpool.yml': text });
    const line = text.split('\n').findIndex((l) => l.includes('ping_period')) + 1;
    const run = await failoverPlay(['-i', sandbox.inventoryFile, '-e', `hubpool_file=${dir}/hubpool.yml`]);
    assert.notEqual(run.code, 0);
    const all = run.stdout + run.stderr;
    assert.ok(
      all.includes(
        `${dir}/hubpool.yml:${line}:16: spec.ping_period: expected a duration like 2m, 30s or 500ms, got \\"soon\\"`,
      ) ||
        all.includes(
          `${dir}/hubpool.yml:${line}:16: spec.ping_period: expected a duration like 2m, 30s or 500ms, got "soon"`,
        ),
      all,
    );
  });
});
