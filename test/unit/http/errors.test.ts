import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { httpRequest } from '../../../src/http/client.ts';
import type { TlsOptions } from '../../../src/http/client.ts';
import { describeNetworkError } from '../../../src/http/errors.ts';
import { startTlsServer } from '../kube/tls-server.ts';
import type { TlsServer } from '../kube/tls-server.ts';

let server: TlsServer;
before(async () => {
  server = await startTlsServer((req, res) => (req.url === '/silent' ? undefined : res.end('ok')));
});
after(() => server.close());

/** The error a real request to `url` fails with. */
async function failure(url: string, tls: TlsOptions = {}, timeoutMs?: number): Promise<unknown> {
  try {
    await httpRequest(url, { tls, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  } catch (error) {
    return error;
  }
  throw new Error(`${url} answered`);
}

describe('describeNetworkError', () => {
  it('says an untrusted certificate is not trusted and names the setting the caller passes', async () => {
    const error = await failure(server.url);
    assert.equal(
      describeNetworkError(error, 'registry_ca_file'),
      "the server's TLS certificate is not trusted (self-signed certificate); set registry_ca_file to the PEM of the CA that signed it",
    );
    assert.match(describeNetworkError(error, 'ca_file'), /; set ca_file to the PEM/);
  });

  it('says a certificate for another host is not for this host', async () => {
    const error = await failure(server.url, { ca: server.ca, servername: 'example.com' });
    assert.match(
      describeNetworkError(error, 'ca_file'),
      /^the server's TLS certificate is not for this host \(.*example\.com/,
    );
  });

  it('words refused connections, timeouts and unknown host names', async () => {
    const dead = await startTlsServer(() => undefined);
    await dead.close();
    assert.equal(describeNetworkError(await failure(dead.url), 'ca_file'), 'connection refused');
    assert.equal(
      describeNetworkError(await failure(`${server.url}/silent`, { ca: server.ca }, 120), 'ca_file'),
      'no answer within 120 ms (timeout)',
    );
    assert.match(
      describeNetworkError(await failure('https://mcsync-test.invalid/'), 'ca_file'),
      /^host name not found \(DNS: (ENOTFOUND|EAI_AGAIN)\)$/,
    );
  });

  it('says a certificate is untrusted and what to set, without Node hints', () => {
    const error = Object.assign(
      new Error('self-signed certificate; if the root CA is installed locally, try --use-system-ca'),
      {
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      },
    );
    assert.equal(
      describeNetworkError(error, 'backup_location.ca_file'),
      "the server's TLS certificate is not trusted (self-signed certificate); set backup_location.ca_file to the PEM of the CA that signed it",
    );
  });

  it('passes other errors through, with their code', () => {
    assert.equal(describeNetworkError(new Error('boom'), 'ca_file'), 'boom');
    assert.equal(
      describeNetworkError(Object.assign(new Error('odd failure'), { code: 'EODD' }), 'ca_file'),
      'odd failure (EODD)',
    );
  });
});
