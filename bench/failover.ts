/**
 * Benchmark for issue 7: time from the leader's death to restore complete, for a backup of 1,000
 * objects in a local S3-compatible server (versitygw), with ping_period 1 s and 3 fails.
 * A monitor runs continuously in this process, as `mcsync observe --resync-period` would run the
 * failover playbook: one pass per period while the leader is healthy. The leader's API server is
 * killed (SIGKILL) at t0; the time is taken when the pass that failed over returns (election,
 * fencing records, restore applied, alerts sent to a local webhook).
 *
 *   node bench/failover.ts [--objects 1000] [--runs 3]
 *
 * Target: under period × fails + 10 s = 13 s. Uses a sandbox in a temporary directory, or the one
 * in MCSYNC_TEST_SANDBOX_DIR.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { runFailover } from '../src/failover/failover.ts';
import type { FailoverReport } from '../src/failover/failover.ts';
import { parseHubPool } from '../src/failover/hubpool.ts';
import { createBucket, putObject } from '../src/failover/s3-client.ts';
import { systemClock } from '../src/modules/services.ts';
import { runFault } from '../src/sandbox/faults.ts';
import { sandboxDown, sandboxUp } from '../src/sandbox/sandbox.ts';
import { sandboxClusters } from '../test/support/clusters.ts';
import { bucketOn, startS3Server } from '../test/support/s3-server.ts';
import { startWebhookReceiver } from '../test/support/webhook-receiver.ts';

const { values } = parseArgs({
  options: { objects: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } },
});
const total = Number(values.objects);
const runs = Number(values.runs);
const cleanups: (() => Promise<void> | void)[] = [];
const hooks = { after: (fn: () => Promise<void> | void) => void cleanups.unshift(fn) };

let dir = process.env['MCSYNC_TEST_SANDBOX_DIR'];
if (!dir) {
  dir = await mkdtemp(path.join(tmpdir(), 'mcsync-failover-bench-'));
  const own = dir;
  await sandboxUp({ dir: own, clusters: 3, openshiftProjects: false });
  cleanups.push(async () => {
    await sandboxDown(own, true);
    await rm(own, { recursive: true, force: true });
  });
  process.env['MCSYNC_TEST_SANDBOX_DIR'] = own;
}
const sandbox = await sandboxClusters(hooks, { clusters: 3 });
const s3 = await startS3Server(hooks);
const webhook = await startWebhookReceiver();
hooks.after(() => webhook.close());
const bucket = bucketOn(s3, 'bench');
await createBucket(bucket);

/** 10 namespaces, then ConfigMaps and Secrets up to `total` objects, in 10 files of one backup. */
async function uploadBackup(prefix: string): Promise<string[]> {
  const namespaces = Array.from({ length: 10 }, (_, i) => `${prefix}-ns-${i}`);
  const perFile = Math.ceil((total - namespaces.length) / 10);
  for (let f = 0; f < 10; f++) {
    const docs: unknown[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaces[f] } }];
    for (let i = 0; i < perFile && f * perFile + i < total - namespaces.length; i++) {
      const secret = i % 4 === 0;
      docs.push({
        apiVersion: 'v1',
        kind: secret ? 'Secret' : 'ConfigMap',
        metadata: { name: `obj-${i}`, namespace: namespaces[f], labels: { bench: 'failover' } },
        ...(secret
          ? { stringData: { value: `v${i}` } }
          : { data: { value: `v${i}`, payload: 'x'.repeat(200) } }),
      });
    }
    await putObject(
      bucket,
      `${prefix}/backup-20240101/part-${f}.yaml`,
      docs.map((d) => stringify(d)).join('---\n'),
    );
  }
  return namespaces;
}

const hostVars = Object.fromEntries(
  sandbox.clusters.map((c) => [
    c.name,
    { api_url: c.apiUrl, token_file: c.adminTokenFile, ca_file: c.caFile },
  ]),
);
const quiet = { info: () => undefined, debug: () => undefined, warn: (m: string) => console.error(m) };

async function oneRun(index: number): Promise<{ detectMs: number; totalMs: number; report: FailoverReport }> {
  const name = `bench-${index}-${Date.now().toString(36)}`;
  const namespaces = await uploadBackup(name);
  const config = parseHubPool({
    document: {
      metadata: { name },
      spec: {
        pool: ['east', 'west', 'south'],
        initial_leader: 'east',
        ping_period: '1s',
        ping_fails_acceptable: 3,
        backup_location: {
          url: `${s3.endpoint}/bench/${name}`,
          protocol: 's3',
          credentials: { file: credentialsFile },
        },
      },
    },
    alert: { webhooks: [webhook.url] },
  });
  const controller = new AbortController();
  const clock = systemClock();
  let t0 = 0;
  const monitor = (async (): Promise<FailoverReport> => {
    for (;;) {
      const started = Date.now();
      const report = await runFailover(config, {
        hostVars: (h) => hostVars[h] ?? {},
        clock,
        signal: controller.signal,
        log: quiet,
        check: false,
        identity: 'bench',
      });
      if (report.outcome === 'failed_over') return report;
      if (t0 && report.outcome !== 'healthy')
        throw new Error(`unexpected outcome ${report.outcome}: ${report.msg}`);
      await clock.sleep(Math.max(0, config.pingPeriodMs - (Date.now() - started)));
    }
  })();
  await clock.sleep(2500); // a few healthy passes first
  t0 = Date.now();
  await runFault({ dir: sandbox.dir, name: 'east', action: 'kill', registry: false });
  const report = await monitor;
  const totalMs = Date.now() - t0;
  await runFault({ dir: sandbox.dir, name: 'east', action: 'start', registry: false });
  const west = sandbox.cluster('west');
  let found = 0;
  for (const ns of namespaces) {
    const list = (await west.admin.get(`/api/v1/namespaces/${ns}/configmaps?labelSelector=bench%3Dfailover`))
      .json as { items: unknown[] };
    const secrets = (await west.admin.get(`/api/v1/namespaces/${ns}/secrets?labelSelector=bench%3Dfailover`))
      .json as { items: unknown[] };
    found += list.items.length + secrets.items.length + 1;
  }
  if (found !== total || report.restore?.failed)
    throw new Error(`restore incomplete: ${found} of ${total} objects on west`);
  await Promise.all(namespaces.map((ns) => west.admin.delete(`/api/v1/namespaces/${ns}`)));
  const restoreMs = report.restore?.durationMs ?? 0;
  return { detectMs: totalMs - restoreMs, totalMs, report };
}

const credentialsFile = path.join(s3.dir, '..', `${path.basename(s3.dir)}-creds.yml`);
await (
  await import('node:fs/promises')
).writeFile(
  credentialsFile,
  stringify({ aws_access_key_id: s3.accessKeyId, aws_secret_access_key: s3.secretAccessKey }),
);
hooks.after(() => rm(credentialsFile, { force: true }));

const rows: string[] = [];
try {
  for (let i = 1; i <= runs; i++) {
    const r = await oneRun(i);
    const line = `| ${i} | ${(r.detectMs / 1000).toFixed(2)} | ${((r.report.restore?.durationMs ?? 0) / 1000).toFixed(2)} | ${(r.totalMs / 1000).toFixed(2)} | ${r.report.restore?.objects ?? 0} |`;
    rows.push(line);
    console.log(line);
  }
} finally {
  for (const fn of cleanups) await fn();
}
console.log(
  `\nmachine: ${cpus().length} cores / ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
console.log('| run | death → elected (s) | restore (s) | death → restore complete (s) | objects |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
