// The client's request path as the write hot path uses it: the server URL's path prefix is kept
// (the transport parses the URL once, not per request), and requestText answers a 2xx body
// unparsed (server-side apply of a new object never reads it) while failing like request().
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../../src/kube/client.ts';
import type { KubeConnection } from '../../../src/kube/connection.ts';
import { KubeApiError } from '../../../src/kube/errors.ts';
import { json, startTlsServer, status } from './tls-server.ts';
import type { Handler, TlsServer } from './tls-server.ts';

let handler: Handler = (_req, res) => json(res, 200, {});
let server: TlsServer;
before(async () => {
  server = await startTlsServer((req, res) => handler(req, res));
});
after(() => server.close());

function client(serverUrl = server.url): KubeClient {
  const conn: KubeConnection = {
    host: 'east',
    server: serverUrl,
    token: 'token-1',
    ca: server.ca,
    cert: undefined,
    key: undefined,
    servername: undefined,
    insecure: false,
    credentials: 'token',
    defaultNamespace: undefined,
  };
  return new KubeClient(conn, { retry: { attempts: 1, baseMs: 1, capMs: 1 } });
}

describe('KubeClient request path', () => {
  it('sends to the path of a server URL that has one (a server behind a path prefix)', async () => {
    handler = (_req, res) => json(res, 200, {});
    const c = client(`${server.url}/prefix/`);
    await c.get('/api/v1/namespaces', { limit: 1 });
    c.close();
    assert.equal(server.requests.at(-1)?.url, '/prefix/api/v1/namespaces?limit=1');
  });
  it('answers requestText with the unparsed 2xx body, and fails like request() otherwise', async () => {
    const c = client();
    handler = (_req, res) => json(res, 201, { kind: 'ConfigMap' });
    const res = await c.requestText({ method: 'PATCH', path: '/api/v1/x', body: {} });
    assert.deepEqual([res.status, JSON.parse(res.text)], [201, { kind: 'ConfigMap' }]);
    handler = (_req, res) => json(res, 404, status(404, 'NotFound', 'configmaps "x" not found'));
    await assert.rejects(c.requestText({ method: 'GET', path: '/api/v1/x' }), KubeApiError);
    c.close();
  });
});
