import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '../../../src/http/client.ts';
import type { ProxyEnvironment } from '../../../src/http/proxy.ts';
import { startConnectProxy } from '../../support/connect-proxy.ts';
import type { ConnectProxy } from '../../support/connect-proxy.ts';
import { json, startTlsServer } from '../kube/tls-server.ts';
import type { TlsServer } from '../kube/tls-server.ts';

let tls: TlsServer;
let plain: http.Server;
let proxy: ConnectProxy;
before(async () => {
  tls = await startTlsServer((_req, res) => json(res, 200, { ok: 'tls' }));
  plain = http.createServer((_req, res) => res.end('plain'));
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  proxy = await startConnectProxy();
});
after(async () => {
  await tls.close();
  plain.close();
  await proxy.close();
});

const tlsPort = (): string => new URL(tls.url).port;
const env = (extra: Partial<ProxyEnvironment> = {}): ProxyEnvironment => ({
  httpsProxy: proxy.url,
  httpProxy: proxy.url,
  noProxy: '',
  ...extra,
});

describe('the shared HTTP client through a proxy', () => {
  it('tunnels https requests with CONNECT when HTTPS_PROXY applies, reusing the tunnel', async () => {
    const client = new HttpClient({ ca: tls.ca, servername: 'localhost', proxy: { environment: env() } });
    try {
      const url = `https://registry.proxied.test:${tlsPort()}/v2/`;
      assert.equal((await client.request(url)).status, 200);
      assert.equal((await client.request(url)).status, 200);
      assert.equal(proxy.tunnels.get(`registry.proxied.test:${tlsPort()}`), 1);
    } finally {
      client.close();
    }
  });

  it('sends http requests in absolute form through HTTP_PROXY', async () => {
    const client = new HttpClient({ proxy: { environment: env() } });
    const port = (plain.address() as AddressInfo).port;
    try {
      const res = await client.request(`http://mirror.proxied.test:${port}/x`);
      assert.equal(res.body.toString(), 'plain');
      assert.equal(proxy.forwarded.get(`mirror.proxied.test:${port}`), 1);
    } finally {
      client.close();
    }
  });

  it('goes direct for NO_PROXY hosts (here the name then cannot resolve: no tunnel was asked for)', async () => {
    const before = proxy.total();
    const client = new HttpClient({ ca: tls.ca, proxy: { environment: env({ noProxy: '.proxied.test' }) } });
    try {
      await assert.rejects(client.request(`https://direct.proxied.test:${tlsPort()}/`), {
        code: 'ENOTFOUND',
      });
      assert.equal(proxy.total(), before);
    } finally {
      client.close();
    }
  });
});
