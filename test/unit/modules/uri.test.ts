import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { uriModule } from '../../../src/modules/builtin/uri.module.ts';
import { moduleContext } from '../../support/module-context.ts';
import { selfSignedCert } from '../../support/self-signed.ts';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('uri', () => {
  let server: Server;
  let base = '';
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/moved') {
          res.writeHead(302, { location: '/echo' }).end();
          return;
        }
        if (req.url === '/missing') {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
          return;
        }
        const echo = {
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(echo));
      });
    });
    base = `http://${await listen(server)}`;
  });
  after(() => server.close());

  it('GETs a URL and parses a JSON body', async () => {
    const result = await uriModule.run({ url: `${base}/echo` }, moduleContext());
    assert.equal(result.failed, undefined);
    assert.equal(result['status'], 200);
    assert.equal((result['json'] as { method: string }).method, 'GET');
    assert.equal(result['content'], undefined);
  });

  it('POSTs a JSON body with body_format json and returns content when asked', async () => {
    const result = await uriModule.run(
      { url: `${base}/echo`, method: 'POST', body: { a: 1 }, body_format: 'json', return_content: true },
      moduleContext(),
    );
    const echo = result['json'] as { body: string; headers: Record<string, string> };
    assert.equal(echo.body, '{"a":1}');
    assert.equal(echo.headers['content-type'], 'application/json');
    assert.equal(typeof result['content'], 'string');
  });

  it('sends headers but never returns them, so Authorization cannot print', async () => {
    const result = await uriModule.run(
      { url: `${base}/echo`, headers: { Authorization: 'Bearer abc123' } },
      moduleContext(),
    );
    assert.equal(
      (result['json'] as { headers: Record<string, string> }).headers['authorization'],
      'Bearer abc123',
    );
    delete result['json'];
    assert.ok(!JSON.stringify(result).includes('abc123'));
  });

  it('fails when the status is not in status_code', async () => {
    const result = await uriModule.run({ url: `${base}/missing` }, moduleContext());
    assert.equal(result.failed, true);
    assert.equal(result['status'], 404);
    assert.match(String(result.msg), /^Status code was 404 and not \[200\]/);
    assert.equal(
      (await uriModule.run({ url: `${base}/missing`, status_code: [200, 404] }, moduleContext())).failed,
      undefined,
    );
  });

  it('follows redirects of GET requests', async () => {
    const result = await uriModule.run({ url: `${base}/moved` }, moduleContext());
    assert.equal(result['status'], 200);
    assert.equal(result['redirected'], true);
  });

  it('reports status -1 when the server cannot be reached', async () => {
    const result = await uriModule.run({ url: 'http://127.0.0.1:1/', timeout: 2 }, moduleContext());
    assert.equal(result.failed, true);
    assert.equal(result['status'], -1);
  });

  it('checks certificates unless validate_certs is false, and trusts ca_path', async () => {
    const { cert, key, certFile } = selfSignedCert();
    const tls = createHttpsServer({ key, cert }, (_req, res) => res.end('secure'));
    const url = `https://${await listen(tls)}/`;
    try {
      assert.equal((await uriModule.run({ url }, moduleContext())).failed, true);
      assert.equal((await uriModule.run({ url, validate_certs: false }, moduleContext())).failed, undefined);
      assert.equal((await uriModule.run({ url, ca_path: certFile }, moduleContext())).failed, undefined);
    } finally {
      tls.close();
    }
  });
});
