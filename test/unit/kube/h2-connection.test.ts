// The kube transport over HTTP/2 (src/kube/h2-connection.ts), against Node's own HTTP/2 server
// with the tests' self-signed certificate: every request a stream on one connection, a server
// that only speaks HTTP/1.1 served over HTTP/1.1, DISABLE_HTTP2 as in client-go, a GOAWAY and a
// silent stream survived, and an idle connection never keeping the process alive.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { UnreachableError } from '../../../src/errors.ts';
import { KubeClient } from '../../../src/kube/client.ts';
import type { KubeConnection } from '../../../src/kube/connection.ts';
import { selfSignedCert } from '../../support/self-signed.ts';
import { json, startTlsServer } from './tls-server.ts';

interface H2Server {
  url: string;
  /** Connections (sessions) the server accepted. */
  sessions: http2.ServerHttp2Session[];
  /** The HTTP version and headers of each request, in arrival order. */
  requests: { version: string; path: string; headers: http2.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

type H2Handler = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse, body: string) => void;

async function startH2Server(handler: H2Handler): Promise<H2Server> {
  const { cert, key } = selfSignedCert();
  const sessions: http2.ServerHttp2Session[] = [];
  const requests: H2Server['requests'] = [];
  const server = http2.createSecureServer({ cert, key, allowHTTP1: true }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ version: req.httpVersion, path: req.url, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('session', (session) => sessions.push(session));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sessions,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function connection(server: string, extra: Partial<KubeConnection> = {}): KubeConnection {
  return {
    host: 'east',
    server,
    token: 'sekret-token',
    ca: selfSignedCert().cert,
    cert: undefined,
    key: undefined,
    servername: undefined,
    insecure: false,
    credentials: 'inventory token',
    defaultNamespace: undefined,
    ...extra,
  };
}

const answer: H2Handler = (req, res, body) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url, method: req.method, body }));
};

describe('the kube transport over HTTP/2', () => {
  const servers: { close(): Promise<void> }[] = [];
  after(() => Promise.all(servers.map((s) => s.close())));

  it('sends every request as a stream of one connection, with the headers and body of HTTP/1.1', async () => {
    const server = await startH2Server(answer);
    servers.push(server);
    const client = new KubeClient(
      connection(server.url, { impersonate: { user: 'alice', groups: ['devs'], uid: undefined, extra: {} } }),
    );
    try {
      const all = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.request({
            method: 'PATCH',
            path: `/api/v1/x${i}`,
            body: { n: i },
            contentType: 'application/apply-patch+yaml',
          }),
        ),
      );
      assert.deepEqual(all[7]?.body, { path: '/api/v1/x7', method: 'PATCH', body: '{"n":7}' });
      assert.equal(all[7]?.contentType, 'application/json');
      assert.equal(server.sessions.length, 1, 'one connection for 20 requests in flight');
      // A DELETE carries its DeleteOptions (Node ends a DELETE's stream at once unless told).
      const deleted = await client.request({
        method: 'DELETE',
        path: '/api/v1/x',
        body: { propagationPolicy: 'Background' },
      });
      assert.deepEqual(deleted.body, {
        path: '/api/v1/x',
        method: 'DELETE',
        body: '{"propagationPolicy":"Background"}',
      });
      assert.ok(server.requests.every((r) => r.version === '2.0'));
      const first = server.requests[0]!;
      assert.equal(first.headers['authorization'], 'Bearer sekret-token');
      assert.equal(first.headers['impersonate-user'], 'alice');
      assert.equal(first.headers['content-type'], 'application/apply-patch+yaml');
    } finally {
      client.close();
    }
  });

  it('a server that answers ALPN with HTTP/1.1 is served over HTTP/1.1', async () => {
    const server = await startTlsServer((req, res) => json(res, 200, { url: req.url }));
    servers.push(server);
    const client = new KubeClient(connection(server.url));
    try {
      assert.deepEqual(await client.get('/api'), { url: '/api' });
      assert.deepEqual(await client.get('/apis'), { url: '/apis' });
      assert.deepEqual(
        server.requests.map((r) => r.url),
        ['/api', '/apis'],
      );
    } finally {
      client.close();
    }
  });

  it('DISABLE_HTTP2 (client-go’s switch) keeps to HTTP/1.1', async () => {
    const server = await startH2Server(answer);
    servers.push(server);
    // The server takes HTTP/1.1 too (allowHTTP1), as the API server does.
    process.env['DISABLE_HTTP2'] = '1';
    let client: KubeClient;
    try {
      client = new KubeClient(connection(server.url));
    } finally {
      delete process.env['DISABLE_HTTP2'];
    }
    try {
      assert.deepEqual(await client.get('/api'), { path: '/api', method: 'GET', body: '' });
      assert.deepEqual(
        server.requests.map((r) => r.version),
        ['1.1'],
      );
    } finally {
      client.close();
    }
  });

  it('a GOAWAY from the server: the next request goes on a new connection', async () => {
    const server = await startH2Server(answer);
    servers.push(server);
    const client = new KubeClient(connection(server.url));
    try {
      await client.get('/one');
      server.sessions[0]!.goaway();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(await client.get('/two'), { path: '/two', method: 'GET', body: '' });
      assert.equal(server.sessions.length, 2);
    } finally {
      client.close();
    }
  });

  it('a stream the server never answers times out as unreachable; the connection, still alive, is kept', async () => {
    const server = await startH2Server((req, res, body) => {
      if (req.url !== '/silent') answer(req, res, body);
    });
    servers.push(server);
    const client = new KubeClient(connection(server.url), {
      timeoutMs: 300,
      retry: { attempts: 1, baseMs: 1, capMs: 1 },
    });
    try {
      await assert.rejects(client.get('/silent'), (error: Error) => {
        assert.ok(error instanceof UnreachableError, error.message);
        assert.match(error.message, /cluster east \(https:\/\/127\.0\.0\.1:\d+\) is unreachable/);
        return true;
      });
      assert.deepEqual(await client.get('/after'), { path: '/after', method: 'GET', body: '' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(server.sessions.length, 1, 'the ping was answered: same connection');
    } finally {
      client.close();
    }
  });

  it('a refused connection is unreachable, named with the cluster', async () => {
    const client = new KubeClient(connection('https://127.0.0.1:1'), {
      retry: { attempts: 1, baseMs: 1, capMs: 1 },
    });
    await assert.rejects(
      client.get('/api'),
      /cluster east \(https:\/\/127\.0\.0\.1:1\) is unreachable: .*refused/,
    );
    client.close();
  });

  it('an idle connection does not keep the process alive', async () => {
    const server = await startH2Server(answer);
    servers.push(server);
    const script = `
      import { KubeClient } from ${JSON.stringify(path.resolve(import.meta.dirname, '../../../src/kube/client.ts'))};
      const client = new KubeClient(${JSON.stringify(connection(server.url))});
      console.log(JSON.stringify(await client.get('/api')));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const started = Date.now();
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), { path: '/api', method: 'GET', body: '' });
    assert.ok(
      Date.now() - started < 5_000,
      `exited after ${Date.now() - started} ms, not held by the open connection`,
    );
    assert.equal(server.requests[0]?.version, '2.0');
  });
});
