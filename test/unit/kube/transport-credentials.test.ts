import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../../src/kube/client.ts';
import type { KubeConnection } from '../../../src/kube/connection.ts';
import { parseExecConfig } from '../../../src/kube/exec-config.ts';
import { ExecPlugin } from '../../../src/kube/exec-plugin.ts';
import { json, startTlsServer } from './tls-server.ts';
import type { Handler, TlsServer } from './tls-server.ts';

let handler: Handler = (_req, res) => json(res, 200, {});
let server: TlsServer;
before(async () => {
  server = await startTlsServer((req, res) => handler(req, res));
});
after(() => server.close());

/** A plugin printing token-1, token-2, ... (no expiry: only a 401 makes it run again). */
function countingPlugin(): { plugin: ExecPlugin; runs: () => number } {
  let runs = 0;
  const config = parseExecConfig({
    exec: { command: 'get-token', apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never' },
    kubeconfigDir: '/',
    cluster: { server: server.url },
    label: "host 'east' (kubeconfig /k user 'eks')",
  });
  const plugin = new ExecPlugin(config, {
    run: () =>
      Promise.resolve({
        code: 0,
        signal: null,
        stderr: '',
        stdout: JSON.stringify({
          apiVersion: 'client.authentication.k8s.io/v1',
          kind: 'ExecCredential',
          status: { token: `token-${++runs}` },
        }),
      }),
  });
  return { plugin, runs: () => runs };
}

function connection(extra: Partial<KubeConnection>): KubeConnection {
  return {
    host: 'east',
    server: server.url,
    token: undefined,
    ca: server.ca,
    cert: undefined,
    key: undefined,
    servername: undefined,
    insecure: false,
    credentials: "kubeconfig /k context 'eks' user 'eks' (exec plugin)",
    defaultNamespace: undefined,
    ...extra,
  };
}

describe('credentials per request', () => {
  it('a 401 runs the exec plugin again and sends the request once more with the new token', async () => {
    const { plugin, runs } = countingPlugin();
    handler = (req, res) =>
      req.headers.authorization === 'Bearer token-2' ? json(res, 200, { ok: true }) : json(res, 401, {});
    const client = new KubeClient(connection({ exec: plugin }));
    try {
      assert.deepEqual(await client.get('/api'), { ok: true });
      assert.equal(runs(), 2);
      assert.deepEqual(await client.get('/api'), { ok: true }, 'the new token is kept');
      assert.equal(runs(), 2);
    } finally {
      client.close();
    }
  });

  it('a second 401 is reported naming the host and the kubeconfig user, never the token', async () => {
    const { plugin, runs } = countingPlugin();
    handler = (_req, res) => json(res, 401, { kind: 'Status', reason: 'Unauthorized', code: 401 });
    const client = new KubeClient(connection({ exec: plugin }));
    try {
      await assert.rejects(client.get('/api/v1/namespaces'), (error: Error) => {
        assert.match(error.message, /unauthorized: cluster east \(https:\/\/127\.0\.0\.1:\d+\)/);
        assert.match(error.message, /user 'eks' \(exec plugin\)/);
        assert.doesNotMatch(error.message, /token-\d/);
        return true;
      });
      assert.equal(runs(), 2, 'the plugin ran once more after the first 401, not in a loop');
    } finally {
      client.close();
    }
  });

  it('sends Impersonate-User, one Impersonate-Group per group, Impersonate-Uid and escaped extras', async () => {
    handler = (_req, res) => json(res, 200, {});
    const client = new KubeClient(
      connection({
        token: 'admin',
        impersonate: { user: 'jane', groups: ['dev', 'ops'], uid: '42', extra: { 'scopes/x y': ['view'] } },
      }),
    );
    try {
      await client.get('/api');
      const headers = server.requests.at(-1)?.headers ?? {};
      assert.equal(headers['impersonate-user'], 'jane');
      assert.equal(headers['impersonate-group'], 'dev, ops');
      assert.equal(headers['impersonate-uid'], '42');
      assert.equal(headers['impersonate-extra-scopes%2fx%20y'], 'view');
      assert.equal(headers.authorization, 'Bearer admin');
    } finally {
      client.close();
    }
  });
});
