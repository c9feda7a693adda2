import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { closeKubeClients, createHostClient, kubeClientFor } from '../../../src/kube/client-cache.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import type { ModuleDefinition, ModuleServices } from '../../../src/model/module.ts';
import type { Vars } from '../../../src/model/vars.ts';
import { createModuleRegistry } from '../../../src/modules/registry.ts';
import { freePorts } from '../../../src/sandbox/ports.ts';
import { handingOver, WarmClients, warmHosts } from '../../../src/observe/warm-up.ts';
import type { WarmUpOptions } from '../../../src/observe/warm-up.ts';
import { aggregatedGroup, aggregatedList } from '../../support/aggregated-discovery.ts';
import { fakeClock } from '../../support/fake-clock.ts';
import { moduleContext } from '../../support/module-context.ts';
import { selfSignedCert } from '../../support/self-signed.ts';
import { json, startTlsServer } from '../kube/tls-server.ts';
import type { TlsServer } from '../kube/tls-server.ts';

const CORE = aggregatedList([
  aggregatedGroup({}, 'v1', [
    {
      resource: 'configmaps',
      responseKind: { group: '', version: 'v1', kind: 'ConfigMap' },
      scope: 'Namespaced',
      verbs: ['get', 'list'],
    },
  ]),
]);
const GROUPS = aggregatedList([]);

/** An API server that answers aggregated discovery (and nothing else). */
async function discoveryServer(): Promise<TlsServer> {
  const server = await startTlsServer((req, res) => {
    if (req.url === '/api') json(res, 200, CORE);
    else if (req.url === '/apis') json(res, 200, GROUPS);
    else json(res, 404, {});
  });
  after(() => server.close());
  return server;
}

const discoveryRequests = (server: TlsServer): number =>
  server.requests.filter((r) => r.url === '/api' || r.url === '/apis').length;

function hostVars(url: string): Vars {
  return { api_url: url, token: `token-for-${url}`, ca_file: selfSignedCert().certFile };
}

/** What a warm-up writes to stderr. */
function errStream(): NodeJS.WritableStream & { text(): string } {
  let text = '';
  return {
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    text: () => text,
  } as unknown as NodeJS.WritableStream & { text(): string };
}

function options(vars: Record<string, Vars>, overrides: Partial<WarmUpOptions> = {}): WarmUpOptions {
  return {
    hosts: Object.keys(vars).map((name) => ({ name, playHost: name !== 'east' })),
    hostVars: (host) => vars[host] ?? {},
    modules: createModuleRegistry([]),
    clock: fakeClock(),
    err: errStream(),
    quiet: false,
    ...overrides,
  };
}

/** A module that reads the master's ConfigMap kind, as k8s_sync reads its `from` host. */
const readsMaster: ModuleDefinition = {
  name: 'reads_master',
  argsSchema: { type: 'object' },
  supportsCheckMode: true,
  description: 'test module',
  async run(_args, context) {
    const master = await kubeClientFor(context, 'east');
    const info = await master.resource('v1', 'ConfigMap');
    return { changed: false, msg: info.resource };
  },
};

function services(): ModuleServices & { secretValues: string[] } {
  const secretValues: string[] = [];
  return {
    processes: { run: () => Promise.reject(new Error('no processes here')) },
    clock: fakeClock(),
    runCache: new Map(),
    secrets: { add: (value) => void secretValues.push(value) },
    secretValues,
  };
}

