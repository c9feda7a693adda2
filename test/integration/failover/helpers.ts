// Helpers for the failover tests: run playbooks/failover.yml through the CLI (from src/, so no
// build is needed) as a separate process, write HubPool files, read leadership records and
// backed-up objects on the sandbox clusters.
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { sandboxClusters } from '../../support/clusters.ts';
import type { Hooks, SandboxClusterHandle, SandboxFixture } from '../../support/clusters.ts';
import { ok } from '../../support/kube-api.ts';
import { startSmtpServer } from '../../support/smtp-server.ts';
import type { SmtpFixture } from '../../support/smtp-server.ts';
import { repoRoot, runPlay, tempProject } from '../../support/play.ts';
import type { PlayRun } from '../../support/play.ts';

export { repoRoot };
export type { PlayRun };

/** Runs `mcsync-play playbooks/failover.yml ARGS --output json` in its own process, from src/. */
export function failoverPlay(args: readonly string[]): Promise<PlayRun> {
  return runPlay(['playbooks/failover.yml', '--output', 'json', ...args], { fromSources: true });
}

/** The registered `failover` result of a run (the hub_failover task's result). */
export function failoverResult(run: PlayRun): Record<string, unknown> {
  for (const play of run.doc?.plays ?? []) {
    for (const task of play.tasks) {
      const result = task.hosts['localhost'];
      if (task.module === 'hub_failover' && result) return result;
    }
  }
  throw new Error(`no hub_failover result in: ${run.stdout.slice(0, 2000)} ${run.stderr.slice(0, 1000)}`);
}

/** A temporary directory with files (objects written as YAML), removed after `t`. */
export function project(t: TestContext, files: Record<string, unknown>): Promise<string> {
  return tempProject(t, files, 'mcsync-failover-');
}

/** A unique pool name per test so records of earlier tests do not interfere. */
export function poolName(prefix: string): string {
  return `${prefix}-${Math.random().toString(16).slice(2, 8)}`;
}

/** The leadership record of `pool` on a cluster (undefined when none). */
export async function recordOn(
  c: SandboxClusterHandle,
  pool: string,
): Promise<Record<string, string> | undefined> {
  const res = await c.admin.get(`/api/v1/namespaces/mcsync/configmaps/${pool}-leader`);
  if (res.status === 404) return undefined;
  return (ok(res, `record on ${c.name}`).json as { data: Record<string, string> }).data;
}

/** Names of the ConfigMaps in `ns` on a cluster (404 namespace → []). */
export async function configMapNames(c: SandboxClusterHandle, ns: string): Promise<string[]> {
  const res = await c.admin.get(`/api/v1/namespaces/${ns}/configmaps`);
  if (res.status === 404) return [];
  const items = (ok(res, `list on ${c.name}`).json as { items: { metadata: { name: string } }[] }).items;
  return items
    .map((i) => i.metadata.name)
    .filter((n) => n !== 'kube-root-ca.crt')
    .sort();
}

/** Backup manifests: namespace `ns`, `count` ConfigMaps and a Secret, as a multi-document YAML. */
export function backupManifests(ns: string, count: number): string {
  const docs: unknown[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }];
  for (let i = 0; i < count; i++) {
    docs.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${i}`, namespace: ns, uid: 'from-the-old-hub', resourceVersion: '42' },
      data: { index: String(i) },
    });
  }
  docs.push({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds', namespace: ns },
    stringData: { k: 'v' },
  });
  return docs.map((d) => stringify(d)).join('---\n');
}

export interface PoolOptions {
  name: string;
  leader: string;
  fails?: number;
  period?: string;
  backup?: Record<string, unknown>;
  webhook?: string;
}

/** A HubPool in the seed's shape over the sandbox hubs, alerts to a local SMTP server. */
export function hubPoolDocument(
  clusters: readonly SandboxClusterHandle[],
  smtp: { host: string; port: number },
  o: PoolOptions,
): Record<string, unknown> {
  return {
    apiVersion: 'rhacm-mirror.openshift.io/v1alpha1',
    kind: 'HubPool',
    metadata: { name: o.name, namespace: 'rhacm-mirror' },
    spec: {
      pool: clusters.map((c) => ({ [c.name]: c.apiUrl })),
      initial_leader: o.leader,
      ping_period: o.period ?? '200ms',
      ping_fails_acceptable: o.fails ?? 3,
      ...(o.backup ? { backup_location: o.backup } : {}),
      failover_alert_email: 'ops-admin@example.com',
    },
    alert: {
      email: { smtp_host: smtp.host, smtp_port: smtp.port, from: 'mcsync@example.com', starttls: false },
      webhooks: o.webhook ? [o.webhook] : [],
    },
  };
}

/** What every failover test file starts from. */
export interface FailoverHubs {
  sandbox: SandboxFixture;
  east: SandboxClusterHandle;
  west: SandboxClusterHandle;
  south: SandboxClusterHandle;
  /** The SMTP server the pools' alerts go to. */
  smtp: SmtpFixture;
  /** A HubPool in the seed's shape over the three hubs, alerts to `smtp`. */
  hubPool(o: PoolOptions): Record<string, unknown>;
  /** The alert mails about `pool`. */
  mailsFor(pool: string): SmtpFixture['messages'];
  /** Kills a hub's API server for the test, starting it again after it. */
  kill(t: TestContext, hub: SandboxClusterHandle): Promise<void>;
}

/**
 * Three sandbox hubs (east, west, south) with the `mcsync` namespace the leadership records live
 * in, and an SMTP server for the alerts; all stopped by `hooks.after`.
 */
export async function failoverHubs(hooks: Hooks): Promise<FailoverHubs> {
  const sandbox = await sandboxClusters(hooks, { clusters: 3 });
  const smtp = await startSmtpServer();
  hooks.after(() => smtp.close());
  for (const c of sandbox.clusters) {
    const res = await c.admin.post('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'mcsync' },
    });
    if (res.status !== 409) ok(res, `namespace mcsync on ${c.name}`);
  }
  return {
    sandbox,
    east: sandbox.cluster('east'),
    west: sandbox.cluster('west'),
    south: sandbox.cluster('south'),
    smtp,
    hubPool: (o) => hubPoolDocument(sandbox.clusters, smtp, o),
    mailsFor: (pool) => smtp.messages.filter((m) => m.raw.includes(`hub pool ${pool}`)),
    async kill(t, hub) {
      await sandbox.fault('kill', hub.name);
      t.after(() => sandbox.fault('start', hub.name));
    },
  };
}
