// The sync role passes `sync_concurrency` on to k8s_sync's `concurrency`: the writes it keeps in
// flight per slave. Seen from outside through a TCP forwarder in front of the slave's API server
// that counts connections, with HTTP/2 off (DISABLE_HTTP2, as client-go reads it): over HTTP/1.1
// every request in flight needs a connection of its own, so 1 keeps to the few that discovery and
// the lists open while 16 opens many more (over HTTP/2 they would all be streams of one); and a
// value k8s_sync does not take is refused by k8s_sync itself, naming its argument.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { parse } from 'yaml';
import { sandboxClusters } from '../../support/clusters.ts';
import { startForwarder } from '../../support/connect-proxy.ts';
import { ok } from '../../support/kube-api.ts';
import { runPlay, tempProject } from '../../support/play.ts';
import type { PlayRun } from '../../support/play.ts';
import { cleanupNamespace } from './helpers.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 3 });
const east = sandbox.cluster('east');
const west = sandbox.cluster('west');
const apiPort = Number(new URL(west.apiUrl).port);
const forwarder = await startForwarder('127.0.0.1', { host: '127.0.0.1', port: apiPort });
after(() => forwarder.close());
const OBJECTS = 48;

type Inventory = { all: { children: Record<string, { hosts: Record<string, Record<string, unknown>> }> } };

/** A project: east the master, west the only slave, reached through the forwarder; the sync role over ConfigMaps of `ns`. */
async function project(t: TestContext, ns: string): Promise<string> {
  const sandboxInventory = parse(await readFile(sandbox.inventoryFile, 'utf8')) as Inventory;
  const hosts = (group: string): Record<string, Record<string, unknown>> =>
    sandboxInventory.all.children[group]?.hosts ?? {};
  const inventory = {
    all: {
      children: {
        master: { hosts: { east: hosts('master')['east'] } },
        slaves: {
          hosts: { west: { ...hosts('slaves')['west'], api_url: `https://127.0.0.1:${forwarder.port}` } },
        },
      },
    },
  };
  return tempProject(t, {
    'inventory.yml': inventory,
    'play.yml': [
      {
        name: 'sync',
        hosts: 'slaves',
        gather_facts: false,
        vars: { objects: [{ kind: 'ConfigMap', namespace: ns, label_selector: 'test=concurrency' }] },
        roles: ['sync'],
      },
    ],
  });
}

/** A namespace on the master with OBJECTS labelled ConfigMaps, removed from both clusters after `t`. */
async function seeded(t: TestContext): Promise<string> {
  const ns = await sandbox.namespace(t, { clusters: ['east'] });
  cleanupNamespace(t, [west], ns);
  for (let i = 0; i < OBJECTS; i += 16)
    await Promise.all(
      Array.from({ length: 16 }, (_, j) =>
        east.admin
          .post(`/api/v1/namespaces/${ns}/configmaps`, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `cm-${i + j}`, labels: { test: 'concurrency' } },
            data: { n: String(i + j) },
          })
          .then((res) => ok(res, `cm-${i + j}`)),
      ),
    );
  return ns;
}

/** Runs the project with `-e sync_concurrency=VALUE`; also how many connections west got. */
async function sync(dir: string, value: string): Promise<{ run: PlayRun; connections: number }> {
  const before = forwarder.connections();
  const run = await runPlay(
    [`${dir}/play.yml`, '-i', `${dir}/inventory.yml`, '-e', `sync_concurrency=${value}`, '--output', 'json'],
    { fromSources: true, env: { DISABLE_HTTP2: '1' } },
  );
  return { run, connections: forwarder.connections() - before };
}

async function configMapsOnWest(ns: string): Promise<number> {
  const list = await west.admin.get(`/api/v1/namespaces/${ns}/configmaps?labelSelector=test%3Dconcurrency`);
  return (list.json as { items: unknown[] }).items.length;
}

describe('the sync role with sync_concurrency', () => {
  it('keeps that many writes in flight per slave', async (t) => {
    const one = await seeded(t);
    const sixteen = await seeded(t);
    const serial = await sync(await project(t, one), '1');
    assert.equal(serial.run.code, 0, serial.run.stdout + serial.run.stderr);
    assert.equal(await configMapsOnWest(one), OBJECTS);
    const parallel = await sync(await project(t, sixteen), '16');
    assert.equal(parallel.run.code, 0, parallel.run.stdout + parallel.run.stderr);
    assert.equal(await configMapsOnWest(sixteen), OBJECTS);
    t.diagnostic(`connections to west: ${serial.connections} at 1, ${parallel.connections} at 16`);
    assert.ok(serial.connections <= 4, `sync_concurrency=1 opened ${serial.connections} connections to west`);
    assert.ok(
      parallel.connections >= serial.connections + 8,
      `sync_concurrency=16 opened ${parallel.connections} connections to west, 1 opened ${serial.connections}`,
    );
  });

  it("is refused by k8s_sync when it is out of k8s_sync's range", async (t) => {
    const ns = await seeded(t);
    const { run } = await sync(await project(t, ns), '0');
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /invalid arguments for module 'k8s_sync': 'concurrency' must be >= 1/);
    assert.equal(await configMapsOnWest(ns), 0);
  });
});