describe('observer warm-up', () => {
  it('connects to every host and loads its discovery before returning; the first run reuses both', async () => {
    const east = await discoveryServer();
    const west = await discoveryServer();
    const vars = { east: hostVars(east.url), west: hostVars(west.url) };
    const warm = new WarmClients();
    const err = errStream();
    const report = await warm.warmUp(options(vars, { err }));
    assert.deepEqual(report.ready.sort(), ['east', 'west']);
    assert.equal(discoveryRequests(east), 2);
    assert.equal(discoveryRequests(west), 2);
    assert.match(err.text(), /^# warm-up: east, west connected with discovery loaded in \d+ms\n$/);

    const modules = handingOver(createModuleRegistry([readsMaster]), warm);
    const context = moduleContext({ host: 'west', services: services() }, vars.west, vars);
    const result = await modules.get('reads_master')?.run({}, context);
    assert.equal(result?.msg, 'configmaps');
    assert.equal(discoveryRequests(east), 2, 'the run sent discovery requests of its own');
    warm.close();
    await closeKubeClients(context.services.runCache);
  });

  it('names a host that refuses connections in a warning and does not wait for it', async () => {
    const east = await discoveryServer();
    const [closed] = await freePorts(1);
    const vars = { east: hostVars(east.url), south: hostVars(`https://127.0.0.1:${closed}`) };
    const warm = new WarmClients();
    const err = errStream();
    const report = await warm.warmUp(options(vars, { err }));
    assert.deepEqual(report.ready, ['east']);
    assert.deepEqual(
      report.failed.map((f) => f.host),
      ['south'],
    );
    assert.match(
      err.text(),
      /^warning: warm-up: south: cluster south \(https:\/\/127\.0\.0\.1:\d+\) is unreachable: .*; its runs connect again$/m,
    );
    assert.match(err.text(), /^# warm-up: east connected/m);
    warm.close();
  });

  it('ends at its bound when a host never answers, naming the host', async () => {
    const held: ServerResponse[] = [];
    const silent = await startTlsServer((_req, res) => void held.push(res));
    after(() => silent.close());
    const clock = fakeClock();
    const err = errStream();
    const warm = new WarmClients();
    let finished = false;
    const warming = warm
      .warmUp(options({ north: hostVars(silent.url) }, { clock, err, timeoutMs: 10_000 }))
      .finally(() => (finished = true));
    await clock.untilPending(1);
    await clock.step(9_999);
    assert.equal(finished, false, 'the warm-up ended before its bound');
    await clock.step(1);
    const report = await warming;
    assert.deepEqual(report.timedOut, ['north']);
    assert.match(err.text(), /^warning: warm-up: north: no answer within 10s; its runs connect again$/m);
    assert.match(err.text(), /^# warm-up: no host connected/m);
    warm.close();
  });

  it('hands a play host only to its own task, and only with the connection variables it was made from', async () => {
    const made: KubeClient[] = [];
    const [closed] = await freePorts(1);
    const url = `https://127.0.0.1:${closed}`;
    const vars = { east: hostVars(url), west: hostVars(url), south: hostVars(url) };
    const warm = new WarmClients();
    await warm.warmUp(
      options(vars, {
        connect: async (connectionVars, host, connectServices) => {
          const client = await createHostClient(connectionVars, host, connectServices);
          made.push(client);
          return client;
        },
      }),
    );
    const west = services();
    warm.handOver({ host: 'west', vars: vars.west, services: west });
    assert.deepEqual([...west.runCache.keys()].sort(), ['kube:east', 'kube:west']);
    const south = services();
    warm.handOver({
      host: 'south',
      vars: { ...vars.south, api_url: 'https://elsewhere:6443' },
      services: south,
    });
    assert.deepEqual(
      [...south.runCache.keys()],
      [],
      'a client for other connection variables was handed over',
    );
    const later = services();
    warm.handOver({ host: 'south', vars: vars.south, services: later });
    assert.deepEqual([...later.runCache.keys()], [], 'a client was handed over twice');
    assert.equal(made.length, 3);
  });

  it("passes the tokens it read on to the run's secret registry", async () => {
    const east = await discoveryServer();
    const warm = new WarmClients();
    await warm.warmUp(options({ east: hostVars(east.url) }));
    const run = services();
    warm.handOver({ host: 'west', vars: {}, services: run });
    assert.ok(run.secretValues.includes(`token-for-${east.url}`), 'the token would not be masked');
    await closeKubeClients(run.runCache);
  });

  it('warms the hosts the plays select and the observed clusters that are inventory hosts', () => {
    const groups: Record<string, string[]> = { slaves: ['west', 'south'], all: ['east', 'west', 'south'] };
    const inventory = {
      hostNames: () => ['east', 'west', 'south'],
      selectHosts: (pattern: string | readonly string[]) => groups[String(pattern)] ?? [],
    };
    const plays = [{ hosts: 'slaves' }, { hosts: 'localhost' }] as Parameters<typeof warmHosts>[0]['plays'];
    assert.deepEqual(warmHosts({ plays }, inventory, ['east', 'kubeconfig-context']), [
      { name: 'east', playHost: false },
      { name: 'west', playHost: true },
      { name: 'south', playHost: true },
    ]);
  });
});
