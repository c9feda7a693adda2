import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { HttpClient, httpRequest } from '../../../src/http/client.ts';
import { RequestTimeoutError } from '../../../src/http/errors.ts';
import { selfSignedCert } from '../../support/self-signed.ts';
import { startTlsServer } from '../kube/tls-server.ts';
import type { Handler, TlsServer } from '../kube/tls-server.ts';

let handler: Handler = (_req, res) => res.end('ok');
let server: TlsServer;
let other: TlsServer;
before(async () => {
  server = await startTlsServer((req, res) => handler(req, res));
  other = await startTlsServer((_req, res) => res.end('other'));
});
after(async () => {
  await server.close();
  await other.close();
});

describe('HttpClient', () => {
  it('resolves with any status, its headers and the body', async () => {
    handler = (_req, res) => res.writeHead(404, { 'x-why': 'gone' }).end('not here');
    const res = await httpRequest(`${server.url}/missing`, { tls: { ca: server.ca } });
    assert.equal(res.status, 404);
    assert.equal(res.headers['x-why'], 'gone');
    assert.equal(res.body.toString(), 'not here');
    assert.equal(res.url, `${server.url}/missing`);
  });

  it('sends the method, headers and body with its length', async () => {
    handler = (req, res) => res.end(JSON.stringify(req));
    const res = await httpRequest(`${server.url}/echo`, {
      tls: { ca: server.ca },
      method: 'post',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    const echo = JSON.parse(res.body.toString()) as {
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    assert.deepEqual([echo.method, echo.body, echo.headers['content-length']], ['POST', '{"a":1}', '7']);
  });

  it('verifies the server against the given CA, and skips verification only when insecure', async () => {
    handler = (_req, res) => res.end('ok');
    await assert.rejects(httpRequest(server.url), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    assert.equal((await httpRequest(server.url, { tls: { ca: server.ca } })).status, 200);
    assert.equal((await httpRequest(server.url, { tls: { insecure: true } })).status, 200);
  });

  it('presents a client certificate to a server that requires one', async () => {
    const { cert, key } = selfSignedCert();
    const mtls = https.createServer(
      { cert, key, ca: cert, requestCert: true, rejectUnauthorized: true },
      (req, res) => res.end(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN)),
    );
    await new Promise<void>((resolve) => mtls.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(mtls.address() as AddressInfo).port}/`;
    try {
      await assert.rejects(httpRequest(url, { tls: { ca: cert } }));
      const res = await httpRequest(url, { tls: { ca: cert, cert, key } });
      assert.equal(res.body.toString(), '127.0.0.1');
    } finally {
      mtls.closeAllConnections();
      mtls.close();
    }
  });

  it('rejects with RequestTimeoutError (code ETIMEDOUT) when the server stays silent', async () => {
    handler = () => undefined;
    const started = Date.now();
    await assert.rejects(
      httpRequest(server.url, { tls: { ca: server.ca }, timeoutMs: 150 }),
      (error: unknown) =>
        error instanceof RequestTimeoutError && error.code === 'ETIMEDOUT' && error.timeoutMs === 150,
    );
    assert.ok(Date.now() - started < 2000);
  });

  it("rejects with the signal's reason when aborted", async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const pending = httpRequest(server.url, { tls: { ca: server.ca }, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('run interrupted')), 50);
    await assert.rejects(pending, /run interrupted/);
  });

  it('rejects a response body over maxBodyBytes', async () => {
    handler = (_req, res) => res.end('x'.repeat(100_000));
    await assert.rejects(httpRequest(server.url, { tls: { ca: server.ca }, maxBodyBytes: 1000 }), {
      code: 'ERR_HTTP_BODY_TOO_LARGE',
      message: 'response body larger than 1000 bytes',
    });
  });

  it('follows redirects as the policy says, with authorization only to the first origin', async () => {
    handler = (req, res) =>
      req.url === '/start'
        ? res.writeHead(302, { location: '/next' }).end()
        : req.url === '/next'
          ? res.writeHead(307, { location: `${other.url}/end` }).end()
          : res.end('?');
    const client = new HttpClient({ ca: server.ca });
    try {
      server.requests.length = 0;
      other.requests.length = 0;
      const res = await client.request(`${server.url}/start`, {
        headers: { authorization: 'Bearer t0ken' },
        redirect: { max: 5 },
      });
      assert.deepEqual(
        [res.status, res.body.toString(), res.url, res.redirects],
        [200, 'other', `${other.url}/end`, 2],
      );
      assert.deepEqual(
        server.requests.map((r) => r.headers.authorization),
        ['Bearer t0ken', 'Bearer t0ken'],
      );
      assert.equal(other.requests[0]?.headers.authorization, undefined);
    } finally {
      client.close();
    }
  });

  it('drops authorization on every hop with authorization "never", keeps it with "always"', async () => {
    handler = (req, res) =>
      req.url === '/start' ? res.writeHead(302, { location: '/next' }).end() : res.end();
    const client = new HttpClient({ ca: server.ca });
    try {
      for (const [authorization, expected] of [
        ['never', undefined],
        ['always', 'Basic x'],
      ] as const) {
        server.requests.length = 0;
        await client.request(`${server.url}/start`, {
          headers: { Authorization: 'Basic x' },
          redirect: { max: 1, authorization },
        });
        assert.equal(server.requests[1]?.headers.authorization, expected, authorization);
      }
    } finally {
      client.close();
    }
  });

  it('fails past the most hops, or returns the redirect when asked; POST redirects are not followed', async () => {
    handler = (_req, res) => res.writeHead(302, { location: '/again' }).end();
    const client = new HttpClient({ ca: server.ca });
    try {
      await assert.rejects(client.request(server.url, { redirect: { max: 2 } }), /more than 2 redirects/);
      const last = await client.request(server.url, { redirect: { max: 2, beyondMax: 'return' } });
      assert.deepEqual([last.status, last.redirects], [302, 2]);
      const post = await client.request(server.url, { method: 'POST', body: 'x', redirect: { max: 2 } });
      assert.deepEqual([post.status, post.redirects], [302, 0]);
      assert.equal((await client.request(server.url)).status, 302, 'no policy: no redirect followed');
    } finally {
      client.close();
    }
  });

  it('refuses URL schemes other than http and https', async () => {
    await assert.rejects(httpRequest('ftp://127.0.0.1/'), /unsupported URL scheme 'ftp:'/);
  });
});
