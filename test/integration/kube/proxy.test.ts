// Proxies on a real sandbox cluster: `mcsync play` reaches the API server only through a test
// CONNECT proxy when the kubeconfig cluster has `proxy-url`, and when HTTPS_PROXY is set; the
// server is named `east.proxied.test`, which only the proxy can resolve, so a play that works
// sent every request through it. NO_PROXY sends a matching cluster direct.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { sandboxClusters } from '../../support/clusters.ts';
import { startConnectProxy, startForwarder } from '../../support/connect-proxy.ts';
import { runPlay, tempProject, writeConfigMapTask } from '../../support/play.ts';

const sandbox = await sandboxClusters({ after }, { clusters: 1 });
const east = sandbox.cluster('east');
const apiPort = Number(new URL(east.apiUrl).port);
const proxy = await startConnectProxy();
after(() => proxy.close());

/** An address of this machine that is not loopback (loopback is never proxied, as in client-go). */
function outsideAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  assert.ok(address, 'the machine has a non-loopback IPv4 address');
  return address;
}

/** A project whose only host is east through a kubeconfig (server name and proxy-url as given). */
async function project(
  t: TestContext,
  server: string,
  proxyUrl?: string,
): Promise<{ dir: string; ns: string }> {
  const ns = await sandbox.namespace(t, { clusters: ['east'] });
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'east',
    clusters: [
      {
        name: 'east',
        cluster: {
          server,
          'certificate-authority': east.caFile,
          'tls-server-name': 'localhost',
          ...(proxyUrl && { 'proxy-url': proxyUrl }),
        },
      },
    ],
    users: [{ name: 'admin', user: { tokenFile: east.adminTokenFile } }],
    contexts: [{ name: 'east', context: { cluster: 'east', user: 'admin' } }],
  };
  const dir = await tempProject(t, {
    'kubeconfig.yml': stringify(kubeconfig),
    'play.yml': [
      {
        name: 'through the proxy',
        hosts: 'east',
        gather_facts: false,
        tasks: [
          writeConfigMapTask(ns, 'proxied', { via: 'proxy' }),
          {
            name: 'read',
            k8s_info: { kind: 'ConfigMap', namespace: ns, name: 'proxied' },
            register: 'found',
          },
        ],
      },
    ],
  });
  await writeFile(
    join(dir, 'inventory.yml'),
    stringify({ all: { hosts: { east: { kubeconfig: join(dir, 'kubeconfig.yml'), context: 'east' } } } }),
  );
  return { dir, ns };
}

async function play(dir: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  const run = await runPlay(['-i', join(dir, 'inventory.yml'), join(dir, 'play.yml')], {
    fromSources: true,
    env: { HTTPS_PROXY: '', https_proxy: '', NO_PROXY: '', no_proxy: '', ...env },
  });
  return { code: run.code, output: run.stdout + run.stderr };
}

async function configMapExists(ns: string): Promise<boolean> {
  return (await east.admin.get(`/api/v1/namespaces/${ns}/configmaps/proxied`)).status === 200;
}

describe('cluster connections through a proxy', () => {
  it('carries every request when the kubeconfig cluster has proxy-url', async (t) => {
    const { dir, ns } = await project(t, `https://east.proxied.test:${apiPort}`, proxy.url);
    const run = await play(dir);
    assert.equal(run.code, 0, run.output);
    assert.ok(await configMapExists(ns));
    assert.ok((proxy.tunnels.get(`east.proxied.test:${apiPort}`) ?? 0) >= 1, 'tunnels were opened');
  });

  it('carries every request when HTTPS_PROXY is set, and the error names the proxy when it is down', async (t) => {
    const { dir, ns } = await project(t, `https://east.proxied.test:${apiPort}`);
    const before = proxy.tunnels.get(`east.proxied.test:${apiPort}`) ?? 0;
    const run = await play(dir, { HTTPS_PROXY: proxy.url });
    assert.equal(run.code, 0, run.output);
    assert.ok(await configMapExists(ns));
    assert.ok((proxy.tunnels.get(`east.proxied.test:${apiPort}`) ?? 0) > before);

    const down = await play(dir, { https_proxy: 'http://127.0.0.1:1' });
    assert.equal(down.code, 4, down.output);
    assert.match(down.output, /east.*through proxy http:\/\/127\.0\.0\.1:1.*connection refused/);
  });

  it('goes direct to a cluster NO_PROXY matches (CIDR), and through the proxy without it', async (t) => {
    const address = outsideAddress();
    const forwarder = await startForwarder(address, { host: '127.0.0.1', port: apiPort });
    t.after(() => forwarder.close());
    const target = `${address}:${forwarder.port}`;
    const { dir, ns } = await project(t, `https://${target}`);
    const direct = await play(dir, {
      HTTPS_PROXY: proxy.url,
      NO_PROXY: `${address.split('.').slice(0, 3).join('.')}.0/24`,
    });
    assert.equal(direct.code, 0, direct.output);
    assert.ok(await configMapExists(ns));
    assert.equal(proxy.tunnels.get(target), undefined, 'NO_PROXY: no tunnel');
    assert.ok(forwarder.connections() >= 1);

    const proxied = await play(dir, { HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com' });
    assert.equal(proxied.code, 0, proxied.output);
    assert.ok((proxy.tunnels.get(target) ?? 0) >= 1, 'not matched: tunnelled');
  });

  it('refuses a socks5 proxy-url with a message naming the setting', async (t) => {
    const { dir } = await project(t, `https://east.proxied.test:${apiPort}`, 'socks5://127.0.0.1:1080');
    const run = await play(dir);
    assert.notEqual(run.code, 0);
    assert.match(run.output, /proxy-url of the kubeconfig cluster of host 'east' is a SOCKS proxy/);
  });
});
