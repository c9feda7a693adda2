// The registry client against a real local HTTP server that speaks the registry v2 token flow.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RegistryClient, type RegistryEndpoint } from '../../../src/image/registry-client.ts';

const MANIFEST = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;
const PASSWORD = 's3cret-password';

let server: http.Server;
let host = '';
const seen = { token: 0, accept: '' };

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      seen.token += 1;
      const ok = req.headers.authorization === `Basic ${Buffer.from(`robot:${PASSWORD}`).toString('base64')}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(
        ok ? JSON.stringify({ token: `tok-${url.searchParams.get('scope')}` }) : '{"details":"bad login"}',
      );
      return;
    }
    if (req.headers.authorization !== 'Bearer tok-repository:demo/app:pull') {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://${host}/token",service="test-registry"`,
        'content-type': 'application/json',
      });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    seen.accept = req.headers.accept ?? '';
    const headers: Record<string, string> = { 'content-type': 'application/vnd.oci.image.manifest.v1+json' };
    if (url.pathname === '/v2/demo/app/manifests/with-digest') headers['docker-content-digest'] = DIGEST;
    else if (url.pathname !== '/v2/demo/app/manifests/no-digest') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
      return;
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : MANIFEST);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function endpoint(password = PASSWORD, insecure = true): RegistryEndpoint {
  return {
    host,
    ca: undefined,
    insecure,
    credentials: { username: 'robot', password },
    label: `registry ${host} (host test)`,
    credentialSource: 'password from registry_password_file',
  };
}

describe('RegistryClient', () => {
  it('answers a Bearer challenge with a token fetched once per scope, asking for OCI and Docker types', async () => {
    const client = new RegistryClient(endpoint());
    try {
      seen.token = 0;
      assert.deepEqual(await client.headManifest('demo/app', 'with-digest'), {
        digest: DIGEST,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
      });
      await client.headManifest('demo/app', 'with-digest');
      assert.equal(seen.token, 1);
      assert.match(seen.accept, /application\/vnd\.oci\.image\.index\.v1\+json/);
      assert.match(seen.accept, /application\/vnd\.docker\.distribution\.manifest\.v2\+json/);
    } finally {
      client.close();
    }
  });

  it('computes the digest from the body when the registry sends no Docker-Content-Digest', async () => {
    const client = new RegistryClient(endpoint());
    try {
      const head = await client.headManifest('demo/app', 'no-digest');
      assert.equal(head?.digest, DIGEST);
    } finally {
      client.close();
    }
  });

  it('returns undefined for a manifest the registry does not have', async () => {
    const client = new RegistryClient(endpoint());
    try {
      assert.equal(await client.headManifest('demo/app', 'missing'), undefined);
    } finally {
      client.close();
    }
  });

  it('names the registry and the credential source on a failed login, never the password', async () => {
    const client = new RegistryClient(endpoint('wrong-password'));
    try {
      await assert.rejects(client.headManifest('demo/app', 'with-digest'), (error: Error) => {
        assert.match(error.message, new RegExp(`registry ${host} \\(host test\\)`));
        assert.match(error.message, /authentication failed with the password from registry_password_file/);
        assert.ok(!error.message.includes('wrong-password'));
        return true;
      });
    } finally {
      client.close();
    }
  });

  it('does not fall back to plain HTTP unless the registry is insecure', async () => {
    const client = new RegistryClient(endpoint(PASSWORD, false));
    try {
      await assert.rejects(client.headManifest('demo/app', 'with-digest'), /cannot connect/);
    } finally {
      client.close();
    }
  });
});
